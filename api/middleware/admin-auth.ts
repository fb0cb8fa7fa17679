import type { MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import type { ApiConfig } from '../../shared/config.js';
import { constantTimeEquals } from './constant-time.js';

/**
 * Basic auth for operator pages (Bull Board, the dashboard). Register it BEFORE the pages' own
 * routes, on both `/prefix` and `/prefix/*`, so static assets and the pages' API calls are covered.
 * Both fields are always compared, so a wrong user name takes as long as a wrong password.
 */
export function makeAdminAuth(config: Pick<ApiConfig, 'ADMIN_USER' | 'ADMIN_PASSWORD'>): MiddlewareHandler {
  return basicAuth({
    realm: 'openclaw-fleet admin',
    verifyUser: (username, password) => {
      const userOk = constantTimeEquals(username, config.ADMIN_USER);
      const passwordOk = constantTimeEquals(password, config.ADMIN_PASSWORD.reveal());
      return userOk && passwordOk;
    },
  });
}

/** Protects `base` and everything under it on any Hono app. */
export function protectAdminPaths(
  app: { use(path: string, ...handlers: MiddlewareHandler[]): unknown },
  auth: MiddlewareHandler,
  bases: readonly string[],
): void {
  for (const base of bases) {
    app.use(base, auth);
    app.use(`${base}/*`, auth);
  }
}
