import { makeApp } from '../../api/app.js';
import { loadApiConfig } from '../../shared/config.js';
import { makeLogger } from '../../shared/logger.js';
import { makeRedis } from '../../shared/redis.js';
import type { Pipeline } from '../support/pipeline.js';
import { TEST_REDIS_URL } from '../support/redis-namespace.js';

export const API_TOKEN = 'routing-test-token-0123456789';
const json = { Authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };

/**
 * The real API app (in-process, `app.request`) on the pipeline's Redis prefix, store and queue, with the
 * routing configuration the worker uses: a submission goes through validation, the store's atomic slot
 * allocation and the enqueue exactly as in production, and the pipeline's worker runs it.
 */
export async function apiOnPipeline(p: Pipeline) {
  const config = loadApiConfig({
    ...p.env,
    LOG_LEVEL: 'silent',
    API_TOKEN,
    ADMIN_PASSWORD: 'admin-password-1',
  });
  const redis = makeRedis(TEST_REDIS_URL);
  const subscriber = makeRedis(TEST_REDIS_URL);
  const app = makeApp({
    config,
    store: p.store,
    instanceQueue: p.instanceQueue,
    queues: [p.instanceQueue.queue],
    redis,
    subscriber,
    sealer: p.sealer,
    log: makeLogger({ level: 'silent', name: 'api-test' }),
  });
  return {
    app,
    /** POST /v1/instances for a user. */
    submit(userId: string) {
      return app.request('/v1/instances', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId, email: `${userId}@example.test` }),
      });
    },
    /** DELETE /v1/instances/:id. */
    remove(id: string) {
      return app.request(`/v1/instances/${id}`, { method: 'DELETE', headers: json });
    },
    async close() {
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
    },
  };
}
