import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { rotateCredentials, rotatedView } from '../credentials-rotation.js';
import { requestLog } from '../middleware/request-id.js';
import {
  anthropicKeySchema,
  bearerSecurity,
  errorResponse,
  errors,
  IdempotencyHeaders,
  InstanceIdParams,
  instanceErrors,
  jsonBody,
  Links,
} from '../schemas.js';

const RotateTokenBody = z
  .strictObject({
    anthropicApiKey: anthropicKeySchema.optional().openapi({
      description:
        "The user's Anthropic key to keep using; absent: the platform key (the platform keeps no copy of the old one)",
    }),
  })
  .openapi('RotateTokenRequest');

const RotatedToken = z
  .object({
    id: z.string(),
    status: z.literal('degraded').openapi({ description: 'Until the new token is live: then `running`' }),
    url: z.string(),
    gatewayToken: z.string().openapi({
      description: 'The new gateway token, shown this once; the old one stops working once it is live',
    }),
    links: Links,
  })
  .openapi('RotatedToken');

const route = createRoute({
  method: 'post',
  path: '/v1/instances/{id}/token',
  operationId: 'rotateInstanceToken',
  tags: ['instances'],
  summary: 'Issue a new gateway token (a user lost theirs)',
  description:
    'For a `running` instance (or one degraded by `credentials_lost`): draws a new gateway token and runs the credentials restore of `PUT /v1/instances/{id}/credentials`: the secret gets a new version (PutSecretValue), the service is redeployed with it, and the reachable gate checks the new token through the load balancer before the instance is `running` again. The old token keeps working until the new task serves, then stops.',
  security: bearerSecurity,
  request: {
    params: InstanceIdParams,
    headers: IdempotencyHeaders,
    body: jsonBody(RotateTokenBody),
  },
  responses: {
    202: {
      description: 'Sealed and queued; the new gateway token is shown this once',
      content: { 'application/json': { schema: RotatedToken } },
    },
    400: errorResponse(400, [
      'invalid_id',
      'invalid_json',
      'invalid_body',
      'bad_request',
      'invalid_idempotency_key',
    ]),
    ...instanceErrors,
    409: errorResponse(409, ['not_running', 'idempotency_key_in_use']),
    415: errors[415],
    422: errors[422],
  },
});

export function registerRotateToken(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await rotateCredentials(c.var.deps, {
      id,
      requestId: c.var.requestId,
      anthropicApiKey: body.anthropicApiKey,
      fromRunning: true,
    });
    if (!result.ok) {
      if (result.reason === 'missing') throw instanceNotFound(id);
      throw new ApiError(
        409,
        'not_running',
        `Only a running instance gets a new token; ${id} is ${result.current}`,
        { status: result.current },
      );
    }
    requestLog(c).info({ instanceId: id, rotation: result.rotation }, 'gateway token rotated');
    return c.json(rotatedView(id, result), 202);
  });
}
