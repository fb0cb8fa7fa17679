import type { Redis } from 'ioredis';
import { workerMetricsKeys } from '../store/keys.js';

/**
 * The worker processes' metrics reach Prometheus through the API's /metrics: each worker process keeps
 * its own prom-client registry and, every PUBLISH_INTERVAL_MS, writes its JSON form
 * (`registry.getMetricsAsJSON()`) under a key of its own that expires unless renewed. A scrape reads
 * the live snapshots and sums them (prom-client's AggregatorRegistry.aggregate): reads only, no write.
 * The README's "Metrics" section says why this and not a port per worker.
 */
export const WORKER_METRICS_PUBLISH_MS = 10_000;
/** A process silent for three intervals is gone: its snapshot expires and leaves the index. */
export const WORKER_METRICS_TTL_MS = 3 * WORKER_METRICS_PUBLISH_MS;

/** One worker process's snapshot: written by the worker, never by a scrape. */
export async function publishWorkerSnapshot(
  redis: Redis,
  prefix: string,
  processId: string,
  json: string,
  now = Date.now(),
): Promise<void> {
  const keys = workerMetricsKeys(prefix);
  await redis
    .multi()
    .set(keys.snapshot(processId), json, 'PX', WORKER_METRICS_TTL_MS)
    .zadd(keys.index, now, processId)
    .zremrangebyscore(keys.index, '-inf', now - WORKER_METRICS_TTL_MS)
    .exec();
}

/** Every live worker process's snapshot, parsed: what a scrape aggregates. */
export async function readWorkerSnapshots(
  redis: Redis,
  prefix: string,
  now = Date.now(),
): Promise<object[][]> {
  const keys = workerMetricsKeys(prefix);
  const ids = await redis.zrangebyscore(keys.index, now - WORKER_METRICS_TTL_MS, '+inf');
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map(keys.snapshot));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as object[]);
}
