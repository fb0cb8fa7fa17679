import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { isFinalRollout } from '../../shared/rollouts/rollout.js';
import { makeRolloutStore } from '../../shared/rollouts/rollout-store.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { DEFAULT_HEARTBEAT_MS } from '../instance-stream.js';
import { requestLog } from '../middleware/request-id.js';
import { bearerSecurity, errorResponse, errors, LastEventIdHeader, redisErrors } from '../schemas.js';
import { RolloutIdParams } from './rollout-schemas.js';
import { toRolloutView } from './rollout-view.js';

/** How often the stream reads the rollout: progress moves at the pace of ECS deployments, not faster. */
const POLL_MS = 500;

const route = createRoute({
  method: 'get',
  path: '/v1/rollouts/{id}/events',
  operationId: 'streamRolloutEvents',
  tags: ['operations'],
  summary: "Server-sent events of a rollout's progress",
  description:
    'First event `snapshot` (a `Rollout`), then `progress` (a `Rollout`) each time it changes; a `: heartbeat` comment every 15 s; `error` if the stream fails. The stream ends when the rollout has completed, failed or been aborted.',
  security: bearerSecurity,
  request: { params: RolloutIdParams, headers: LastEventIdHeader },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    400: errorResponse(400, ['invalid_id']),
    401: errors[401],
    404: errorResponse(404, ['not_found']),
    500: errors[500],
    ...redisErrors,
  },
});

/**
 * Reads the rollout every POLL_MS and sends it when it changed: its checkpoints are many small writes from
 * the worker, so a poll (one HGETALL) is simpler than a pub/sub channel and loses nothing in between.
 */
export function registerRolloutStream(app: OpenAPIHono<AppEnv>, heartbeatMs = DEFAULT_HEARTBEAT_MS): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const store = makeRolloutStore(c.var.deps.redis, c.var.deps.config.QUEUE_PREFIX);
    const first = await store.get(id);
    if (!first) throw new ApiError(404, 'not_found', `No rollout ${id}`);
    const log = requestLog(c).child({ rolloutId: id });
    return streamSSE(c, async (stream) => {
      let aborted = false;
      stream.onAbort(() => {
        aborted = true;
      });
      const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), heartbeatMs);
      try {
        let sent = JSON.stringify(toRolloutView(first));
        await stream.writeSSE({ event: 'snapshot', data: sent, retry: 3000 });
        let state = first.state;
        while (!aborted && !isFinalRollout(state)) {
          await stream.sleep(POLL_MS);
          const now = await store.get(id);
          if (!now) break;
          state = now.state;
          const data = JSON.stringify(toRolloutView(now));
          if (data !== sent) await stream.writeSSE({ event: 'progress', data });
          sent = data;
        }
      } catch (error) {
        log.error({ err: error }, 'rollout stream failed');
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'internal_error' }) });
      } finally {
        clearInterval(heartbeat);
      }
    });
  });
}
