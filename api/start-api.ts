import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import type { ApiConfig } from '../shared/config.js';
import { loadPriceBook } from '../shared/cost/prices.js';
import { makeSealer } from '../shared/crypto.js';
import { makeInstanceStore } from '../shared/instance-store.js';
import { QUEUE_NAMES } from '../shared/job-catalog.js';
import { type Logger, makeLogger } from '../shared/logger.js';
import { makeInstanceQueue, makeQueue } from '../shared/queues.js';
import { makeRedis } from '../shared/redis.js';
import { type AppOptions, makeApp } from './app.js';
import { makeApiLogReader } from './logs/log-clients.js';

export interface StartApiOverrides extends AppOptions {
  logger?: Logger;
  /** Port to listen on instead of config.PORT (0: any free port). */
  port?: number;
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/**
 * The composition root's body: connections, store, queues, app, listening server. `close()` stops
 * accepting, ends open event streams, then closes queues and Redis connections, in that order.
 */
export async function startApi(config: ApiConfig, overrides: StartApiOverrides = {}): Promise<RunningApi> {
  const log =
    overrides.logger ??
    makeLogger({
      level: config.LOG_LEVEL,
      name: 'api',
      pretty: config.NODE_ENV === 'development' && process.stdout.isTTY,
    });
  // Concurrent requests share these two: auto-pipelining turns a burst's commands into a few writes
  // (in the create path's profile each command was one socket write, ~45-100 us of CPU each).
  const redis = makeRedis(config.REDIS_URL, { name: 'api', autoPipelining: true });
  const queueConnection = makeRedis(config.REDIS_URL, { name: 'api-queues', autoPipelining: true });
  const subscriber = makeRedis(config.REDIS_URL, { name: 'api-events' });
  const connections: Redis[] = [redis, queueConnection, subscriber];
  for (const connection of connections) {
    connection.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis connection error'));
  }

  const instanceQueue = makeInstanceQueue(queueConnection, config.QUEUE_PREFIX, {
    attempts: config.JOB_ATTEMPTS,
    backoffBaseMs: config.BACKOFF_BASE_MS,
  });
  const queues = [
    instanceQueue.queue,
    makeQueue(QUEUE_NAMES.capacity, queueConnection, config.QUEUE_PREFIX),
    makeQueue(QUEUE_NAMES.reconcile, queueConnection, config.QUEUE_PREFIX),
  ];
  const logs = makeApiLogReader(config);
  const app = makeApp(
    {
      config,
      store: makeInstanceStore(redis, { prefix: config.QUEUE_PREFIX, routing: config.routing }),
      instanceQueue,
      queues,
      redis,
      subscriber,
      sealer: makeSealer(config.DATA_ENCRYPTION_KEY.reveal()),
      log,
      prices: await loadPriceBook(config.COST_PRICES_FILE),
      ...(logs ? { logs: logs.reader } : {}),
    },
    overrides,
  );

  const port = overrides.port ?? config.PORT;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Event streams stay open until their instance settles; end them instead of waiting.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await closed;
        await Promise.all(queues.map((q) => q.close()));
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
        logs?.destroy();
      })();
      return closing;
    },
  };
}
