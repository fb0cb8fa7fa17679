import { randomUUID } from 'node:crypto';
import { type InstanceRecord, LIVE_STATUSES } from '../../shared/domain.js';
import {
  type ReconcileAction,
  type ReconcileReport,
  reconcileKeys,
  writeReconcileReport,
} from '../../shared/reconcile-report.js';
import { applyAction } from './apply-action.js';
import { freeBlockedSlots } from './free-blocked-slots.js';
import { type InstanceResources, listAwsResources } from './list-aws-resources.js';
import { instancesWithLiveJobs } from './live-jobs.js';
import { orphanFacts } from './orphan-facts.js';
import { planReconcile } from './plan.js';
import { type ReconcileContext, reconcileOptions } from './reconcile-context.js';
import { retryLeftovers } from './retry-leftovers.js';
import { healthyInstances } from './service-health.js';

/** Statuses the reconciler looks at in the store (deleted ones only when AWS still holds something). */
const WATCHED = LIVE_STATUSES;
const PAGE = 500;
const REPORTED_ACTIONS = 100;

/**
 * One reconciler run: read the store and AWS, plan, act (unless dry-run), record the report. The caller
 * holds the run lock. Every action is logged with its instance id.
 */
export async function runReconcile(ctx: ReconcileContext): Promise<ReconcileReport> {
  const started = ctx.clock.now();
  const options = reconcileOptions(ctx.config, ctx.options);
  const runId = `reconcile-${randomUUID().slice(0, 8)}`;
  const log = ctx.log.child({ job: 'reconcile', runId, dryRun: options.dryRun });
  const keys = reconcileKeys(ctx.config.QUEUE_PREFIX);

  // Jobs first: a job that finishes while AWS is read then shows as a changed record, not a lost job.
  const liveJobs = await instancesWithLiveJobs(ctx.instanceQueue.queue);
  const records = new Map<string, InstanceRecord | null>();
  for (const status of WATCHED) {
    let cursor: string | undefined;
    do {
      const page = await ctx.store.list({ status, limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) records.set(r.id, r);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const inventory = await listAwsResources(ctx);
  // An id AWS holds that the store did not list: read now, it is either an orphan or an instance created
  // while AWS was read. The second kind is newer than the inventory (its secret may have been listed
  // before it existed) and than `liveJobs`: leave it to the next run rather than judge it on a torn view.
  let changedDuringScan = 0;
  for (const id of inventory.byInstance.keys()) {
    if (records.has(id)) continue;
    const record = await ctx.store.get(id);
    if (record && record.status !== 'deleted' && record.status !== 'failed') changedDuringScan++;
    else records.set(id, record);
  }

  const candidates = new Map<string, InstanceResources>();
  const running = new Map<string, InstanceResources>();
  for (const [id, found] of inventory.byInstance) {
    const status = records.get(id)?.status;
    if (!status || status === 'deleted' || status === 'failed') candidates.set(id, found);
    if (status === 'running') running.set(id, found);
  }
  const vanishedTargetGroups: string[] = [];
  const [orphans, healthy, unhealthyRaw, attemptsRaw] = await Promise.all([
    orphanFacts(ctx, candidates, started),
    healthyInstances(ctx, running, vanishedTargetGroups),
    ctx.redis.hgetall(keys.unhealthySince),
    ctx.redis.hgetall(keys.attempts),
  ]);
  const toNumbers = (raw: Record<string, string>) =>
    new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)] as [string, number]));

  const plan = planReconcile({
    now: started,
    options,
    records,
    aws: inventory.byInstance,
    orphans,
    healthy,
    unhealthySince: toNumbers(unhealthyRaw),
    attempts: toNumbers(attemptsRaw),
    liveJobs,
  });

  // The reconciler's own bookkeeping, kept in dry-run too so its reports mean the same.
  const bookkeeping = ctx.redis.multi();
  for (const id of plan.markUnhealthy) bookkeeping.hsetnx(keys.unhealthySince, id, String(started));
  if (plan.markHealthy.length > 0) {
    bookkeeping.hdel(keys.unhealthySince, ...plan.markHealthy);
    if (!options.dryRun) bookkeeping.hdel(keys.attempts, ...plan.markHealthy);
  }
  await bookkeeping.exec();

  const report: ReconcileReport = {
    at: new Date(started).toISOString(),
    durationMs: 0,
    dryRun: options.dryRun,
    scanned: { instances: records.size, ...inventory.scanned },
    waitingForGrace: plan.waitingForGrace,
    vanished: [
      ...[...orphans].flatMap(([id, facts]) => facts.vanished.map((resource) => `${id}:${resource}`)),
      ...vanishedTargetGroups,
    ].slice(0, REPORTED_ACTIONS),
    driftFound: plan.actions.length + plan.stuck.length,
    repaired: 0,
    deleted: 0,
    reenqueued: 0,
    failed: 0,
    errors: 0,
    slotsFreed: 0,
    actions: [],
  };
  for (const id of plan.stuck) {
    log.warn({ instanceId: id, attempts: options.maxAttempts }, 'delete keeps failing: left for an operator');
  }
  for (const action of plan.actions) {
    const entry: ReconcileAction = {
      kind: action.kind,
      instanceId: action.instanceId,
      reason: action.reason,
      applied: false,
      ...(action.kind === 'repair' ? { detail: action.fromStep } : {}),
      ...(action.kind === 'delete-orphan' ? { detail: action.resources.join(',') } : {}),
    };
    const fields = {
      instanceId: action.instanceId,
      action: action.kind,
      reason: action.reason,
      detail: entry.detail,
    };
    if (options.dryRun) {
      log.info(fields, 'drift found (dry run: nothing done)');
    } else {
      try {
        const outcome = await applyAction(ctx, action, runId, log.child({ instanceId: action.instanceId }));
        if (outcome.applied) {
          entry.applied = true;
          if (action.kind === 'repair') report.repaired++;
          if (action.kind === 'delete-orphan' || action.kind === 'delete-abandoned') report.deleted++;
          if (action.kind === 'reenqueue') report.reenqueued++;
          if (action.kind === 'fail') report.failed++;
          log.info(
            { ...fields, removed: 'removed' in outcome ? outcome.removed : undefined },
            'drift repaired',
          );
        } else {
          entry.error = outcome.skipped;
          log.info({ ...fields, skipped: outcome.skipped }, 'drift left: the instance moved on');
        }
      } catch (error) {
        report.errors++;
        entry.error = error instanceof Error ? error.message : String(error);
        log.warn({ ...fields, reason: entry.error }, 'reconcile action failed: next run tries again');
      }
    }
    if (report.actions.length < REPORTED_ACTIONS) report.actions.push(entry);
  }
  const slots = await freeBlockedSlots(ctx, inventory.prioritiesInUse, options.dryRun, log);
  const leftovers = await retryLeftovers(ctx, options.dryRun, log);
  report.driftFound += slots.found;
  report.slotsFreed = slots.freed;
  report.durationMs = ctx.clock.now() - started;
  await writeReconcileReport(ctx.redis, ctx.config.QUEUE_PREFIX, report);
  log.info(
    {
      ms: report.durationMs,
      scanned: report.scanned,
      driftFound: report.driftFound,
      repaired: report.repaired,
      deleted: report.deleted,
      reenqueued: report.reenqueued,
      failed: report.failed,
      errors: report.errors,
      slotsFreed: report.slotsFreed,
      leftoversFound: leftovers.found,
      leftoversCleaned: leftovers.cleaned,
      waitingForGrace: report.waitingForGrace,
      vanished: report.vanished?.length ?? 0,
      changedDuringScan,
    },
    'reconcile finished',
  );
  return report;
}
