import { type InstanceRecord, LIVE_STATUSES } from '../../shared/domain.js';
import { reconcileKeys } from '../../shared/reconcile-report.js';
import { type AwsInventory, type InstanceResources, listAwsResources } from './list-aws-resources.js';
import { instancesWithLiveJobs } from './live-jobs.js';
import { orphanFacts } from './orphan-facts.js';
import type { PlanInput } from './plan.js';
import type { ReconcileContext, ReconcileOptions } from './reconcile-context.js';
import { healthyInstances } from './service-health.js';

/** Statuses the reconciler looks at in the store (deleted ones only when AWS still holds something). */
const WATCHED = LIVE_STATUSES;
const PAGE = 500;

/** What phase 1 of a run read: the plan's input, and what the report says about the reading. */
export interface WorldView {
  input: PlanInput;
  inventory: AwsInventory;
  /** Ids AWS holds whose live record appeared while AWS was read: left for the next run. */
  changedDuringScan: number;
  /** `<id>:target-group` for each running instance's group deleted since it was listed. */
  vanishedTargetGroups: string[];
}

/**
 * Phase 1, reading in an order that keeps the view coherent: the instances with a live job, every live
 * record, AWS by name, then per-resource facts (orphans' ages and tags, running instances' health) and
 * the reconciler's own bookkeeping.
 */
export async function readWorld(
  ctx: ReconcileContext,
  now: number,
  options: ReconcileOptions,
): Promise<WorldView> {
  const keys = reconcileKeys(ctx.config.QUEUE_PREFIX);
  // Jobs first: a job that finishes while AWS is read then shows as a changed record, not a lost job.
  const liveJobs = await instancesWithLiveJobs(ctx.instanceQueue.queue);
  const records = await liveRecords(ctx);
  const inventory = await listAwsResources(ctx);
  const changedDuringScan = await readIdsOnlyAwsListed(ctx, records, inventory);

  const candidates = new Map<string, InstanceResources>();
  const running = new Map<string, InstanceResources>();
  for (const [id, found] of inventory.byInstance) {
    const status = records.get(id)?.status;
    if (!status || status === 'deleted' || status === 'failed') candidates.set(id, found);
    if (status === 'running') running.set(id, found);
  }
  const vanishedTargetGroups: string[] = [];
  const [orphans, healthy, unhealthyRaw, attemptsRaw] = await Promise.all([
    orphanFacts(ctx, candidates, now),
    healthyInstances(ctx, running, vanishedTargetGroups),
    ctx.redis.hgetall(keys.unhealthySince),
    ctx.redis.hgetall(keys.attempts),
  ]);
  const toNumbers = (raw: Record<string, string>) =>
    new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)] as [string, number]));
  return {
    input: {
      now,
      options,
      records,
      aws: inventory.byInstance,
      orphans,
      healthy,
      unhealthySince: toNumbers(unhealthyRaw),
      attempts: toNumbers(attemptsRaw),
      liveJobs,
    },
    inventory,
    changedDuringScan,
    vanishedTargetGroups,
  };
}

/** Every record in a watched status, page by page. */
async function liveRecords(ctx: ReconcileContext): Promise<Map<string, InstanceRecord | null>> {
  const records = new Map<string, InstanceRecord | null>();
  for (const status of WATCHED) {
    let cursor: string | undefined;
    do {
      const page = await ctx.store.list({ status, limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) records.set(r.id, r);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return records;
}

/**
 * An id AWS holds that the store did not list: read now, it is either an orphan or an instance created
 * while AWS was read. The second kind is newer than the inventory (its secret may have been listed
 * before it existed) and than the live jobs: leave it to the next run rather than judge it on a torn
 * view. Adds the first kind to `records`; returns how many of the second there were.
 */
async function readIdsOnlyAwsListed(
  ctx: ReconcileContext,
  records: Map<string, InstanceRecord | null>,
  inventory: AwsInventory,
): Promise<number> {
  let changedDuringScan = 0;
  for (const id of inventory.byInstance.keys()) {
    if (records.has(id)) continue;
    const record = await ctx.store.get(id);
    if (record && record.status !== 'deleted' && record.status !== 'failed') changedDuringScan++;
    else records.set(id, record);
  }
  return changedDuringScan;
}
