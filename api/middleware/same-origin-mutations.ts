import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isForeignOrigin(c: Context, origin: string): boolean {
  try {
    return new URL(origin).host !== (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return true; // `null` (a sandboxed frame, a file:// page) or garbage: not this site.
  }
}

/**
 * CSRF defence for pages a browser reaches with basic auth (Bull Board), where the browser attaches the
 * credentials to any site's request. A mutation is refused (403) when the browser says it comes from
 * another site (`Sec-Fetch-Site: cross-site`, or `same-site`: a sibling subdomain is not this app) or
 * names another `Origin`. The body must be `application/json` (415) on every POST and on any mutation
 * that carries a body: a cross-site form or a no-preflight fetch can only send text/plain, urlencoded or
 * multipart. Bodiless PUT/PATCH (the board's retry and pause buttons send no body) pass: browsers
 * preflight them cross-origin, and this app grants no CORS. Requests without these headers (curl,
 * scripts) still need the admin password.
 */
export function sameOriginMutations(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if (
      site === 'cross-site' ||
      site === 'same-site' ||
      (origin !== undefined && isForeignOrigin(c, origin))
    ) {
      throw new ApiError(403, 'cross_site_request', 'Changes are accepted from this site only');
    }
    const type = c.req.header('content-type') ?? '';
    const hasBody = c.req.header('content-length') !== undefined && c.req.header('content-length') !== '0';
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if ((c.req.method === 'POST' || hasBody || chunked) && !/^application\/json\s*(;|$)/i.test(type)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send changes as application/json');
    }
    return next();
  };
}
