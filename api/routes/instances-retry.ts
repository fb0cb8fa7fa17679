import type { OpenAPIHono } from '@hono/zod-openapi';
import { transitionRefused } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { instanceLinks } from '../instance-view.js';
import { requestLog } from '../middleware/request-id.js';
import { instanceActionRoute } from './instance-action-route.js';

const route = instanceActionRoute({
  method: 'post',
  path: '/v1/instances/{id}/retry',
  operationId: 'retryInstance',
  summary: 'Re-run a failed create from the step that failed',
  description:
    'Finished steps are checkpointed on the instance, so the new create job skips them and resumes at the failed one.',
  accepted: 'Create queued again',
  conflict: 'not_failed',
});

export function registerRetryInstance(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { store, instanceQueue } = c.var.deps;
    const result = await store.requeue(id);
    if (!result.ok) {
      throw transitionRefused(
        id,
        result,
        'not_failed',
        (current) => `Only a failed instance can be retried; ${id} is ${current}`,
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
