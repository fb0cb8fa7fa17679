import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../api-error.js';

export interface SignupLimits {
  /** Signup requests per client address per minute. */
  perClient: number;
  /** Mails to one address per hour (across every client). */
  perEmail: number;
  /** Signup requests per minute in total: what a botnet of many addresses meets. */
  overall: number;
  /** Proof-of-work challenges per client address per minute (each page load and each attempt takes one). */
  challengesPerClient: number;
}

export const DEFAULT_SIGNUP_LIMITS: SignupLimits = {
  perClient: 10,
  perEmail: 5,
  overall: 120,
  challengesPerClient: 30,
};

/**
 * Signup rate limits through rate-limiter-flexible on Redis, so every API replica shares one count:
 * per client address, per (normalized) email, and overall. Over any answers 429 with Retry-After.
 */
export function makeSignupLimiter(redis: Redis, keyPrefix: string, limits: SignupLimits) {
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${name}`, points, duration });
  const client = limiter('client', limits.perClient, 60);
  const email = limiter('email', limits.perEmail, 3600);
  const overall = limiter('all', limits.overall, 60);
  const challenges = limiter('challenge', limits.challengesPerClient, 60);

  const take = async (l: RateLimiterRedis, key: string, message: string) => {
    try {
      await l.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        message,
        { retryAfterSeconds: retryAfter },
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
  };
  return {
    /** Before any work: the client's and the overall count. */
    async request(address: string): Promise<void> {
      await take(overall, 'all', 'We are receiving too many signups right now; try again in a minute');
      await take(client, address, 'Too many signups from your network; try again in a minute');
    },
    /** Before a challenge is signed: signing costs CPU, so a client cannot ask for them without end. */
    async challenge(address: string): Promise<void> {
      await take(challenges, address, 'Too many requests from your network; try again in a minute');
    },
    /**
     * Per address, once its proof of work checked out. Keyed by the email's hash (no address in Redis).
     * Over the limit the caller stays silent: answering 429 here would tell which address was asked for.
     */
    async mail(emailHash: string): Promise<boolean> {
      try {
        await email.consume(emailHash);
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
  };
}
