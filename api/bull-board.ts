import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { type Context, Hono } from 'hono';
import { ApiError } from './api-error.js';
import type { AppEnv } from './app-env.js';
import { sameOriginMutations } from './middleware/same-origin-mutations.js';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for every queue. The caller registers admin auth on BULL_BOARD_PATH and everything
 * under it BEFORE calling this, so the page, its static assets and its /api calls are all covered.
 * Job data holds ids only (credentials stay sealed on the instance record), so nothing secret shows.
 *
 * The board's own routes live in an app of their own, which the main app hands its requests to. One
 * of them (`/api/queues/:queueName/:jobId/logs`) is a pattern Hono's RegExpRouter refuses, so merged
 * into the main app they put every request, `POST /v1/instances` included, on the slower TrieRouter.
 * Errors and unknown paths still go to the main app's handlers (same JSON errors, same request id).
 *
 * Mutations pass a CSRF check (sameOriginMutations). With `readOnly` (BULL_BOARD_READ_ONLY, on by
 * default in production) each queue is in Bull Board's readOnlyMode (no retry, clean, add or remove
 * buttons; its API answers 405) and any other mutation (pause all, metrics purge) is refused here too.
 */
export function mountBullBoard(
  app: Hono<AppEnv>,
  queues: readonly Queue[],
  options: { readOnly: boolean } = { readOnly: true },
): void {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map(
      (queue) =>
        new BullMQAdapter(queue, { readOnlyMode: options.readOnly, allowRetries: !options.readOnly }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'OpenClaw Fleet' } },
  });
  const board = new Hono<{ Bindings: { parent: Context<AppEnv> } }>();
  board.route(BULL_BOARD_PATH, serverAdapter.registerPlugin());
  board.notFound((c) => c.env.parent.notFound());
  board.onError((err) => {
    throw err;
  });
  const guard = sameOriginMutations();
  const handOver = (c: Context<AppEnv>) => {
    if (options.readOnly && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      throw new ApiError(405, 'read_only', 'Bull Board is read-only here (BULL_BOARD_READ_ONLY)');
    }
    return board.fetch(c.req.raw, { parent: c });
  };
  for (const path of [BULL_BOARD_PATH, `${BULL_BOARD_PATH}/*`]) {
    app.use(path, guard);
    app.all(path, handOver);
  }
}
