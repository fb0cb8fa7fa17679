import { type InstanceRecord, STEP_IDS, type StepId, type StepRecord } from '../../shared/domain.js';
import { SagaFailedError } from '../../shared/errors/saga-failed-error.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { createSteps } from '../steps/index.js';
import type { StepContext, StepOutput } from '../steps/step.js';
import { judgeStepError } from './step-failure.js';

/** A retry-after may delay one step at most this many times the job's attempts before it fails. */
const WAITS_PER_ATTEMPT = 3;

const superseded = (reason: string): SagaOutcome => ({ kind: 'done', value: { superseded: true, reason } });
const deleteWins = (instance: InstanceRecord | null) =>
  !instance || instance.status === 'deleting' || instance.status === 'deleted';

/**
 * The create saga. Runs the steps in order, skipping those whose checkpoint says `done` and handing their
 * outputs on. Before each step it re-reads the instance: a delete that arrived meanwhile wins and this
 * job ends quietly. A waiting step (placement) ends the attempt with `wait`; the job comes back later.
 */
export async function runCreate(ctx: WorkerContext, run: JobRun, instanceId: string): Promise<SagaOutcome> {
  const { store } = ctx;
  const first = await store.get(instanceId);
  if (deleteWins(first)) return superseded(first ? `instance is ${first.status}` : 'instance record is gone');
  // A degraded instance whose steps the reconciler reset resumes from the first of them.
  const repairing = first!.status === 'degraded' && STEP_IDS.some((id) => first!.steps[id].state !== 'done');
  if (first!.status === 'running' || (first!.status === 'degraded' && !repairing)) {
    return { kind: 'done', value: { alreadyRunning: true } };
  }
  const started = await store.transition(
    instanceId,
    'provisioning',
    ['queued', 'failed', 'provisioning', 'degraded'],
    { error: null },
  );
  if (!started.ok)
    return superseded(started.reason === 'conflict' ? `instance is ${started.current}` : 'gone');
  if (started.previous !== 'provisioning') run.log.info({ from: started.previous }, 'create started');

  const outputs: Partial<Record<StepId, StepOutput>> = {};
  for (const [index, step] of createSteps.entries()) {
    const instance = await store.get(instanceId);
    if (deleteWins(instance)) {
      await run.note(`stopped before ${step.id}: a delete won`);
      return superseded(`instance is ${instance?.status ?? 'gone'}`);
    }
    const record = instance!.steps[step.id];
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
    const attempts = record.state === 'waiting' ? record.attempts : record.attempts + 1;
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
    await store.recordStep(instanceId, step.id, running, 'provisioning');
    await run.progress({ step: step.id, index: index + 1, of: createSteps.length });
    if (record.state !== 'waiting')
      await run.note(`step ${step.id} (${index + 1}/6), attempt ${run.attempt}`);

    const stepCtx: StepContext = { ...ctx, log, note: run.note };
    try {
      const result = await step.run(stepCtx, { instance: instance!, outputs, record: running });
      if (result.kind === 'wait') {
        const { lastError: _previous, ...rest } = running;
        await store.recordStep(
          instanceId,
          step.id,
          { ...rest, state: 'waiting', output: result.output },
          'provisioning',
        );
        await run.note(result.note);
        log.debug({ afterMs: result.afterMs, state: result.output.state }, 'step waiting');
        return { kind: 'wait', afterMs: result.afterMs };
      }
      const endedAt = new Date(ctx.clock.now()).toISOString();
      await store.recordStep(
        instanceId,
        step.id,
        { state: 'done', startedAt, endedAt, attempts, output: result.output },
        'provisioning',
      );
      outputs[step.id] = result.output;
      log.info({ output: result.output, ms: Date.parse(endedAt) - Date.parse(startedAt) }, 'step finished');
    } catch (error) {
      return failStep(ctx, run, instanceId, step.id, running, error);
    }
  }

  const runningAt = new Date(ctx.clock.now()).toISOString();
  const finished = await store.transition(instanceId, 'running', ['provisioning'], { runningAt });
  if (!finished.ok)
    return superseded(finished.reason === 'conflict' ? `instance is ${finished.current}` : 'gone');
  run.log.info({ placement: outputs.placement }, 'instance running');
  await run.note('instance running');
  return { kind: 'done', value: { instanceId, status: 'running', ...outputs.placement } };
}

/** Records the error on the step, then retries, waits, or fails the instance (and the job) for good. */
async function failStep(
  ctx: WorkerContext,
  run: JobRun,
  instanceId: string,
  stepId: StepId,
  record: StepRecord,
  error: unknown,
): Promise<SagaOutcome> {
  const verdict = judgeStepError(error, {
    isLastAttempt: run.isLastAttempt,
    waitsLeft: record.attempts < ctx.config.JOB_ATTEMPTS * WAITS_PER_ATTEMPT,
  });
  const lastError = { code: verdict.code, message: verdict.message };
  const log = run.log.child({ step: stepId });
  if (verdict.kind === 'final') {
    const endedAt = new Date(ctx.clock.now()).toISOString();
    await ctx.store.recordStep(
      instanceId,
      stepId,
      { ...record, state: 'failed', endedAt, lastError },
      'failed',
    );
    const failed = await ctx.store.transition(instanceId, 'failed', ['provisioning', 'queued'], {
      error: JSON.stringify({ step: stepId, ...lastError }),
    });
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
