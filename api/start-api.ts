import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import type { ApiConfig } from '../shared/config.js';
import { loadPriceBook } from '../shared/cost/prices.js';
import { makeSealer } from '../shared/crypto.js';
import { QUEUE_NAMES } from '../shared/job-catalog.js';
import { type Logger, makeLogger } from '../shared/logger.js';
import { makeInstanceQueue, makeQueue } from '../shared/queues.js';
import { makeRedis } from '../shared/redis.js';
import { makeRolloutQueue } from '../shared/rollouts/rollout-queue.js';
import { makeInstanceStore } from '../shared/store/instance-store.js';
import { type AppOptions, makeApp } from './app.js';
import { makeApiProcessMetrics } from './capacity/metrics-http.js';
import { makeMetricsApp } from './capacity/metrics-route.js';
import { makeApiLogReader } from './logs/log-clients.js';
import { makeReconcileRunner } from './reconcile/reconcile-runner.js';

type Server = ReturnType<typeof serve>;

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number) {
  return new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch, hostname, port }, () => resolve(s));
    s.once('error', reject);
  });
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export interface StartApiOverrides extends AppOptions {
  logger?: Logger;
  /** Port to listen on instead of config.PORT (0: any free port). */
  port?: number;
  /** Port for the metrics listener instead of config.METRICS_PORT, when that is set. */
  metricsPort?: number;
}

export interface RunningApi {
  url: string;
  /** The METRICS_PORT listener, when there is one. */
  metricsUrl?: string;
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
  const { redis, queueConnection, subscriber, connections } = openConnections(config, log);
  const { instanceQueue, reconcile, rolloutQueue, queues } = await openQueues(config, queueConnection);
  const store = makeInstanceStore(redis, { prefix: config.QUEUE_PREFIX, routing: config.routing });
  const logs = makeApiLogReader(config);
  // One per process: the app times requests into it, /metrics (on either port) shows it.
  const metrics = makeApiProcessMetrics({ processMetrics: true });
  const app = makeApp(
    {
      config,
      store,
      instanceQueue,
      queues,
      redis,
      subscriber,
      sealer: makeSealer(config.DATA_ENCRYPTION_KEY.reveal()),
      log,
      prices: await loadPriceBook(config.COST_PRICES_FILE),
      reconcile,
      rolloutQueue,
      ...(logs ? { logs: logs.reader } : {}),
      metrics,
    },
    overrides,
  );

  const server = await listen(app.fetch, config.HOST, overrides.port ?? config.PORT);
  const url = urlOf(server);
  // METRICS_PORT: /metrics on a listener of its own that no load balancer routes to (see terraform/alb.tf).
  const metricsServer =
    config.METRICS_PORT === undefined
      ? null
      : await listen(
          makeMetricsApp(
            { redis, prefix: config.QUEUE_PREFIX, queues, store, process: metrics },
            { token: config.METRICS_TOKEN?.reveal(), open: true },
          ).fetch,
          config.HOST,
          overrides.metricsPort ?? config.METRICS_PORT,
        );

  let closing: Promise<void> | null = null;
  return {
    url,
    ...(metricsServer ? { metricsUrl: urlOf(metricsServer) } : {}),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        metricsServer?.close();
        // Event streams stay open until their instance settles; end them instead of waiting.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await closed;
        await reconcile.close();
        await Promise.all(queues.map((q) => q.close()));
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
        logs?.destroy();
      })();
      return closing;
    },
  };
}

/**
 * Concurrent requests share the first two: auto-pipelining turns a burst's commands into a few writes
 * (in the create path's profile each command was one socket write, ~45-100 us of CPU each).
 * Every request waits on these, so each fails fast when Redis is away: the client gets a 503 with
 * Retry-After within REDIS_COMMAND_TIMEOUT_MS instead of a request hanging for the outage.
 */
function openConnections(config: ApiConfig, log: Logger) {
  const failFast = { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS };
  const redis = makeRedis(config.REDIS_URL, { name: 'api', autoPipelining: true, failFast });
  const queueConnection = makeRedis(config.REDIS_URL, { name: 'api-queues', autoPipelining: true, failFast });
  const subscriber = makeRedis(config.REDIS_URL, { name: 'api-events', failFast });
  const connections: Redis[] = [redis, queueConnection, subscriber];
  for (const connection of connections) {
    connection.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis connection error'));
  }
  return { redis, queueConnection, subscriber, connections };
}

/** Every queue the API enqueues on or shows, ready (version check, scripts done) before it serves. */
async function openQueues(config: ApiConfig, queueConnection: Redis) {
  const instanceQueue = makeInstanceQueue(queueConnection, config.QUEUE_PREFIX, {
    attempts: config.JOB_ATTEMPTS,
    backoffBaseMs: config.BACKOFF_BASE_MS,
  });
  const reconcileQueue = makeQueue(QUEUE_NAMES.reconcile, queueConnection, config.QUEUE_PREFIX);
  // Its QueueEvents blocks on a stream read: a connection of its own, without the fail-fast timeout.
  const reconcile = makeReconcileRunner(reconcileQueue, () =>
    makeRedis(config.REDIS_URL, { name: 'api-reconcile-events' }),
  );
  const rolloutQueue = makeRolloutQueue(queueConnection, config.QUEUE_PREFIX);
  const queues = [
    instanceQueue.queue,
    makeQueue(QUEUE_NAMES.capacity, queueConnection, config.QUEUE_PREFIX),
    reconcileQueue,
    makeQueue(QUEUE_NAMES.webhooks, queueConnection, config.QUEUE_PREFIX),
    rolloutQueue.queue,
  ];
  // Serve only once every queue has finished its handshake (version check, scripts): a close or a Redis
  // outage right after start then never meets a queue half-initialised.
  await Promise.all(queues.map((q) => q.waitUntilReady()));
  return { instanceQueue, reconcile, rolloutQueue, queues };
}
