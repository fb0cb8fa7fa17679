import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { makeAwsClients } from '../shared/aws-clients.js';
import { makeAwsRateBudget } from '../shared/aws-rate-budget.js';
import type { WorkerConfig } from '../shared/config.js';
import { makeSealer } from '../shared/crypto.js';
import { makeInstanceStore } from '../shared/instance-store.js';
import { QUEUE_NAMES } from '../shared/job-catalog.js';
import { type Logger, makeLogger } from '../shared/logger.js';
import { makeInstanceQueue, makeQueue, makeWebhookQueue } from '../shared/queues.js';
import { makeRedis } from '../shared/redis.js';
import { makeKeys } from '../shared/redis-keys.js';
import { webhookEndpoints } from '../shared/webhooks/endpoints.js';
import { registerCapacitySampler, startCapacityWorker } from './capacity/capacity-worker.js';
import { systemClock, type WorkerContext } from './context.js';
import { startHealthFile } from './health-file.js';
import { makeInstanceProcessor } from './processors/instances.js';
import type { ReconcileOptions } from './reconciler/reconcile-context.js';
import { registerReconciler, startReconcileWorker } from './reconciler/register-reconciler.js';
import { makeLifecycleEventHook } from './webhooks/lifecycle-hook.js';
import { registerWebhookSweep, startWebhookWorker } from './webhooks/start-webhook-worker.js';

