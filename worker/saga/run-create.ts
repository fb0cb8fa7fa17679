import { type InstanceRecord, STEP_IDS, type StepId } from '../../shared/domain.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { createSteps } from '../steps/index.js';
import { runCreateStep } from './run-create-step.js';

const superseded = (reason: string): SagaOutcome => ({ kind: 'done', value: { superseded: true, reason } });
const deleteWins = (instance: InstanceRecord | null) =>
  !instance || instance.status === 'deleting' || instance.status === 'deleted';

/**
 * The create saga. Runs the steps in order, skipping those whose checkpoint says `done` and handing their
 * outputs on. At each step boundary it knows the instance as it stands after the last checkpoint (read in
 * the same round trip as that checkpoint): a delete that arrived meanwhile wins and this job ends quietly.
 * A waiting step (placement) ends the attempt with `wait`; the job comes back later.
 *
 * Round trips are the pipeline's cost (the work is waiting on AWS and Redis, not CPU), so: the instance
 * is read once per attempt and then again only together with a checkpoint; a step's `running` record is
 * written while its first call is in flight; a placement poll that saw nothing new writes nothing.
 */
export async function runCreate(ctx: WorkerContext, run: JobRun, instanceId: string): Promise<SagaOutcome> {
  const start = await startCreate(ctx, run, instanceId);
  if ('outcome' in start) return start.outcome;
  const { first, pristine } = start;

  let instance: InstanceRecord | null = { ...first, status: 'provisioning', error: null };
  const outputs: Partial<Record<StepId, Record<string, string>>> = {};
  for (const [index, step] of createSteps.entries()) {
    if (deleteWins(instance)) {
      await run.note(`stopped before ${step.id}: a delete won`);
      return superseded(`instance is ${instance?.status ?? 'gone'}`);
    }
    const current: InstanceRecord = instance!;
    const record = current.steps[step.id];
    if (record.state === 'done') {
      outputs[step.id] = record.output ?? {};
      continue;
    }
    if (ctx.stopping?.aborted) {
      // The process is stopping: the job goes back to the queue (no attempt spent) for another worker.
      await run.note(`worker stopping: handing over before ${step.id}`);
      return { kind: 'wait', afterMs: 0 };
    }
    run.progress({ step: step.id, index: index + 1, of: createSteps.length });
    const last = index === createSteps.length - 1;
    const ran = await runCreateStep(ctx, run, { step, current, record, outputs, pristine, last });
    if (ran.kind !== 'checkpointed') return ran;
    outputs[step.id] = ran.output;
    instance = ran.instance;
  }
  return finishCreate(ctx, run, first, outputs);
}

/**
 * Pristine: queued and never touched since the API made it (any transition or step record moves
 * `updatedAt`), so no step ever started and, since every step records `running` before its first AWS
 * call, none of its resources can exist. Its steps may then create without looking first.
 */
const isPristine = (first: InstanceRecord) =>
  first.status === 'queued' &&
  first.updatedAt !== '' &&
  first.updatedAt === first.createdAt &&
  STEP_IDS.every((id) => first.steps[id].state === 'pending' && !first.steps[id].startedAt);

/** The start: a delete or a finished create ends the job here; otherwise the instance is provisioning. */
async function startCreate(
  ctx: WorkerContext,
  run: JobRun,
  instanceId: string,
): Promise<{ outcome: SagaOutcome } | { first: InstanceRecord; pristine: boolean }> {
  const { store } = ctx;
  const first = await store.get(instanceId);
  if (!first || deleteWins(first))
    return { outcome: superseded(first ? `instance is ${first.status}` : 'instance record is gone') };
  // A degraded instance whose steps the reconciler reset resumes from the first of them.
  const repairing = first.status === 'degraded' && STEP_IDS.some((id) => first.steps[id].state !== 'done');
  if (first.status === 'running' || (first.status === 'degraded' && !repairing)) {
    return { outcome: { kind: 'done', value: { alreadyRunning: true } } };
  }
  const pristine = isPristine(first);
  // An instance already provisioning (a placement poll, a retry, a resumed job) is ours while we hold its
  // lock; only a delete can move it, and the next boundary sees that.
  if (first.status !== 'provisioning') {
    const started = await store.startProvisioning(instanceId);
    if (!started.ok)
      return {
        outcome: superseded(started.reason === 'conflict' ? `instance is ${started.current}` : 'gone'),
      };
    if (started.previous !== 'provisioning') run.log.info({ from: started.previous }, 'create started');
  }
  return { first, pristine };
}

/** The end: `provisioning -> running`, atomic, so a delete that moved the instance meanwhile wins. */
async function finishCreate(
  ctx: WorkerContext,
  run: JobRun,
  first: InstanceRecord,
  outputs: Partial<Record<StepId, Record<string, string>>>,
): Promise<SagaOutcome> {
  const runningAt = new Date(ctx.clock.now()).toISOString();
  // `first.runningAt`: it ran before (a repair, restored credentials), so this is a recovery.
  const finished = await ctx.store.markRunning(first.id, { instance: first, runningAt });
  if (!finished.ok)
    return superseded(finished.reason === 'conflict' ? `instance is ${finished.current}` : 'gone');
  run.log.info({ placement: outputs.placement }, 'instance running');
  if (!first.runningAt)
    ctx.metrics?.instanceRunning((Date.parse(runningAt) - Date.parse(first.createdAt)) / 1000);
  await run.note('instance running');
  return { kind: 'done', value: { instanceId: first.id, status: 'running', ...outputs.placement } };
}
