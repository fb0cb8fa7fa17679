import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/**
 * One line per request: method, path (no query), status, duration, and the instance a create made or
 * found. Never bodies or headers.
 */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const status = c.res.status;
  const instanceId = c.get('instanceId');
  const line = { method: c.req.method, path: c.req.path, status, ms, ...(instanceId ? { instanceId } : {}) };
  if (status >= 500) c.get('log').error(line, 'request');
  else c.get('log').info(line, 'request');
});