export interface RunningWorker {
  /** Stops taking jobs, lets running steps finish within SHUTDOWN_TIMEOUT_MS, closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts the worker's processors in this process: the composition root's second half, shared by
 * worker/main.ts, the dev launcher and in-process tests.
 */
export async function startWorker(
  config: WorkerConfig,
  overrides: { logger?: Logger; concurrency?: number; reconcile?: Partial<ReconcileOptions> } = {},
): Promise<RunningWorker> {
  const log = overrides.logger ?? makeLogger({ level: config.LOG_LEVEL, name: 'worker' });
  // The store's connection carries only the store's scripts: one that BullMQ also loads its ~50 scripts
  // into makes every ioredis pipeline (a checkpoint is one) copy them all, ~4% of the worker's CPU.
  // The store's commands wait out a short Redis restart but never hang a step for a whole outage (5x the
  // API's bound: a failed step is retried, a failed request is the client's). BullMQ's connection keeps
  // `maxRetriesPerRequest: null` and no timeout: its Workers block, pause while Redis is away and
  // resume on reconnect, and their jobs stay in Redis meanwhile.
  const redis = makeRedis(config.REDIS_URL, {
    name: 'openclaw-worker-store',
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS * 5,
  });
  const queueConnection = makeRedis(config.REDIS_URL, { name: 'openclaw-worker-queue' });
  for (const connection of [redis, queueConnection]) {
    connection.on('error', (error) => log.warn({ reason: error.message }, 'redis connection error'));
  }
  const aws = makeAwsClients(
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
  );
  const stopping = new AbortController();
  // Lifecycle webhooks: each event a transition logs is enqueued for every endpoint right after it.
  const endpoints = webhookEndpoints(config.WEBHOOK_URLS);
  const webhookQueue = makeWebhookQueue(queueConnection, config.QUEUE_PREFIX, endpoints);
  const onLifecycleEvent = makeLifecycleEventHook(webhookQueue, endpoints.length, log);
  const ctx: WorkerContext = {
    aws,
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
    stopping: stopping.signal,
  };

  // Bull Board shows which process ran each job.
  const name = `${hostname()}#${process.pid}`;
  const worker = new Worker(QUEUE_NAMES.instances, makeInstanceProcessor(ctx), {
    name,
    connection: queueConnection,
    prefix: config.QUEUE_PREFIX,
    concurrency: overrides.concurrency ?? config.WORKER_CONCURRENCY,
    // A crashed worker's job is taken over within about two leases; a live one renews its lease.
    lockDuration: config.JOB_LOCK_MS,
    stalledInterval: config.JOB_LOCK_MS,
    // Steps are idempotent, so a job stalled by a crash is safe to run again a few times.
    maxStalledCount: 3,
  });
  worker.on('error', (error) => log.error({ reason: error.message }, 'worker error'));
  await worker.waitUntilReady();

  // Reconciler (worker/reconciler): one scheduled run per RECONCILE_INTERVAL_MS across all workers.
  const instanceQueue = makeInstanceQueue(queueConnection, config.QUEUE_PREFIX, {
    attempts: config.JOB_ATTEMPTS,
    backoffBaseMs: config.BACKOFF_BASE_MS,
  });
  const reconcileQueue = makeQueue(QUEUE_NAMES.reconcile, queueConnection, config.QUEUE_PREFIX);
  await registerReconciler(reconcileQueue, config.RECONCILE_INTERVAL_MS);
  const reconciler = startReconcileWorker(
    { ...ctx, instanceQueue, ...(overrides.reconcile ? { options: overrides.reconcile } : {}) },
    queueConnection,
    name,
  );
  reconciler.on('error', (error) => log.error({ reason: error.message }, 'reconcile worker error'));
  // End of reconciler setup.

  // Capacity sampler (worker/capacity): one sample per SAMPLE_INTERVAL_MS tick across all workers.
  const capacityQueue = makeQueue(QUEUE_NAMES.capacity, queueConnection, config.QUEUE_PREFIX);
  await registerCapacitySampler(capacityQueue, config.SAMPLE_INTERVAL_MS);
  const sampler = startCapacityWorker(
    {
      aws,
      redis,
      store: ctx.store,
      config,
      log: log.child({ queue: QUEUE_NAMES.capacity }),
      queues: [instanceQueue.queue, reconcileQueue, capacityQueue],
    },
    queueConnection,
    name,
  );
  sampler.on('error', (error) => log.error({ reason: error.message }, 'capacity worker error'));
  // Webhook deliveries (worker/webhooks). It runs without endpoints too: its sweep then empties the owed
  // set, which every logged event joins.
  await registerWebhookSweep(webhookQueue.queue, config.WEBHOOK_SWEEP_INTERVAL_MS);
  const webhooks = startWebhookWorker(
    {
      redis,
      keys: ctx.store.keys,
      config,
      log: log.child({ queue: QUEUE_NAMES.webhooks }),
      clock: systemClock,
      endpoints,
      queue: webhookQueue,
    },
    queueConnection,
    name,
  );
  webhooks.on('error', (error) => log.error({ reason: error.message }, 'webhook worker error'));
  const workers = [worker, reconciler, sampler, webhooks];
  // Every worker's connections finish their handshake before start() returns, so a close right after
  // start never races a handshake still in flight.
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const health = config.HEALTH_FILE
    ? startHealthFile(config.HEALTH_FILE, () => workers.every((w) => w.isRunning() && !w.closing))
    : null;
  log.info(
    { concurrency: overrides.concurrency ?? config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX },
    'worker started',
  );

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        // Running sagas finish the step in flight, then hand their job back to the queue.
        stopping.abort();
        await health?.stop();
        const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), config.SHUTDOWN_TIMEOUT_MS);
        });
        const how = await Promise.race([graceful, timeout]);
        clearTimeout(timer);
        if (how === 'timeout') {
          log.warn(
            { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
            'running jobs did not finish in time: they will be taken over',
          );
          await Promise.all(workers.map((w) => w.close(true)));
        }
        await Promise.allSettled([
          instanceQueue.close(),
          reconcileQueue.close(),
          capacityQueue.close(),
          webhookQueue.close(),
        ]);
        await Promise.allSettled([redis.quit(), queueConnection.quit()]);
        aws.destroy();
        log.info('worker stopped');
      })();
      return closing;
    },
  };
}
