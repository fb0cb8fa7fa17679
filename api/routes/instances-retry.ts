import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { instanceLinks } from '../instance-view.js';
import { requestLog } from '../middleware/request-id.js';
import {
  Accepted,
  bearerSecurity,
  errorResponse,
  errors,
  IdempotencyHeaders,
  InstanceIdParams,
  idErrors,
  instanceErrors,
} from '../schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/instances/{id}/retry',
  operationId: 'retryInstance',
  tags: ['instances'],
  summary: 'Re-run a failed create from the step that failed',
  description:
    'Finished steps are checkpointed on the instance, so the new create job skips them and resumes at the failed one.',
  security: bearerSecurity,
  request: { params: InstanceIdParams, headers: IdempotencyHeaders },
  responses: {
    202: { description: 'Create queued again', content: { 'application/json': { schema: Accepted } } },
    ...idErrors,
    ...instanceErrors,
    409: errorResponse(409, ['not_failed', 'idempotency_key_in_use']),
    422: errors[422],
  },
});

export function registerRetryInstance(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { store, instanceQueue } = c.var.deps;
    const result = await store.requeue(id);
    if (!result.ok) {
      if (result.reason === 'missing') throw instanceNotFound(id);
      throw new ApiError(
        409,
        'not_failed',
        `Only a failed instance can be retried; ${id} is ${result.current}`,
        {
          status: result.current,
        },
      );
    }
    const sequence = await store.nextJobSequence(id);
    await instanceQueue.enqueueCreate(
      { instanceId: id, requestId: c.var.requestId, reason: 'retry' },
      sequence,
    );
    requestLog(c).info({ instanceId: id, sequence }, 'retry queued');
    return c.json({ id, status: 'queued' as const, links: instanceLinks(id) }, 202);
  });
}
