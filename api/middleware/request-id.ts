import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../../shared/logger.js';
import type { AppEnv } from '../app-env.js';

/** An incoming id is kept when it is short and plain (it ends up in logs and job data); else we make one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane) and echoes it on the response.
 * Create and delete jobs carry it too, so one grep follows an instance from the HTTP request through
 * every worker step. Its logger is made by `requestLog` when a route first logs, not here: most
 * requests log only their access line, which names the id itself, and a pino child per request (with
 * its redacted bindings) was a visible cost of every create.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
  // Error responses built by onError are new Response objects; make sure they carry the id as well.
  if (!c.res.headers.has('X-Request-Id')) c.res.headers.set('X-Request-Id', id);
});

/** The request's logger, carrying its id: a child of the app's, made on first use and kept for the request. */
export function requestLog(c: Context<AppEnv>): Logger {
  let log = c.get('log');
  if (!log) {
    log = c.get('deps').log.child({ requestId: c.get('requestId') });
    c.set('log', log);
  }
  return log;
}
