import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { type Context, Hono } from 'hono';
import type { AppEnv } from './app-env.js';

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
 */
export function mountBullBoard(app: Hono<AppEnv>, queues: readonly Queue[]): void {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'OpenClaw Fleet' } },
  });
  const board = new Hono<{ Bindings: { parent: Context<AppEnv> } }>();
  board.route(BULL_BOARD_PATH, serverAdapter.registerPlugin());
  board.notFound((c) => c.env.parent.notFound());
  board.onError((err) => {
    throw err;
  });
  const handOver = (c: Context<AppEnv>) => board.fetch(c.req.raw, { parent: c });
  app.all(BULL_BOARD_PATH, handOver);
  app.all(`${BULL_BOARD_PATH}/*`, handOver);
}
