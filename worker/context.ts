import type { Redis } from 'ioredis';
import type { AwsClients } from '../shared/aws-clients.js';
import type { WorkerConfig } from '../shared/config.js';
import type { Sealer } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import type { InstanceStore } from '../shared/store/instance-store.js';
import type { SagaMetrics } from './metrics/worker-metrics.js';

/** Wall-clock time, injectable so deadlines can be tested without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * What the composition root builds once and every job and step receives: the process's resources.
 * A job narrows `log` to a child logger carrying its ids.
 */
export interface WorkerContext {
  aws: AwsClients;
  redis: Redis;
  store: InstanceStore;
  sealer: Sealer;
  log: Logger;
  clock: Clock;
  config: WorkerConfig;
  /** Aborted when the process is stopping: a create ends its attempt at the next step boundary. Optional so
   * other processors (reconcile, capacity) can build a context without one. */
  stopping?: AbortSignal;
  /** Step durations and failures for /metrics (worker/metrics); absent in tests that do not look. */
  metrics?: SagaMetrics;
}
