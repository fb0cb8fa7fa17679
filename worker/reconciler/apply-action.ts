import { emptySteps, type InstanceRecord, STEP_IDS } from '../../shared/domain.js';
import { assertNever } from '../../shared/errors/assert-never.js';
import { jobIds } from '../../shared/job-catalog.js';
import type { Logger } from '../../shared/logger.js';
import { reconcileKeys } from '../../shared/reconcile-report.js';
import { undoSteps } from '../steps/index.js';
import type { StepContext } from '../steps/step.js';
import { hasLiveJob } from './live-jobs.js';
import type { PlannedAction } from './plan.js';
import type { ReconcileContext } from './reconcile-context.js';
import { resourceExists } from './resource-exists.js';

/** What an action came to: done, or skipped because the world moved since the plan. */
export type ActionOutcome = { applied: true; removed?: number } | { applied: false; skipped: string };

const skipped = (why: string): ActionOutcome => ({ applied: false, skipped: why });

/**
 * Carries out one planned action. Each takes the instance lock (so it never races a create or delete
 * job) and re-reads the record: if the instance moved on since the plan, the action is skipped.
 * AWS deletes go through the delete saga's own undo functions.
 */
export async function applyAction(
  ctx: ReconcileContext,
  action: PlannedAction,
  runId: string,
  log: Logger,
): Promise<ActionOutcome> {
  if (action.kind === 'reenqueue') return reenqueue(ctx, action, runId);
  const release = await ctx.store.acquireLock(action.instanceId, ctx.config.JOB_LOCK_MS);
  if (!release) return skipped('a job holds the instance');
  let enqueue: (() => Promise<unknown>) | null = null;
  try {
    const record = await ctx.store.get(action.instanceId);
    // The plan read List calls; a direct read under the lock confirms "missing" before anything acts on it.
    if (
      (action.kind === 'repair' || action.kind === 'fail' || action.kind === 'credentials-lost') &&
      action.missing &&
      record &&
      (await resourceExists(stepContext(ctx, log), record, action.missing))
    ) {
      return skipped(`its ${action.missing} exists: the listing was behind`);
    }
    switch (action.kind) {
      case 'delete-orphan': {
        if (record && record.status !== 'deleted') return skipped(`instance is ${record.status}`);
        const removed = await undoAll(
          ctx,
          log,
          record ?? syntheticRecord(action.instanceId),
          action.listenerArns,
        );
        return { applied: true, removed };
      }
      case 'delete-abandoned': {
        const moved = await ctx.store.markDeleting(action.instanceId, { onlyFrom: ['failed'] });
        if (!moved.ok) return skipped(moved.reason === 'conflict' ? `instance is ${moved.current}` : 'gone');
        enqueue = () => enqueueDelete(ctx, action.instanceId, runId, action.reason);
        return { applied: true };
      }
      case 'fail': {
        const failed = await ctx.store.giveUp(
          action.instanceId,
          { instance: record ?? { id: action.instanceId, userId: '' }, reason: action.reason },
          { onlyFrom: action.from },
        );
        if (!failed.ok)
          return skipped(failed.reason === 'conflict' ? `instance is ${failed.current}` : 'gone');
        return { applied: true };
      }
      case 'repair': {
        const outcome = await repair(ctx, action, record, log);
        if (outcome.applied)
          enqueue = () =>
            enqueueCreate(ctx, action.instanceId, runId, `reconcile: repair from ${action.fromStep}`);
        return outcome;
      }
      case 'credentials-lost': {
        if (record?.status !== 'running') return skipped(`instance is ${record?.status ?? 'gone'}`);
        // No job: the steps stay done until PUT .../credentials resets them from the secret step.
        const lost = await ctx.store.markCredentialsLost(action.instanceId, {
          instance: record,
          reason: action.reason,
        });
        if (!lost.ok) return skipped('instance moved on');
        return { applied: true };
      }
      default:
        return assertNever(action, 'reconcile action');
    }
  } finally {
    await release();
    // After the lock is free, so the job does not find it busy.
    if (enqueue) await enqueue();
  }
}

