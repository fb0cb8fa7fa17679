import { type InstanceRecord, STEP_IDS, type StepId, type StepRecord } from '../../shared/domain.js';
import { SagaFailedError } from '../../shared/errors/saga-failed-error.js';
import { failedEvent, runningEvent } from '../../shared/webhooks/lifecycle-events.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { createSteps } from '../steps/index.js';
import type { StepContext, StepOutput } from '../steps/step.js';
import { judgeStepError } from './step-failure.js';

/** A retry-after may delay one step at most this many times the job's attempts before it fails. */

const superseded = (reason: string): SagaOutcome => ({ kind: 'done', value: { superseded: true, reason } });
const deleteWins = (instance: InstanceRecord | null) =>
  !instance || instance.status === 'deleting' || instance.status === 'deleted';

/** Two outputs say the same (a poll that saw nothing new need not be written again). */
const sameOutput = (a: StepOutput | undefined, b: StepOutput) =>
  !!a && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

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
  const { store } = ctx;
  const first = await store.get(instanceId);
  if (!first || deleteWins(first))
    return superseded(first ? `instance is ${first.status}` : 'instance record is gone');
  // A degraded instance whose steps the reconciler reset resumes from the first of them.
  const repairing = first.status === 'degraded' && STEP_IDS.some((id) => first.steps[id].state !== 'done');
  if (first.status === 'running' || (first.status === 'degraded' && !repairing)) {
    return { kind: 'done', value: { alreadyRunning: true } };
  }
  // Pristine: queued and never touched since the API made it (any transition or step record moves
  // `updatedAt`), so no step ever started and, since every step records `running` before its first AWS
  // call, none of its resources can exist. Its steps may then create without looking first.
  const pristine =
    first.status === 'queued' &&
    first.updatedAt !== '' &&
    first.updatedAt === first.createdAt &&
    STEP_IDS.every((id) => first.steps[id].state === 'pending' && !first.steps[id].startedAt);
  // An instance already provisioning (a placement poll, a retry, a resumed job) is ours while we hold its
  // lock; only a delete can move it, and the next boundary sees that.
  if (first.status !== 'provisioning') {
    const started = await store.transition(
      instanceId,
      'provisioning',
      ['queued', 'failed', 'provisioning', 'degraded'],
      { error: null },
    );
    if (!started.ok)
      return superseded(started.reason === 'conflict' ? `instance is ${started.current}` : 'gone');
    if (started.previous !== 'provisioning') run.log.info({ from: started.previous }, 'create started');
  }

  let instance: InstanceRecord | null = { ...first, status: 'provisioning', error: null };
  const outputs: Partial<Record<StepId, StepOutput>> = {};
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
    const log = run.log.child({ step: step.id });
    // A placement poll continues the same attempt at the step; anything else is a new one.
    const polling = record.state === 'waiting';
    const attempts = polling ? record.attempts : record.attempts + 1;
    // A step retried after the instance failed starts afresh (a new placement deadline, no stale output);
    // a step resumed after a crash, a backoff or a poll keeps its start and what it saw.
    const fresh = record.state === 'pending' || record.state === 'failed';
    const startedAt = (!fresh && record.startedAt) || new Date(ctx.clock.now()).toISOString();
    const { output: seen, endedAt: _ended, ...kept } = record;
    const running: StepRecord = {
      ...kept,
      ...(fresh ? {} : { output: seen }),
      state: 'running',
      startedAt,
      attempts,
    };
    run.progress({ step: step.id, index: index + 1, of: createSteps.length });
    // A poll leaves the step `waiting` (it is); anything else records `running` first. A step allowed to
    // skip its look-up must have that record in Redis before its first call; others send it alongside.
    const marked = polling ? null : store.recordStep(instanceId, step.id, running, 'provisioning');
    if (pristine && marked) await marked;

    const stepCtx: StepContext = { ...ctx, log, note: run.note };
    const [ran, mark] = await Promise.allSettled([
      step.run(stepCtx, { instance: current, outputs, record: running, firstRun: pristine }),
      marked,
    ]);
    if (ran.status === 'rejected') return failStep(ctx, run, current, step.id, running, ran.reason);
    // The step's work is done or found, but its record was not written: a retry finds it by name.
    if (mark.status === 'rejected') throw mark.reason;
    const result = ran.value;
    if (result.kind === 'wait') {
      const { lastError: _previous, ...rest } = running;
      if (!polling || !sameOutput(record.output, result.output)) {
        await store.recordStep(
          instanceId,
          step.id,
          { ...rest, state: 'waiting', output: result.output },
          'provisioning',
        );
        await run.note(result.note);
      }
      log.debug({ afterMs: result.afterMs, state: result.output.state }, 'step waiting');
      return { kind: 'wait', afterMs: result.afterMs };
    }
    const endedAt = new Date(ctx.clock.now()).toISOString();
    const checkpoint = store.recordStep(
      instanceId,
      step.id,
      { state: 'done', startedAt, endedAt, attempts, output: result.output },
      'provisioning',
    );
    // The re-read goes out right behind the checkpoint on the same connection, so it sees it and costs
    // no round trip of its own; the last step needs none (the atomic `running` transition checks).
    const last = index === createSteps.length - 1;
    const [, next] = await Promise.all([checkpoint, last ? Promise.resolve(current) : store.get(instanceId)]);
    instance = next;
    outputs[step.id] = result.output;
    log.info({ output: result.output, ms: Date.parse(endedAt) - Date.parse(startedAt) }, 'step finished');
    ctx.metrics?.stepDone(step.id, (Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  }

  const runningAt = new Date(ctx.clock.now()).toISOString();
  // `first.runningAt`: it ran before (a repair, restored credentials), so this is a recovery.
  const finished = await store.transition(
    instanceId,
    'running',
    ['provisioning'],
    { runningAt },
    runningEvent(first),
  );
  if (!finished.ok)
    return superseded(finished.reason === 'conflict' ? `instance is ${finished.current}` : 'gone');
  run.log.info({ placement: outputs.placement }, 'instance running');
  if (!first.runningAt)
    ctx.metrics?.instanceRunning((Date.parse(runningAt) - Date.parse(first.createdAt)) / 1000);
  await run.note('instance running');
  return { kind: 'done', value: { instanceId, status: 'running', ...outputs.placement } };
}

