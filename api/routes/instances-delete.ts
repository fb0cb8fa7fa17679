import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, instanceNotFound } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { instanceLinks } from '../instance-view.js';
import { requestLog } from '../middleware/request-id.js';
import { instanceActionRoute } from './instance-action-route.js';

const route = instanceActionRoute({
  method: 'delete',
  path: '/v1/instances/{id}',
  operationId: 'deleteInstance',
  summary: 'Delete an instance and every AWS resource it has (idempotent while deleting)',
  accepted: 'Deletion queued',
  conflict: 'already_deleted',
});

export function registerDeleteInstance(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { store, instanceQueue } = c.var.deps;
    const result = await store.markDeleting(id);
    if (!result.ok) {
      if (result.reason === 'missing') throw instanceNotFound(id);
      if (result.current === 'deleted') {
        throw new ApiError(409, 'already_deleted', `Instance ${id} is already deleted`, {
          status: 'deleted',
        });
      }
      // Already deleting: answer as before. Enqueueing again is a no-op while the job exists (its id is
      // deterministic) and repairs the case where a crash fell between the transition and the enqueue.
    }
    await instanceQueue.enqueueDelete({ instanceId: id, requestId: c.var.requestId, reason: 'user-delete' });
    requestLog(c).info(
      { instanceId: id, previous: result.ok ? result.previous : 'deleting' },
      'delete queued',
    );
    return c.json({ id, status: 'deleting' as const, links: instanceLinks(id) }, 202);
  });
}
