import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { provisionInstance } from '../../api/provision.js';
import { type LocalcloudOptions, type LocalcloudTiming, startLocalcloud } from '../../localcloud/index.js';
import { loadWorkerConfig, type WorkerConfig } from '../../shared/config.js';
import { makeSealer } from '../../shared/crypto.js';
import type { InstanceRecord, InstanceStatus } from '../../shared/domain.js';
import { redactedPaths } from '../../shared/logger.js';
import { makeInstanceQueue } from '../../shared/queues.js';
import { makeRedis } from '../../shared/redis.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { type RunningWorker, startWorker } from '../../worker/start-worker.js';
import { makeTestNamespace, TEST_REDIS_URL } from './redis-namespace.js';

// The AWS SDK reads credentials from the environment; localcloud accepts any.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

/** AWS delays x 0.002: a 3-minute instance launch takes 360 ms, a 150 s health check 300 ms. */
export const TINY_TIME_SCALE = 0.002;

export interface PipelineOptions {
  timeScale?: number;
  timing?: Partial<LocalcloudTiming>;
  asgMax?: number;
  /** Load balancers (each with one listener) localcloud starts with; default 1. */
  albs?: number;
  quotas?: { rulesPerListener?: number; targetGroupsPerAlb?: number };
  /** Worker environment on top of the test defaults. */
  env?: Record<string, string>;
  concurrency?: number;
  /** Redis for the worker and the test's store (a test's own redis-server). */
  redisUrl?: string;
  /** Start no in-process worker (the test runs one as a child process). */
  noWorker?: boolean;
  /**
   * How localcloud runs gateways (default: a child process each). Tests of hundreds of instances use
   * 'in-process': real HTTP servers on real ports, without a Node process per gateway.
   */
  taskRuntime?: 'process' | 'in-process';
  /** localcloud keeps its state in this file, so `restartLocalcloud()` can bring the same world back. */
  persistFile?: string;
  /** Images whose stand-in gateway fails (localcloud's LOCALCLOUD_FAILING_IMAGES), for a bad release. */
  failingImages?: string;
}

/** Worker environment for a localcloud: tiny polls and backoffs, short leases. */
export function pipelineEnv(
  ids: Record<string, string>,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:2026.11.1',
    DEFAULT_ANTHROPIC_API_KEY: `sk-ant-default-${randomUUID()}`,
    JOB_ATTEMPTS: '8',
    BACKOFF_BASE_MS: '50',
    PLACEMENT_POLL_MS: '100',
    PLACEMENT_DEADLINE_MS: '60000',
    // Below every test's wait for `running`, so a gate that never opens fails with its own reason.
    REACHABLE_DEADLINE_MS: '20000',
    HEALTH_CHECK_GRACE_SECONDS: '1',
    JOB_LOCK_MS: '3000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // The API and worker built on a pipeline share a test process with localcloud and other workers; a
    // loaded machine can stall that event loop past the 1 s fail-fast default, and a request would then
    // answer 503. Redis outages have their own tests, with their own bound.
    REDIS_COMMAND_TIMEOUT_MS: '10000',
    ...ids,
    ...extra,
  };
}

/**
 * localcloud, a worker, and the API's side of the pipeline (store, sealer, queue) against real Redis
 * under a fresh prefix. `submit` does what POST /v1/instances does; `remove` what DELETE does.
 */
