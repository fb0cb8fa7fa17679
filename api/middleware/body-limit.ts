import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/**
 * Refuses a body over `maxBytes` (via `onError`) before anything parses it. A request that declares
 * its length is judged by its Content-Length header alone, as Hono's `bodyLimit` does, but without
 * touching `c.req.raw.body` first: on @hono/node-server that access builds a full web `Request` and a
 * web stream around the socket, and every later `c.req.json()` then reads through it (in the create
 * path's profile: ~10% of the API's CPU per request). Bodies without a length (chunked) go to Hono's
 * `bodyLimit`, which counts the bytes as they stream. A declared length is what Node's HTTP parser
 * enforces, so the body can never be longer than the header says.
 */
export function makeBodyLimit(maxBytes: number, onError: () => never): MiddlewareHandler<AppEnv> {
  const streamed = bodyLimit({ maxSize: maxBytes, onError });
  return createMiddleware<AppEnv>(async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) onError();
      await next();
      return;
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      await next();
      return;
    }
    await streamed(c, next);
  });
}
