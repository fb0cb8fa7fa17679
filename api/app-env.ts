import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ApiConfig } from '../shared/config.js';
import type { PriceBook } from '../shared/cost/prices.js';
import type { Sealer } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import type { InstanceQueue } from '../shared/queues.js';
import type { RolloutQueue } from '../shared/rollouts/rollout-queue.js';
import type { InstanceStore } from '../shared/store/instance-store.js';
import type { ApiProcessMetrics } from './capacity/metrics-http.js';
import type { EventHub } from './event-hub.js';
import type { Attempt } from './idempotency/idempotency-store.js';
import type { LogReader } from './logs/log-reader.js';
import type { ReconcileRunner } from './reconcile/reconcile-runner.js';

/** Everything the routes need, built once by the composition root (`main.ts` or `startApi`). */
export interface AppDeps {
  config: ApiConfig;
  store: InstanceStore;
  instanceQueue: InstanceQueue;
  /** Every queue Bull Board shows: instances, capacity, reconcile. */
  queues: Queue[];
  /** Commands (PING, rate-limit counters). */
  redis: Redis;
  /** A connection in subscriber mode, shared by every event stream of this process. */
  subscriber: Redis;
  sealer: Sealer;
  log: Logger;
  /** Prices for /v1/cost and the dashboard (defaults merged with COST_PRICES_FILE). */
  prices?: PriceBook;
  /** POST /v1/reconcile: enqueues a run and waits for it (absent: that route answers 503). */
  reconcile?: ReconcileRunner;
  /** POST /v1/rollouts enqueues here (absent: that route answers 503). */
  rolloutQueue?: RolloutQueue;
  /** Reads gateway logs from CloudWatch Logs; absent when no LOG_GROUP is configured. */
  logs?: LogReader;
  /** Request durations by route for /metrics, one per process (default: one per app). */
  metrics?: ApiProcessMetrics;
}

/**
 * What a route sees on `c.var`: the dependencies plus the per-request id (and child logger, see
 * requestLog). On hot paths read them with `c.get(name)`: Hono's `c.var` copies every variable into a new
 * object per access.
 */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    events: EventHub;
    requestId: string;
    /** The request's child logger once something asked for it: read it through `requestLog(c)`. */
    log?: Logger;
    /** Set by the create route, so the one access-log line of a create names its instance. */
    instanceId?: string;
    /** This request's hold on its Idempotency-Key, when it sent one. */
    idempotency?: Attempt;
  };
}
