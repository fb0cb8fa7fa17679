import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { type JobName, type JobPayload, jobCatalog, type QUEUE_NAMES } from '../../shared/job-catalog.js';
import type { WorkerContext } from '../context.js';
import { ClassifiedError } from '../errors/classified-error.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { withInstanceLock } from '../jobs/with-instance-lock.js';
import { runCreate } from '../saga/run-create.js';
import { runDelete } from '../saga/run-delete.js';

/** The jobs of the `instances` queue, read from the catalog. */
export type InstanceJobName = {
  [K in JobName]: (typeof jobCatalog)[K]['queue'] extends typeof QUEUE_NAMES.instances ? K : never;
}[JobName];

type Handler<K extends InstanceJobName> = (
  ctx: WorkerContext,
  run: JobRun,
  payload: JobPayload<K>,
) => Promise<SagaOutcome>;

/** A job name in the catalog without a handler here does not compile. */
const handlers: { [K in InstanceJobName]: Handler<K> } = {
  create: (ctx, run, payload) => runCreate(ctx, run, payload.instanceId),
  delete: (ctx, run, payload) => runDelete(ctx, run, payload.instanceId),
};

const isInstanceJob = (name: string): name is InstanceJobName => Object.hasOwn(handlers, name);

/** Retry soon, spread out, when another job holds the instance. */
const lockBusyDelayMs = () => 250 + Math.floor(Math.random() * 750);

/**
 * Waiting (placement, a lock held elsewhere, a known delay) is a delayed job: no slot, no attempt. A
 * new create that waits is work in hand from now on: without its priority it comes back ahead of the
 * signups still queued (shared/queues.ts, NEW_CREATE_PRIORITY).
 */
async function delay(job: Job, token: string | undefined, ms: number): Promise<never> {
  if (job.priority > 0) await job.changePriority({ priority: 0 });
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

/**
 * The `instances` processor. Parses the payload again (a queued payload can be older than the code; one
 * that no longer parses is fatal), takes the instance lock (one job per instance across every process),
 * and runs the saga.
 */
export function makeInstanceProcessor(ctx: WorkerContext) {
  return async function processInstanceJob(job: Job, token?: string): Promise<unknown> {
    const attempt = job.attemptsMade + 1;
    const base = ctx.log.child({ jobId: job.id, job: job.name, attempt });
    if (!isInstanceJob(job.name)) {
      base.error('no handler for this job name');
      throw new UnrecoverableError(`no handler for job ${job.name}`);
    }
    const parsed = jobCatalog[job.name].schema.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `payload does not parse: ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}`;
      base.error({ reason }, 'job failed');
      throw new UnrecoverableError(reason);
    }
    const payload = parsed.data;
    const log = base.child({ instanceId: payload.instanceId, requestId: payload.requestId });
    // Log lines and progress are for Bull Board; written one round trip each they were a third of a
    // create's Redis traffic. They are kept here and written together when the attempt ends.
    const lines: string[] = [];
    let progress: Record<string, string | number> | null = null;
    const run: JobRun = {
      log,
      attempt,
      isLastAttempt: attempt >= (job.opts.attempts ?? 1),
      note: async (line) => {
        lines.push(`[attempt ${attempt}] ${line}`);
      },
      progress: (latest) => {
        progress = latest;
      },
    };
    const flush = async () => {
      const writes: Promise<unknown>[] = lines.splice(0).map((line) => job.log(line));
      if (progress) writes.push(job.updateProgress(progress));
      // Best effort: the instance record, not the job log, is the truth; a lost line fails nothing.
      const failed = (await Promise.allSettled(writes)).find((w) => w.status === 'rejected');
      if (failed) log.warn({ reason: String(failed.reason) }, 'job log not written');
    };

    let result: Awaited<ReturnType<typeof withInstanceLock<SagaOutcome>>>;
    try {
      result = await withInstanceLock(ctx.store, payload.instanceId, ctx.config.JOB_LOCK_MS, log, () =>
        handlers[job.name as InstanceJobName](ctx, run, payload),
      );
    } catch (error) {
      await flush();
      // The sagas end a failed instance with UnrecoverableError themselves; a fatal verdict that escaped
      // them (outside any step) ends the job the same way: no attempt can fix it.
      if (ClassifiedError.is(error) && error.verdict.action === 'fatal') {
        throw Object.assign(new UnrecoverableError(error.message), { cause: error });
      }
      throw error;
    }
    await flush();
    if (result.locked) {
      log.debug('instance busy with another job: delayed');
      return delay(job, token, lockBusyDelayMs());
    }
    if (result.value.kind === 'wait') return delay(job, token, result.value.afterMs);
    return result.value.value;
  };
}
