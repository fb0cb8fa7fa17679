import { createMiddleware } from 'hono/factory';
import { isRedisDown } from '../../shared/redis.js';
import type { AppEnv } from '../app-env.js';
import { redisUnavailable } from '../error-handler.js';

/**
 * Answers 503 at once while the API's Redis connection is known to be down (its socket closed and it
 * is reconnecting), before any command waits out its timeout. A Redis that hangs without closing the
 * socket is caught by the command timeout instead (see makeRedis's `failFast`).
 */
export const redisAvailable = createMiddleware<AppEnv>(async (c, next) => {
  if (isRedisDown(c.get('deps').redis)) throw redisUnavailable();
  await next();
});
