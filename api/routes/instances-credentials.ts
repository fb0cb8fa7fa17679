import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CREDENTIALS_LOST } from '../../shared/webhooks/lifecycle-events.js';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { rotateCredentials, rotatedView } from '../credentials-rotation.js';
import { requestLog } from '../middleware/request-id.js';
import {
  anthropicKeySchema,
  bearerSecurity,
  errorResponse,
  errors,
  InstanceIdParams,
  instanceErrors,
  jsonBody,
  Links,
} from '../schemas.js';

const RestoreCredentialsBody = z
  .strictObject({
    anthropicApiKey: anthropicKeySchema.optional().openapi({
      description: "The user's new Anthropic key; absent: the platform key (DEFAULT_ANTHROPIC_API_KEY)",
    }),
  })
  .openapi('RestoreCredentialsRequest');

const RestoredCredentials = z
  .object({
    id: z.string(),
    status: z.literal('degraded').openapi({ description: 'Until the saga has run again: then `running`' }),
    url: z.string(),
    gatewayToken: z
      .string()
      .openapi({ description: 'The new gateway token, shown this once; the old one stops working' }),
    links: Links,
  })
  .openapi('RestoredCredentials');

const route = createRoute({
  method: 'put',
  path: '/v1/instances/{id}/credentials',
  operationId: 'restoreInstanceCredentials',
  tags: ['instances'],
  summary: 'Restore the credentials of an instance whose secret was lost (credentials_lost)',
  description:
    'Allowed only while the instance is `degraded` with `error.code` `credentials_lost` (the reconciler found its Secrets Manager secret gone and sent `instance.credentials_lost`). Rotates the gateway token, seals the new credentials, and resumes the create saga from the secret step: the secret is written anew and the service redeployed, so tasks start with the new values; `instance.recovered` follows.',
  security: bearerSecurity,
  request: {
    params: InstanceIdParams,
    body: jsonBody(RestoreCredentialsBody),
  },
  responses: {
    202: {
      description: 'Sealed and queued; the new gateway token is shown this once',
      content: { 'application/json': { schema: RestoredCredentials } },
    },
    400: errorResponse(400, ['invalid_id', 'invalid_json', 'invalid_body', 'bad_request']),
    ...instanceErrors,
    409: errorResponse(409, ['credentials_not_lost']),
    415: errors[415],
  },
});

export function registerRestoreCredentials(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await rotateCredentials(c.var.deps, {
      id,
      requestId: c.var.requestId,
      anthropicApiKey: body.anthropicApiKey,
    });
    if (!result.ok) {
      if (result.reason === 'missing') throw instanceNotFound(id);
      throw new ApiError(
        409,
        'credentials_not_lost',
        `Only an instance degraded by ${CREDENTIALS_LOST} takes new credentials; ${id} is ${result.current}`,
        { status: result.current },
      );
    }
    requestLog(c).info({ instanceId: id, rotation: result.rotation }, 'credentials restored');
    return c.json(rotatedView(id, result), 202);
  });
}
