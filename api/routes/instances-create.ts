import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { newGatewayToken, newInstanceId } from '../../shared/naming.js';
import type { AppEnv } from '../app-env.js';
import type { Attempt } from '../idempotency/idempotency-store.js';
import { instanceLinks, toInstanceView } from '../instance-view.js';
import { provisionInstance } from '../provision.js';
import {
  bearerSecurity,
  bodyErrors,
  CreatedInstance,
  CreateInstanceBody,
  errorResponse,
  errors,
  IdempotencyHeaders,
  InstanceView,
  jsonBody,
} from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/instances',
  operationId: 'createInstance',
  tags: ['instances'],
  summary: 'Create an instance for a user (one live instance per userId)',
  security: bearerSecurity,
  request: {
    body: jsonBody(CreateInstanceBody),
    headers: IdempotencyHeaders,
  },
  responses: {
    202: {
      description: 'Recorded and queued; the gateway token is shown this once',
      headers: { Location: { description: 'The instance', schema: { type: 'string' } } },
      content: { 'application/json': { schema: CreatedInstance } },
    },
    200: {
      description: 'The user already has a live instance; nothing new was queued',
      content: { 'application/json': { schema: InstanceView } },
    },
    ...bodyErrors,
    401: errors[401],
    409: errorResponse(409, ['idempotency_key_in_use']),
    422: errors[422],
    500: errors[500],
    503: errorResponse(503, ['no_routing_capacity', 'redis_unavailable']),
  },
});

/**
 * Under an Idempotency-Key the instance id and gateway token are chosen, and kept (sealed) on the key,
 * before anything is written; a retry after a lost answer reuses them (see provisionInstance).
 */
async function chooseIdentity(attempt: Attempt | undefined) {
  if (!attempt) return undefined;
  if (attempt.carried) return JSON.parse(attempt.carried) as { id: string; gatewayToken: string };
  const chosen = { id: newInstanceId(), gatewayToken: newGatewayToken() };
  await attempt.keep(JSON.stringify(chosen));
  return chosen;
}

export function registerCreateInstance(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const result = await provisionInstance(c.get('deps'), {
      userId: body.userId,
      email: body.email,
      anthropicApiKey: body.anthropicApiKey,
      requestId: c.get('requestId'),
      reason: 'signup',
      chosen: await chooseIdentity(c.get('idempotency')),
    });
    const { instance } = result;
    // The access-log line carries it: 202 = queued, 200 = the user's live instance, nothing queued.
    c.set('instanceId', instance.id);
    if (result.kind === 'exists') return c.json(toInstanceView(instance), 200);
    c.header('Location', instanceLinks(instance.id).self);
    return c.json(
      {
        id: instance.id,
        status: instance.status,
        url: instance.url,
        gatewayToken: result.gatewayToken,
        links: instanceLinks(instance.id),
      },
      202,
    );
  });
}
