import type { InstanceRecord, StepId, StepRecord } from '../../shared/domain.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import type { Step, StepContext } from '../steps/step.js';
import { judgeStepError, sagaFailed } from './step-failure.js';

/** Two outputs say the same (a poll that saw nothing new need not be written again). */
const sameOutput = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  !!a && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

export interface CreateStepRun {
  step: Step;
  /** The instance as it stands after the last checkpoint. */
  current: InstanceRecord;
  /** The step's record in it (not `done`). */
  record: StepRecord;
  outputs: Partial<Record<StepId, Record<string, string>>>;
  pristine: boolean;
  /** The last step: no re-read follows its checkpoint (the `running` transition checks atomically). */
  last: boolean;
}

/**
 * One attempt at one step of the create saga: records it `running` (alongside its first AWS call, or
 * before it on the pristine path), runs it, then checkpoints its output together with a re-read of the
 * instance, or records what a waiting step saw. A failure is recorded and judged by `failStep`.
 */
export async function runCreateStep(
  ctx: WorkerContext,
  run: JobRun,
  { step, current, record, outputs, pristine, last }: CreateStepRun,
): Promise<
  SagaOutcome | { kind: 'checkpointed'; output: Record<string, string>; instance: InstanceRecord | null }
> {
  const instanceId = current.id;
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
  // A poll leaves the step `waiting` (it is); anything else records `running` first. A step allowed to
  // skip its look-up must have that record in Redis before its first call; others send it alongside.
  const marked = polling ? null : ctx.store.recordStep(instanceId, step.id, running, 'provisioning');
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
      await ctx.store.recordStep(
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
  const checkpoint = ctx.store.recordStep(
    instanceId,
    step.id,
    { state: 'done', startedAt, endedAt, attempts, output: result.output },
    'provisioning',
  );
  // The re-read goes out right behind the checkpoint on the same connection, so it sees it and costs
  // no round trip of its own; the last step needs none (the atomic `running` transition checks).
  const [, next] = await Promise.all([
    checkpoint,
    last ? Promise.resolve(current) : ctx.store.get(instanceId),
  ]);
  log.info({ output: result.output, ms: Date.parse(endedAt) - Date.parse(startedAt) }, 'step finished');
  ctx.metrics?.stepDone(step.id, (Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  return { kind: 'checkpointed', output: result.output, instance: next };
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
  ctx.metrics?.stepFailed(stepId, verdict.code, verdict.action === 'fatal');
  const log = run.log.child({ step: stepId });
  const instanceId = instance.id;
  if (verdict.action === 'fatal') {
    const endedAt = new Date(ctx.clock.now()).toISOString();
    await ctx.store.recordStep(
      instanceId,
      stepId,
      { ...record, state: 'failed', endedAt, lastError },
      'failed',
    );
    const failed = await ctx.store.markFailed(instanceId, {
      instance,
      error: { step: stepId, ...lastError },
    });
    log.error({ code: verdict.code, reason: verdict.message, willRetry: false }, 'create failed');
    await run.note(`failed at ${stepId}: ${verdict.code}: ${verdict.message}`);
    if (!failed.ok)
      log.info({ reason: failed.reason }, 'instance not marked failed: it moved on (a delete won)');
    throw sagaFailed(stepId, verdict, error);
  }
  await ctx.store.recordStep(instanceId, stepId, { ...record, state: 'running', lastError }, 'provisioning');
  if (verdict.action === 'retry-after') {
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
