import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { rotatedSchema, rotationBody, rotationHandler } from '../credentials-rotation.js';
import {
  bearerSecurity,
  errorResponse,
  errors,
  IdempotencyHeaders,
  InstanceIdParams,
  instanceErrors,
  jsonBody,
} from '../schemas.js';

const RotateTokenBody = rotationBody(
  'RotateTokenRequest',
  "The user's Anthropic key to keep using; absent: the platform key (the platform keeps no copy of the old one)",
);

const RotatedToken = rotatedSchema(
  'RotatedToken',
  'Until the new token is live: then `running`',
  'The new gateway token, shown this once; the old one stops working once it is live',
);

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

const rotate = rotationHandler({
  fromRunning: true,
  conflict: 'not_running',
  explain: (id, current) => `Only a running instance gets a new token; ${id} is ${current}`,
  logMessage: 'gateway token rotated',
});

export function registerRotateToken(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => rotate(c, c.req.valid('param').id, c.req.valid('json').anthropicApiKey));
}