/** Degrades a running instance, undoes what a new target group invalidates, resets the steps from the missing one. */
async function repair(
  ctx: ReconcileContext,
  action: Extract<PlannedAction, { kind: 'repair' }>,
  record: InstanceRecord | null,
  log: Logger,
): Promise<ActionOutcome> {
  if (record?.status !== 'running') return skipped(`instance is ${record?.status ?? 'gone'}`);
  const degraded = await ctx.store.markDegraded(action.instanceId, {
    instance: record,
    reason: action.reason,
    fromStep: action.fromStep,
  });
  if (!degraded.ok) return skipped('instance moved on');
  for (const step of undoSteps) {
    if (action.undo.includes(step.id)) await step.undo(stepContext(ctx, log), record);
  }
  // Resume the create saga from the missing step: it and every later step run again, each as a
  // fresh attempt (a new `startedAt`), so a re-created service gets a clientToken of its own.
  for (const stepId of STEP_IDS.slice(STEP_IDS.indexOf(action.fromStep))) {
    await ctx.store.recordStep(action.instanceId, stepId, { state: 'pending', attempts: 0 }, 'degraded');
  }
  await bumpAttempts(ctx, action.instanceId);
  await ctx.redis.hdel(reconcileKeys(ctx.config.QUEUE_PREFIX).unhealthySince, action.instanceId);
  return { applied: true };
}

async function reenqueue(
  ctx: ReconcileContext,
  action: Extract<PlannedAction, { kind: 'reenqueue' }>,
  runId: string,
): Promise<ActionOutcome> {
  const id = action.instanceId;
  const sequence = Number((await ctx.redis.hget(ctx.store.keys.instance(id), 'jobSeq')) ?? 0);
  if (await hasLiveJob(ctx.instanceQueue.queue, id, sequence)) return skipped('its job is back');
  if (await ctx.redis.exists(ctx.store.keys.lock(id))) return skipped('a job holds the instance');
  await bumpAttempts(ctx, id);
  if (action.job === 'delete') await enqueueDelete(ctx, id, runId, action.reason);
  else await enqueueCreate(ctx, id, runId, `reconcile: ${action.reason}`);
  return { applied: true };
}

async function enqueueCreate(ctx: ReconcileContext, id: string, runId: string, reason: string) {
  const sequence = await ctx.store.nextJobSequence(id);
  // A repair or a lost job: the instance has waited already, so it goes ahead of new signups.
  await ctx.instanceQueue.enqueueCreate({ instanceId: id, requestId: runId, reason }, sequence, 'in-hand');
}

/** Delete job ids are fixed: a finished one still in retention would make the add a no-op. */
async function enqueueDelete(ctx: ReconcileContext, id: string, runId: string, reason: string) {
  const old = await ctx.instanceQueue.queue.getJob(jobIds.delete(id));
  if (old && ['completed', 'failed'].includes(await old.getState())) await old.remove();
  await ctx.instanceQueue.enqueueDelete({ instanceId: id, requestId: runId, reason: `reconcile: ${reason}` });
}

async function bumpAttempts(ctx: ReconcileContext, id: string) {
  await ctx.redis.hincrby(reconcileKeys(ctx.config.QUEUE_PREFIX).attempts, id, 1);
}

export function stepContext(ctx: ReconcileContext, log: Logger): StepContext {
  return { ...ctx, log, note: async () => {} };
}

/** Runs every undo in the delete saga's order; the rule's once per listener it was found on. */
async function undoAll(
  ctx: ReconcileContext,
  log: Logger,
  record: InstanceRecord,
  listenerArns: string[],
): Promise<number> {
  let removed = 0;
  const stepCtx = stepContext(ctx, log);
  for (const step of undoSteps) {
    const targets =
      step.id === 'listener-rule'
        ? listenerArns.map((listenerArn) => ({ ...record, listenerArn }))
        : [record];
    for (const target of targets) {
      if ((await step.undo(stepCtx, target)) === 'deleted') removed++;
    }
  }
  return removed;
}

/** The record an undo needs for an id the store does not know: names derive from the id alone. */
export function syntheticRecord(id: string): InstanceRecord {
  return {
    id,
    userId: '',
    email: '',
    status: 'deleted',
    currentStep: null,
    steps: emptySteps(),
    listenerArn: '',
    albDnsName: '',
    routingSlot: -1,
    url: '',
    error: null,
    requestId: '',
    createdAt: '',
    updatedAt: '',
    runningAt: null,
    deletedAt: null,
    leftovers: [],
  };
}
