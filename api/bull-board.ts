import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for every queue. The caller registers admin auth on BULL_BOARD_PATH and everything
 * under it BEFORE calling this, so the page, its static assets and its /api calls are all covered.
 * Job data holds ids only (credentials stay sealed on the instance record), so nothing secret shows.
 */
export function mountBullBoard(app: Hono<AppEnv>, queues: readonly Queue[]): void {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'OpenClaw Fleet' } },
  });
  app.route(BULL_BOARD_PATH, serverAdapter.registerPlugin());
}
