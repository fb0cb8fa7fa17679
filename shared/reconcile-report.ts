import type { Redis } from 'ioredis';
import { reconcileKeys } from './store/keys.js';

/**
 * The reconciler's report in Redis: the last run (one JSON value) and running totals (one hash), written
 * by the worker after every run and read by the API for /v1/capacity and /metrics. Its keys, and the
 * reconciler's own bookkeeping beside them, are in the store's key registry.
 */
export { reconcileKeys } from './store/keys.js';

export type ReconcileActionKind =
  /** Resources of an unknown or deleted instance, past the grace period: removed. */
  | 'delete-orphan'
  /** A failed instance untouched for the grace period: its delete saga is enqueued. */
  | 'delete-abandoned'
  /** A running instance missing a resource or a healthy task: degraded, create saga resumed. */
  | 'repair'
  /** Out of repair attempts, or not repairable: failed with the reason. */
  | 'fail'
  /** A running instance whose secret is gone: degraded (credentials_lost) until the backend PUTs new ones. */
  | 'credentials-lost'
  /** Queued, provisioning, degraded or deleting with no job: its job enqueued again. */
  | 'reenqueue';

export interface ReconcileAction {
  kind: ReconcileActionKind;
  instanceId: string;
  reason: string;
  /** The create step a repair resumes from, or the resources an orphan delete covers. */
  detail?: string;
  /** False in dry-run mode, or when the action was skipped or failed. */
  applied: boolean;
  error?: string;
}

export interface ReconcileCounts {
  driftFound: number;
  repaired: number;
  deleted: number;
  reenqueued: number;
  failed: number;
  errors: number;
  /** Routing slots blocked by another rule's priority, given back once that priority was free. */
  slotsFreed: number;
}

export interface ReconcileReport extends ReconcileCounts {
  at: string;
  durationMs: number;
  dryRun: boolean;
  /** What was compared: instances in the store, resources found in AWS. */
  scanned: {
    instances: number;
    secrets: number;
    taskFamilies: number;
    targetGroups: number;
    rules: number;
    services: number;
  };
  /** Orphans seen but still inside the grace period (left alone this run). */
  waitingForGrace: number;
  /** Resources listed, then gone before they could be read (`<instance id>:<resource>`): not acted on. */
  vanished?: string[];
  /** The first 100 actions, with instance ids. */
  actions: ReconcileAction[];
}

export interface ReconcileTotals extends ReconcileCounts {
  runs: number;
}

const COUNT_FIELDS = [
  'driftFound',
  'repaired',
  'deleted',
  'reenqueued',
  'failed',
  'errors',
  'slotsFreed',
] as const;

/** Records a run: the report replaces the last one, its counts add to the totals. */
export async function writeReconcileReport(
  redis: Redis,
  prefix: string,
  report: ReconcileReport,
): Promise<void> {
  const keys = reconcileKeys(prefix);
  const multi = redis.multi().set(keys.report, JSON.stringify(report)).hincrby(keys.counters, 'runs', 1);
  for (const field of COUNT_FIELDS) {
    if (report[field] > 0) multi.hincrby(keys.counters, field, report[field]);
  }
  await multi.exec();
}

/** The last run (null before the first) and the totals since the deployment started. */
export async function readReconcileReport(
  redis: Redis,
  prefix: string,
): Promise<{ last: ReconcileReport | null; totals: ReconcileTotals }> {
  const keys = reconcileKeys(prefix);
  const [raw, counters] = await Promise.all([redis.get(keys.report), redis.hgetall(keys.counters)]);
  const totals = { runs: Number(counters.runs ?? 0) } as ReconcileTotals;
  for (const field of COUNT_FIELDS) totals[field] = Number(counters[field] ?? 0);
  return { last: raw ? (JSON.parse(raw) as ReconcileReport) : null, totals };
}

/**
 * The data of a run asked for through POST /v1/reconcile (the scheduled job's data is `{}`): its own
 * dry-run flag, and the whole report as the job's return value rather than the counts.
 */
export interface OnDemandReconcile {
  onDemand: true;
  dryRun: boolean;
}

export const isOnDemandReconcile = (data: unknown): data is OnDemandReconcile =>
  typeof data === 'object' &&
  data !== null &&
  (data as OnDemandReconcile).onDemand === true &&
  typeof (data as OnDemandReconcile).dryRun === 'boolean';

/** What an on-demand reconcile job returns: the report, or that another run held the lock. */
export type OnDemandResult = { skipped: true } | ({ skipped?: false } & ReconcileReport);