export async function startPipeline(options: PipelineOptions = {}) {
  const cloudOptions: LocalcloudOptions = {
    port: 0,
    timeScale: options.timeScale ?? TINY_TIME_SCALE,
    ...(options.timing ? { timing: options.timing } : {}),
    asg: { max: options.asgMax ?? 20 },
    ...(options.albs ? { albs: options.albs } : {}),
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.taskRuntime ? { taskRuntime: options.taskRuntime } : {}),
    ...(options.persistFile ? { persistFile: options.persistFile } : {}),
    ...(options.failingImages ? { failingImages: options.failingImages } : {}),
  };
  let cloud = await startLocalcloud(cloudOptions);
  const ns = makeTestNamespace();
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const env = pipelineEnv({ ...cloud.ids }, ns.prefix, { REDIS_URL: redisUrl, ...options.env });
  const config: WorkerConfig = loadWorkerConfig(env);
  const redis = makeRedis(redisUrl);
  const queueConnection = makeRedis(redisUrl);
  for (const c of [redis, queueConnection]) c.on('error', () => {});
  const store = makeInstanceStore(redis, { prefix: ns.prefix, routing: config.routing });
  const sealer = makeSealer(config.DATA_ENCRYPTION_KEY.reveal());
  const instanceQueue = makeInstanceQueue(queueConnection, ns.prefix, {
    attempts: config.JOB_ATTEMPTS,
    backoffBaseMs: config.BACKOFF_BASE_MS,
  });

  // Every log line the worker writes, as text, with the same redaction production uses.
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug', name: 'worker', redact: { paths: redactedPaths, censor: '[redacted]' } },
    new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    }),
  );
  let worker: RunningWorker | null = options.noWorker
    ? null
    : await startWorker(config, {
        logger,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      });

  const inspect = async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${cloud.url}/_localcloud/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as T;
  };

  return {
    /** The running localcloud (a new object after `restartLocalcloud()`, at the same URL). */
    get cloud() {
      return cloud;
    },
    config,
    env,
    ns,
    store,
    sealer,
    instanceQueue,
    logLines,
    logger,
    inspect,

    /** POST /v1/instances: seal, record, enqueue. */
    async submit(userId: string, anthropicApiKey?: string) {
      const result = await provisionInstance(
        { store, instanceQueue, sealer, log: logger },
        {
          userId,
          email: `${userId}@example.test`,
          anthropicApiKey,
          requestId: `req-${randomUUID().slice(0, 8)}`,
          reason: 'test',
        },
      );
      if (result.kind !== 'created') throw new Error(`submit ${userId}: ${result.kind}`);
      return { id: result.instance.id, gatewayToken: result.gatewayToken, instance: result.instance };
    },

    /** DELETE /v1/instances/:id: mark deleting, enqueue the delete. */
    async remove(id: string) {
      await store.markDeleting(id);
      await instanceQueue.enqueueDelete({ instanceId: id, requestId: `req-${randomUUID().slice(0, 8)}` });
    },

    async waitForStatus(
      ids: string[],
      statuses: InstanceStatus[],
      timeoutMs = 60_000,
    ): Promise<InstanceRecord[]> {
      const deadline = Date.now() + timeoutMs;
      let records: (InstanceRecord | null)[] = [];
      while (Date.now() < deadline) {
        records = await Promise.all(ids.map((id) => store.get(id)));
        if (records.every((r) => r && statuses.includes(r.status))) return records as InstanceRecord[];
        await new Promise((r) => setTimeout(r, 50));
      }
      const stuck = records
        .filter((r) => !r || !statuses.includes(r.status))
        .slice(0, 5)
        .map((r) => r && { id: r.id, status: r.status, step: r.currentStep, error: r.error });
      throw new Error(`timed out waiting for ${statuses.join('|')}: ${JSON.stringify(stuck)}`);
    },

    /** Starts (another) in-process worker on the same config. */
    async startWorker(overrides: { concurrency?: number } = {}) {
      worker = await startWorker(config, { logger, ...overrides });
      return worker;
    },

    /**
     * Closes localcloud and starts it again on the same state file, API port and (from the file) load
     * balancer ports, as a restart of `npm run dev` does; the worker keeps running throughout.
     */
    async restartLocalcloud() {
      if (!options.persistFile) throw new Error('restartLocalcloud needs the persistFile option');
      const port = Number(new URL(cloud.url).port);
      await cloud.close();
      cloud = await startLocalcloud({ ...cloudOptions, port });
      return cloud;
    },

    async stopWorker() {
      await worker?.close();
      worker = null;
    },

    async close() {
      await worker?.close();
      await instanceQueue.close();
      await Promise.allSettled([redis.quit(), queueConnection.quit()]);
      await cloud.close();
      if (redisUrl === TEST_REDIS_URL) await ns.cleanup();
      else await ns.redis.quit();
    },
  };
}
export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;
