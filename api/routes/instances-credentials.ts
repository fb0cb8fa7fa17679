import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { CREDENTIALS_LOST } from '../../shared/webhooks/lifecycle-events.js';
import type { AppEnv } from '../app-env.js';
import { rotatedSchema, rotationBody, rotationHandler } from '../credentials-rotation.js';
import {
  bearerSecurity,
  errorResponse,
  errors,
  InstanceIdParams,
  instanceErrors,
  jsonBody,
} from '../schemas.js';

const RestoreCredentialsBody = rotationBody(
  'RestoreCredentialsRequest',
  "The user's new Anthropic key; absent: the platform key (DEFAULT_ANTHROPIC_API_KEY)",
);

const RestoredCredentials = rotatedSchema(
  'RestoredCredentials',
  'Until the saga has run again: then `running`',
  'The new gateway token, shown this once; the old one stops working',
);

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

const restore = rotationHandler({
  conflict: 'credentials_not_lost',
  explain: (id, current) =>
    `Only an instance degraded by ${CREDENTIALS_LOST} takes new credentials; ${id} is ${current}`,
  logMessage: 'credentials restored',
});

export function registerRestoreCredentials(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => restore(c, c.req.valid('param').id, c.req.valid('json').anthropicApiKey));
}
