import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import {
  type ReconcileAction,
  type ReconcileReport,
  reconcileKeys,
  writeReconcileReport,
} from '../../shared/reconcile-report.js';
import { applyAction } from './apply-action.js';
import { freeBlockedSlots } from './free-blocked-slots.js';
import { type Plan, type PlannedAction, planReconcile } from './plan.js';
import { readWorld, type WorldView } from './read-world.js';
import { type ReconcileContext, type ReconcileOptions, reconcileOptions } from './reconcile-context.js';
import { retryLeftovers } from './retry-leftovers.js';

const REPORTED_ACTIONS = 100;

/**
 * One reconciler run: read the store and AWS, plan, act (unless dry-run), free blocked slots, retry
 * delete leftovers, record the report (the phases of worker/ARCHITECTURE.md "Reconciler"). The caller
 * holds the run lock. Every action is logged with its instance id.
 */
export async function runReconcile(ctx: ReconcileContext): Promise<ReconcileReport> {
  const started = ctx.clock.now();
  const options = reconcileOptions(ctx.config, ctx.options);
  const runId = `reconcile-${randomUUID().slice(0, 8)}`;
  const log = ctx.log.child({ job: 'reconcile', runId, dryRun: options.dryRun });

  const view = await readWorld(ctx, started, options);
  const plan = planReconcile(view.input);
  await keepBookkeeping(ctx, plan, started, options.dryRun);

  const report = emptyReport(view, plan, started, options.dryRun);
  for (const id of plan.stuck) {
    log.warn({ instanceId: id, attempts: options.maxAttempts }, 'delete keeps failing: left for an operator');
  }
  for (const action of plan.actions) {
    const entry = await act(ctx, action, report, runId, options, log);
    if (report.actions.length < REPORTED_ACTIONS) report.actions.push(entry);
  }
  const slots = await freeBlockedSlots(ctx, view.inventory.prioritiesInUse, options.dryRun, log);
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
      changedDuringScan: view.changedDuringScan,
    },
    'reconcile finished',
  );
  return report;
}

/** The reconciler's own bookkeeping, kept in dry-run too so its reports mean the same. */
async function keepBookkeeping(ctx: ReconcileContext, plan: Plan, now: number, dryRun: boolean) {
  const keys = reconcileKeys(ctx.config.QUEUE_PREFIX);
  const bookkeeping = ctx.redis.multi();
  for (const id of plan.markUnhealthy) bookkeeping.hsetnx(keys.unhealthySince, id, String(now));
  if (plan.markHealthy.length > 0) {
    bookkeeping.hdel(keys.unhealthySince, ...plan.markHealthy);
    if (!dryRun) bookkeeping.hdel(keys.attempts, ...plan.markHealthy);
  }
  await bookkeeping.exec();
}

/** The report before any action: what was read and found; the counts grow as actions are applied. */
function emptyReport(view: WorldView, plan: Plan, started: number, dryRun: boolean): ReconcileReport {
  const { input, inventory } = view;
  return {
    at: new Date(started).toISOString(),
    durationMs: 0,
    dryRun,
    scanned: { instances: input.records.size, ...inventory.scanned },
    waitingForGrace: plan.waitingForGrace,
    vanished: [
      ...[...input.orphans].flatMap(([id, facts]) => facts.vanished.map((resource) => `${id}:${resource}`)),
      ...view.vanishedTargetGroups,
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
}

/** Phase 3 for one action: applies it (or only logs it in dry-run), counts it, returns its report entry. */
async function act(
  ctx: ReconcileContext,
  action: PlannedAction,
  report: ReconcileReport,
  runId: string,
  options: ReconcileOptions,
  log: Logger,
): Promise<ReconcileAction> {
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
    return entry;
  }
  try {
    const outcome = await applyAction(ctx, action, runId, log.child({ instanceId: action.instanceId }));
    if (outcome.applied) {
      entry.applied = true;
      if (action.kind === 'repair') report.repaired++;
      if (action.kind === 'delete-orphan' || action.kind === 'delete-abandoned') report.deleted++;
      if (action.kind === 'reenqueue') report.reenqueued++;
      if (action.kind === 'fail') report.failed++;
      log.info({ ...fields, removed: 'removed' in outcome ? outcome.removed : undefined }, 'drift repaired');
    } else {
      entry.error = outcome.skipped;
      log.info({ ...fields, skipped: outcome.skipped }, 'drift left: the instance moved on');
    }
  } catch (error) {
    report.errors++;
    entry.error = error instanceof Error ? error.message : String(error);
    log.warn({ ...fields, reason: entry.error }, 'reconcile action failed: next run tries again');
  }
  return entry;
}
