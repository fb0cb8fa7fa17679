import type { WorkerConfig } from '../../shared/config.js';
import type { InstanceQueue } from '../../shared/queues.js';
import type { WorkerContext } from '../context.js';

/** Thresholds of one reconciler; each derives from configuration unless a caller overrides it. */
export interface ReconcileOptions {
  /** Orphans and failed-and-abandoned instances younger than this are left alone (RECONCILE_GRACE_MS). */
  graceMs: number;
  /** A running instance with no healthy task for this long is repaired (RECONCILE_UNHEALTHY_MS). */
  unhealthyMs: number;
  /** An instance whose job is gone is re-enqueued once it has not changed for this long. */
  staleJobMs: number;
  /** Repairs (and re-enqueues) of one instance before it is failed with the reason. */
  maxAttempts: number;
  /** Report only (RECONCILE_DRY_RUN). */
  dryRun: boolean;
}

/** The worker's resources plus the queue the reconciler enqueues repairs and lost jobs on. */
export interface ReconcileContext extends WorkerContext {
  instanceQueue: InstanceQueue;
  options?: Partial<ReconcileOptions>;
}

export function reconcileOptions(config: WorkerConfig, overrides: Partial<ReconcileOptions> = {}) {
  const graceMs = overrides.graceMs ?? config.RECONCILE_GRACE_MS;
  return {
    graceMs,
    unhealthyMs: overrides.unhealthyMs ?? config.RECONCILE_UNHEALTHY_MS,
    // A queued record is written a moment before its job is added: never race the API.
    staleJobMs: overrides.staleJobMs ?? Math.min(graceMs, 60_000),
    maxAttempts: overrides.maxAttempts ?? 3,
    dryRun: overrides.dryRun ?? config.RECONCILE_DRY_RUN,
  } satisfies ReconcileOptions;
}
