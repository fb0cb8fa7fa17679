import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/** One line per request: method, path (no query), status and duration. Never bodies or headers. */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const status = c.res.status;
  const line = { method: c.req.method, path: c.req.path, status, ms };
  if (status >= 500) c.var.log.error(line, 'request');
  else c.var.log.info(line, 'request');
});
