import type { Context, MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiConfig } from '../../shared/config.js';
import { makeKeys } from '../../shared/store/keys.js';
import { ApiError } from '../api-error.js';
import { clientAddress } from './client-address.js';
import { constantTimeEquals } from './constant-time.js';

/** Failed admin logins, counted per client address in Redis so every API process shares the count. */
export interface AdminLockout {
  redis: Redis;
  prefix: string;
  /** Failures allowed within `lockoutSeconds`; the next is refused, and so is everything until it ends. */
  maxFailures: number;
  lockoutSeconds: number;
  trustedProxyHops: number;
}

function lockedOut(msBeforeNext: number, maxFailures: number): ApiError {
  return new ApiError(
    429,
    'too_many_failed_logins',
    'Too many failed admin logins from this address; try again later',
    { maxFailures },
    { 'Retry-After': String(Math.max(1, Math.ceil(msBeforeNext / 1000))) },
  );
}

/**
 * Basic auth for operator pages (Bull Board, the dashboard). Register it BEFORE the pages' own
 * routes, on both `/prefix` and `/prefix/*`, so static assets and the pages' API calls are covered.
 * Both fields are always compared, so a wrong user name takes as long as a wrong password.
 *
 * With `lockout`, wrong credentials are counted per client address (rate-limiter-flexible's
 * RateLimiterRedis, its login-protection pattern): after `maxFailures` within the window the address
 * gets 429 with Retry-After, right password or not, until the window ends. A request that brings no
 * credentials (a browser's first, which draws the challenge) is not a failure; a success clears the
 * count.
 */
export function makeAdminAuth(
  config: Pick<ApiConfig, 'ADMIN_USER' | 'ADMIN_PASSWORD'>,
  lockout?: AdminLockout,
): MiddlewareHandler {
  // What the credentials of a request were found to be (absent: it brought none).
  const outcomes = new WeakMap<Context, boolean>();
  const basic = basicAuth({
    realm: 'openclaw-fleet admin',
    verifyUser: (username, password, c) => {
      const userOk = constantTimeEquals(username, config.ADMIN_USER);
      const passwordOk = constantTimeEquals(password, config.ADMIN_PASSWORD.reveal());
      outcomes.set(c, userOk && passwordOk);
      return userOk && passwordOk;
    },
  });
  if (!lockout) return basic;

  const limiter = new RateLimiterRedis({
    storeClient: lockout.redis,
    keyPrefix: makeKeys(lockout.prefix).adminLoginFailures,
    points: lockout.maxFailures,
    duration: lockout.lockoutSeconds,
    blockDuration: lockout.lockoutSeconds,
  });
  return async (c, next) => {
    const address = clientAddress(c, lockout.trustedProxyHops);
    const state = await limiter.get(address);
    if (state && state.remainingPoints <= 0) throw lockedOut(state.msBeforeNext, lockout.maxFailures);
    try {
      await basic(c, next);
    } catch (error) {
      if (outcomes.get(c) !== false) throw error;
      // Wrong credentials: counted. A concurrent guess that went over the allowance is refused now.
      const over = await limiter.consume(address).then(
        () => null,
        (reason: unknown) => {
          if (reason instanceof RateLimiterRes) return reason;
          throw reason;
        },
      );
      if (over) throw lockedOut(over.msBeforeNext, lockout.maxFailures);
      throw error;
    }
    if (state && outcomes.get(c) === true) await limiter.delete(address);
  };
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