function withinStepDeadline(ctx: WorkerContext, record: StepRecord): boolean {
  const started = record.startedAt ? Date.parse(record.startedAt) : Number.NaN;
  return Number.isNaN(started) || ctx.clock.now() - started < ctx.config.PLACEMENT_DEADLINE_MS;
}

/** Records the error on the step, then retries, waits, or fails the instance (and the job) for good. */
async function failStep(
  ctx: WorkerContext,
  run: JobRun,
  instance: InstanceRecord,
  stepId: StepId,
  record: StepRecord,
  error: unknown,
): Promise<SagaOutcome> {
  const verdict = judgeStepError(error, {
    isLastAttempt: run.isLastAttempt,
    // A wait of known kind (a service still draining) is free until the step's deadline: on AWS a drain
    // lasts the deregistration delay (300 s by default), which no count of short polls would cover.
    waitsLeft: withinStepDeadline(ctx, record),
  });
  const lastError = { code: verdict.code, message: verdict.message };
  ctx.metrics?.stepFailed(stepId, verdict.code, verdict.kind === 'final');
  const log = run.log.child({ step: stepId });
  const instanceId = instance.id;
  if (verdict.kind === 'final') {
    const endedAt = new Date(ctx.clock.now()).toISOString();
    await ctx.store.recordStep(
      instanceId,
      stepId,
      { ...record, state: 'failed', endedAt, lastError },
      'failed',
    );
    const failed = await ctx.store.transition(
      instanceId,
      'failed',
      ['provisioning', 'queued'],
      { error: JSON.stringify({ step: stepId, ...lastError }) },
      failedEvent(instance, { step: stepId, ...lastError }),
    );
    log.error({ code: verdict.code, reason: verdict.message, willRetry: false }, 'create failed');
    await run.note(`failed at ${stepId}: ${verdict.code}: ${verdict.message}`);
    if (!failed.ok)
      log.info({ reason: failed.reason }, 'instance not marked failed: it moved on (a delete won)');
    throw new SagaFailedError(stepId, verdict.code, verdict.message, { cause: error });
  }
  await ctx.store.recordStep(instanceId, stepId, { ...record, state: 'running', lastError }, 'provisioning');
  if (verdict.kind === 'retry-after') {
    log.warn(
      { code: verdict.code, reason: verdict.message, afterMs: verdict.afterMs, willRetry: true },
      'step waits',
    );
    await run.note(`${stepId}: ${verdict.code}, looking again in ${verdict.afterMs} ms`);
    return { kind: 'wait', afterMs: verdict.afterMs };
  }
  log.warn({ code: verdict.code, reason: verdict.message, willRetry: true }, 'step failed, will retry');
  await run.note(`${stepId}: ${verdict.code}: ${verdict.message} (attempt ${run.attempt}, will retry)`);
  throw error;
}
