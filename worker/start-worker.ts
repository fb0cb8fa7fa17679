import { hostname } from 'node:os';
import { type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeAwsClients } from '../shared/aws-clients.js';
import { makeAwsRateBudget } from '../shared/aws-rate-budget.js';
import type { WorkerConfig } from '../shared/config.js';
import { makeSealer } from '../shared/crypto.js';
import { QUEUE_NAMES } from '../shared/job-catalog.js';
import { type Logger, makeLogger } from '../shared/logger.js';
import {
  type InstanceQueue,
  makeInstanceQueue,
  makeQueue,
  makeWebhookQueue,
  type WebhookQueue,
} from '../shared/queues.js';
import { makeRedis } from '../shared/redis.js';
import { makeRolloutStore } from '../shared/rollouts/rollout-store.js';
import { makeInstanceStore } from '../shared/store/instance-store.js';
import { makeKeys } from '../shared/store/keys.js';
import { type WebhookEndpoint, webhookEndpoints } from '../shared/webhooks/endpoints.js';
import { capacitySampler } from './capacity/capacity-job.js';
import { systemClock, type WorkerContext } from './context.js';
import { startHealthFile } from './health-file.js';
import { startScheduledWorker } from './jobs/scheduled-worker.js';
import { withAwsCallMetrics } from './metrics/aws-call-metrics.js';
import { startWorkerMetrics } from './metrics/publish-metrics.js';
import type { WorkerMetrics } from './metrics/worker-metrics.js';
import { makeInstanceProcessor } from './processors/instances.js';
import type { ReconcileOptions } from './reconciler/reconcile-context.js';
import { reconciler } from './reconciler/reconciler-job.js';
import { startRolloutWorker } from './rollouts/start-rollout-worker.js';
import { makeLifecycleEventHook } from './webhooks/lifecycle-hook.js';
import { webhookDeliveries } from './webhooks/webhook-job.js';

export interface RunningWorker {
  /** Stops taking jobs, lets running steps finish within SHUTDOWN_TIMEOUT_MS, closes every connection. */
  close(): Promise<void>;
}

type Overrides = { logger?: Logger; concurrency?: number; reconcile?: Partial<ReconcileOptions> };

/**
 * Starts the worker's processors in this process: the composition root's second half, shared by
 * worker/main.ts, the dev launcher and in-process tests.
 */
export async function startWorker(config: WorkerConfig, overrides: Overrides = {}): Promise<RunningWorker> {
  const log = overrides.logger ?? makeLogger({ level: config.LOG_LEVEL, name: 'worker' });
  const { redis, queueConnection } = connect(config, log);
  const stopping = new AbortController();
  // Lifecycle webhooks: each event a transition logs is enqueued for every endpoint right after it.
  const endpoints = webhookEndpoints(config.WEBHOOK_URLS);
  const webhookQueue = makeWebhookQueue(queueConnection, config.QUEUE_PREFIX, endpoints);
  const onLifecycleEvent = makeLifecycleEventHook(webhookQueue, endpoints.length, log);
  // Bull Board shows which process ran each job; its metrics snapshot is keyed by it too.
  const name = `${hostname()}#${process.pid}`;
  const telemetry = startWorkerMetrics(redis, config.QUEUE_PREFIX, name, log);
  const ctx = makeWorkerContext(config, log, redis, onLifecycleEvent, stopping.signal, telemetry.metrics);
  const concurrency = overrides.concurrency ?? config.WORKER_CONCURRENCY;
  const worker = await startInstanceWorker(ctx, queueConnection, name, concurrency);
  const instanceQueue = makeInstanceQueue(queueConnection, config.QUEUE_PREFIX, {
    attempts: config.JOB_ATTEMPTS,
    backoffBaseMs: config.BACKOFF_BASE_MS,
  });
  const reconcileQueue = makeQueue(QUEUE_NAMES.reconcile, queueConnection, config.QUEUE_PREFIX);
  const capacityQueue = makeQueue(QUEUE_NAMES.capacity, queueConnection, config.QUEUE_PREFIX);
  const workers = [
    worker,
    // Rollouts (worker/rollouts): one live rollout at a time, run batch by batch.
    startRolloutWorker(
      { ...ctx, rollouts: makeRolloutStore(redis, config.QUEUE_PREFIX) },
      queueConnection,
      name,
    ),
    ...(await startScheduledWorkers(
      ctx,
      { instanceQueue, reconcileQueue, capacityQueue, webhookQueue },
      {
        endpoints,
        reconcile: overrides.reconcile,
        worker: { connection: queueConnection, name, log },
      },
    )),
  ];
  telemetry.watch(workers);
  // Every worker's connections finish their handshake before start() returns, so a close right after
  // start never races a handshake still in flight.
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const health = config.HEALTH_FILE
    ? startHealthFile(config.HEALTH_FILE, () => workers.every((w) => w.isRunning() && !w.closing))
    : null;
  log.info({ concurrency, prefix: config.QUEUE_PREFIX }, 'worker started');

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        // Running sagas finish the step in flight, then hand their job back to the queue.
        stopping.abort();
        await health?.stop();
        await closeWorkers(workers, config.SHUTDOWN_TIMEOUT_MS, log);
        const queues: { close(): Promise<void> }[] = [
          instanceQueue,
          reconcileQueue,
          capacityQueue,
          webhookQueue,
        ];
        await Promise.allSettled(queues.map((q) => q.close()));
        await telemetry.stop();
        await Promise.allSettled([redis.quit(), queueConnection.quit()]);
        ctx.aws.destroy();
        log.info('worker stopped');
      })();
      return closing;
    },
  };
}

