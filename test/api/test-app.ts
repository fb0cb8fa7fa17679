import { randomBytes } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppOptions } from '../../api/app.js';
import { makeApp } from '../../api/app.js';
import type { CreatedInstance, ErrorSchema, InstancePage, InstanceView } from '../../api/schemas.js';
import { type ApiConfig, loadApiConfig } from '../../shared/config.js';
import { makeSealer } from '../../shared/crypto.js';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { makeLogger } from '../../shared/logger.js';
import { makeInstanceQueue, makeQueue } from '../../shared/queues.js';
import { makeRedis } from '../../shared/redis.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../support/redis-namespace.js';
import { checkEveryResponse } from './response-contract.js';

export type CreatedBody = z.infer<typeof CreatedInstance>;
export type InstanceBody = z.infer<typeof InstanceView>;
export type PageBody = z.infer<typeof InstancePage>;
export type ErrorBody = z.infer<typeof ErrorSchema>;
/** A response's JSON, typed as the contract says it is (the assertions check that it is). */
export const read = <T>(res: Response): Promise<T> => res.json() as Promise<T>;

export const API_TOKEN = 'test-api-token-0123456789';
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin-password-1';
export const auth = { Authorization: `Bearer ${API_TOKEN}` };
export const adminAuth = {
  Authorization: `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`,
};
export const json = { ...auth, 'content-type': 'application/json' };

export function testConfig(prefix: string, extra: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    API_TOKEN,
    ADMIN_USER,
    ADMIN_PASSWORD,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALB_LISTENER_ARN: 'arn:aws:elasticloadbalancing:us-west-2:000000000000:listener/app/test/1/2',
    ALB_DNS_NAME: 'alb.test',
    MAX_BODY_BYTES: '2048',
    ...extra,
  });
}

/**
 * An in-process app against real Redis under a fresh prefix, with everything it opened so a test can
 * look at Redis and the queue directly and close it all in afterEach.
 */
export async function makeTestApp(options: AppOptions & { env?: Record<string, string> } = {}) {
  const ns = makeTestNamespace();
  const config = testConfig(ns.prefix, options.env);
  const redis = makeRedis(TEST_REDIS_URL);
  const subscriber = makeRedis(TEST_REDIS_URL);
  const queueConnection = makeRedis(TEST_REDIS_URL);
  const instanceQueue = makeInstanceQueue(queueConnection, ns.prefix, { attempts: 3, backoffBaseMs: 100 });
  const queues: Queue[] = [
    instanceQueue.queue,
    makeQueue(QUEUE_NAMES.capacity, queueConnection, ns.prefix),
    makeQueue(QUEUE_NAMES.reconcile, queueConnection, ns.prefix),
  ];
  // BullMQ writes each queue's meta key shortly after construction; wait for it, so tests that compare
  // the keys under the prefix before and after a request see only what the request wrote.
  for (let i = 0; i < 200; i++) {
    const metas = await Promise.all(queues.map((q) => ns.redis.exists(`${ns.prefix}:${q.name}:meta`)));
    if (metas.every(Boolean)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const store = makeInstanceStore(redis, { prefix: ns.prefix, routing: config.routing });
  const sealer = makeSealer(config.DATA_ENCRYPTION_KEY.reveal());
  const log = makeLogger({ level: 'silent', name: 'api-test' });
  const deps = { config, store, instanceQueue, queues, redis, subscriber, sealer, log };
  const app = makeApp(deps, options);
  // Every response any API test gets is checked against the schema the document declares for it.
  checkEveryResponse(app);

  /** Every key under this test's prefix (the app's and BullMQ's). */
  const keys = async () => (await ns.redis.keys(`${ns.prefix}*`)).sort();
  /** Every key and value under the prefix, as text, to look for plaintext secrets. */
  const dump = async () => {
    const parts: string[] = [];
    for (const key of await keys()) {
      const type = await ns.redis.type(key);
      if (type === 'string') parts.push(key, (await ns.redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(key, JSON.stringify(await ns.redis.hgetall(key)));
      else if (type === 'list') parts.push(key, JSON.stringify(await ns.redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(key, JSON.stringify(await ns.redis.smembers(key)));
      else if (type === 'zset') parts.push(key, JSON.stringify(await ns.redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(key, JSON.stringify(await ns.redis.xrange(key, '-', '+')));
      else parts.push(key);
    }
    return parts.join('\n');
  };

  return {
    app,
    /** What the app was made from, to make another over the same Redis and queues. */
    deps,
    config,
    redis,
    store,
    sealer,
    instanceQueue,
    queue: instanceQueue.queue,
    ns,
    keys,
    dump,
    async close() {
      await Promise.all(queues.map((q) => q.close()));
      await Promise.all(
        [redis, subscriber, queueConnection].map((c: Redis) => c.quit().catch(() => c.disconnect())),
      );
      await ns.cleanup();
    },
  };
}
export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;
