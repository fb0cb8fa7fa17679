import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from './api-error.js';
import type { AppEnv } from './app-env.js';

export interface RateLimitOptions {
  /** Requests allowed per window and client address. */
  max: number;
  windowMs: number;
  /** Names the counter, so several limits do not share one. */
  name: string;
}

/**
 * The client's address. Behind `trustedHops` proxies (an ALB is one), each appended the address it saw to
 * X-Forwarded-For, so the client is the entry that many places from the end; entries before it are the
 * caller's own claims and are ignored. Otherwise the socket's address; in-process requests share one bucket.
 */
export function clientAddress(c: Context, trustedHops = 0): string {
  if (trustedHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const client = forwarded[forwarded.length - trustedHops];
    if (client) return client;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * A fixed-window counter per client address in Redis (INCR + PEXPIRE in one MULTI), so every API
 * replica shares the limit. Over the limit answers 429 with Retry-After.
 */
export function rateLimit(options: RateLimitOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { redis, config } = c.var.deps;
    const now = Date.now();
    const window = Math.floor(now / options.windowMs);
    const key = `${config.QUEUE_PREFIX}:ratelimit:${options.name}:${clientAddress(c, config.TRUSTED_PROXY_HOPS)}:${window}`;
    const replies = await redis.multi().incr(key).pexpire(key, options.windowMs).exec();
    const count = Number(replies?.[0]?.[1] ?? 0);
    if (count > options.max) {
      const retryAfter = Math.ceil(((window + 1) * options.windowMs - now) / 1000);
      throw new ApiError(
        429,
        'rate_limited',
        'Too many signups from this address; try again in a minute',
        { limit: options.max, windowSeconds: options.windowMs / 1000 },
        { 'Retry-After': String(Math.max(1, retryAfter)) },
      );
    }
    await next();
  });
}
