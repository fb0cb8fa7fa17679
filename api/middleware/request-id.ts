import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/** An incoming id is kept when it is short and plain (it ends up in logs and job data); else we make one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane) and a child logger carrying it,
 * and echoes it on the response. Create and delete jobs carry it too, so one grep follows an instance
 * from the HTTP request through every worker step.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  c.set('requestId', id);
  c.set('log', c.get('deps').log.child({ requestId: id }));
  c.header('X-Request-Id', id);
  await next();
  // Error responses built by onError are new Response objects; make sure they carry the id as well.
  if (!c.res.headers.has('X-Request-Id')) c.res.headers.set('X-Request-Id', id);
});