/** The reconciler, the capacity sampler and the webhook deliveries, each on its queue and schedule. */
async function startScheduledWorkers(
  ctx: WorkerContext,
  queues: {
    instanceQueue: InstanceQueue;
    reconcileQueue: Queue;
    capacityQueue: Queue;
    webhookQueue: WebhookQueue;
  },
  options: {
    endpoints: WebhookEndpoint[];
    reconcile: Partial<ReconcileOptions> | undefined;
    worker: Parameters<typeof startScheduledWorker>[2];
  },
): Promise<Worker[]> {
  const { instanceQueue, reconcileQueue, capacityQueue, webhookQueue } = queues;
  const { config, log, redis } = ctx;
  const { reconcile, endpoints, worker: scheduled } = options;
  return [
    // Reconciler (worker/reconciler): one scheduled run per RECONCILE_INTERVAL_MS across all workers.
    await startScheduledWorker(
      reconcileQueue,
      reconciler({ ...ctx, instanceQueue, ...(reconcile ? { options: reconcile } : {}) }),
      scheduled,
    ),
    // Capacity sampler (worker/capacity): one sample per SAMPLE_INTERVAL_MS tick across all workers.
    await startScheduledWorker(
      capacityQueue,
      capacitySampler({
        aws: ctx.aws,
        redis,
        store: ctx.store,
        config,
        log: log.child({ queue: QUEUE_NAMES.capacity }),
      }),
      scheduled,
    ),
    // Webhook deliveries (worker/webhooks). It runs without endpoints too: its sweep then empties the
    // owed set, which every logged event joins.
    await startScheduledWorker(
      webhookQueue.queue,
      webhookDeliveries({
        redis,
        keys: ctx.store.keys,
        config,
        log: log.child({ queue: QUEUE_NAMES.webhooks }),
        clock: systemClock,
        endpoints,
        queue: webhookQueue,
      }),
      scheduled,
    ),
  ];
}

/** The context every processor receives: AWS clients (under the shared rate budget if set), the store. */
function makeWorkerContext(
  config: WorkerConfig,
  log: Logger,
  redis: Redis,
  onLifecycleEvent: ReturnType<typeof makeLifecycleEventHook>,
  stopping: AbortSignal,
  metrics: WorkerMetrics,
): WorkerContext {
  return {
    aws: withAwsCallMetrics(
      makeAwsClients(
        config,
        config.AWS_RATE_BUDGET === 'aws'
          ? {
              budget: makeAwsRateBudget(
                redis,
                makeKeys(config.QUEUE_PREFIX).awsRateBudget,
                config.AWS_RATE_BUDGET_MULTIPLIER,
              ),
            }
          : {},
      ),
      metrics,
    ),
    redis,
    store: makeInstanceStore(redis, {
      prefix: config.QUEUE_PREFIX,
      routing: config.routing,
      onLifecycleEvent,
    }),
    sealer: makeSealer(config.DATA_ENCRYPTION_KEY.reveal()),
    log,
    clock: systemClock,
    config,
    stopping,
    metrics,
  };
}

/** The BullMQ worker on the `instances` queue: the create and delete sagas. */
async function startInstanceWorker(
  ctx: WorkerContext,
  connection: Redis,
  name: string,
  concurrency: number,
): Promise<Worker> {
  const worker = new Worker(QUEUE_NAMES.instances, makeInstanceProcessor(ctx), {
    name,
    connection,
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency,
    // A crashed worker's job is taken over within about two leases; a live one renews its lease.
    lockDuration: ctx.config.JOB_LOCK_MS,
    stalledInterval: ctx.config.JOB_LOCK_MS,
    // Steps are idempotent, so a job stalled by a crash is safe to run again a few times.
    maxStalledCount: 3,
  });
  worker.on('error', (error) => ctx.log.error({ reason: error.message }, 'worker error'));
  await worker.waitUntilReady();
  return worker;
}

/**
 * The worker's two Redis connections. The store's carries only the store's scripts: one that BullMQ
 * also loads its ~50 scripts into makes every ioredis pipeline (a checkpoint is one) copy them all, ~4%
 * of the worker's CPU. The store's commands wait out a short Redis restart but never hang a step for a
 * whole outage (5x the API's bound: a failed step is retried, a failed request is the client's).
 * BullMQ's connection keeps `maxRetriesPerRequest: null` and no timeout: its Workers block, pause while
 * Redis is away and resume on reconnect, and their jobs stay in Redis meanwhile.
 */
function connect(config: WorkerConfig, log: Logger): { redis: Redis; queueConnection: Redis } {
  const redis = makeRedis(config.REDIS_URL, {
    name: 'openclaw-worker-store',
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS * 5,
  });
  const queueConnection = makeRedis(config.REDIS_URL, { name: 'openclaw-worker-queue' });
  for (const connection of [redis, queueConnection]) {
    connection.on('error', (error) => log.warn({ reason: error.message }, 'redis connection error'));
  }
  return { redis, queueConnection };
}

/** Lets running jobs finish within `timeoutMs`, then force-closes: unfinished jobs are taken over as stalled. */
async function closeWorkers(workers: Worker[], timeoutMs: number, log: Logger): Promise<void> {
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const how = await Promise.race([graceful, timeout]);
  clearTimeout(timer);
  if (how === 'timeout') {
    log.warn({ timeoutMs }, 'running jobs did not finish in time: they will be taken over');
    await Promise.all(workers.map((w) => w.close(true)));
  }
}
