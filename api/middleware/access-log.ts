import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/**
 * One line per request: request id, method, path (no query), status, duration, and the instance a
 * create made or found. Never bodies or headers. Written by the app's logger with the id as the
 * line's first field, which prints exactly as the request's child logger would, without making one.
 */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const status = c.res.status;
  const log = c.get('deps').log;
  const level = status >= 500 ? 'error' : 'info';
  if (!log.isLevelEnabled(level)) return;
  const instanceId = c.get('instanceId');
  const line = {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status,
    ms,
    ...(instanceId ? { instanceId } : {}),
  };
  log[level](line, 'request');
});
