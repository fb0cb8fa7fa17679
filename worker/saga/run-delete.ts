import type { Leftover } from '../../shared/domain.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { undoSteps } from '../steps/index.js';
import { leftoversOf } from '../steps/leftovers.js';
import type { StepContext } from '../steps/step.js';
import { judgeStepError, sagaFailed } from './step-failure.js';

/**
 * The delete saga: undoes every step in `undoSteps` order (service, secret, rule, target group, task
 * definitions). Each undo finds its resource by deterministic name, not by checkpoint, since a create may
 * have crashed between an AWS call and its checkpoint, and treats "already gone" as done. Works from any
 * status; the API sets `deleting` before it enqueues, and a create that sees it stops.
 *
 * A known wait (the secret waits for the service's tasks to be told to stop) delays the job without
 * spending an attempt, for at most PLACEMENT_DEADLINE_MS from the start of the delete. A housekeeping
 * undo that fails for good leaves a leftover on the instance, which still becomes `deleted`.
 */
export async function runDelete(ctx: WorkerContext, run: JobRun, instanceId: string): Promise<SagaOutcome> {
  const { store } = ctx;
  const before = await store.get(instanceId);
  if (!before) return { kind: 'done', value: { missing: true } };
  if (before.status === 'deleted') return { kind: 'done', value: { alreadyDeleted: true } };
  if (before.status !== 'deleting') await store.markDeleting(instanceId);
  // `updatedAt` of a deleting record is when the delete began (nothing else writes it until the end).
  const startedAt =
    before.status === 'deleting' ? Date.parse(before.updatedAt) || ctx.clock.now() : ctx.clock.now();
  const waitsLeft = ctx.clock.now() - startedAt < ctx.config.PLACEMENT_DEADLINE_MS;

  const removed: string[] = [];
  const leftovers: Leftover[] = [];
  for (const [index, step] of undoSteps.entries()) {
    const log = run.log.child({ step: step.id });
    run.progress({ step: `delete:${step.id}`, index: index + 1, of: undoSteps.length });
    try {
      const result = await step.undo({ ...ctx, log, note: run.note } satisfies StepContext, before);
      if (result === 'deleted') removed.push(step.id);
      log.info({ result }, 'undo finished');
      await run.note(`delete ${step.id}: ${result === 'deleted' ? 'removed' : 'already gone'}`);
    } catch (error) {
      const verdict = judgeStepError(error, { isLastAttempt: run.isLastAttempt, waitsLeft });
      if (verdict.action === 'retry-after') {
        log.info({ code: verdict.code, reason: verdict.message, afterMs: verdict.afterMs }, 'undo waits');
        await run.note(`delete ${step.id}: ${verdict.message}, looking again in ${verdict.afterMs} ms`);
        return { kind: 'wait', afterMs: verdict.afterMs };
      }
      if (verdict.action === 'retry') {
        log.warn({ code: verdict.code, reason: verdict.message, willRetry: true }, 'undo failed, will retry');
        await run.note(
          `delete ${step.id}: ${verdict.code}: ${verdict.message} (attempt ${run.attempt}, will retry)`,
        );
        throw error;
      }
      if (step.housekeeping) {
        const resources = leftoversOf(error) ?? [step.id];
        const at = new Date(ctx.clock.now()).toISOString();
        leftovers.push({ step: step.id, resources, code: verdict.code, message: verdict.message, at });
        log.warn(
          { code: verdict.code, reason: verdict.message, leftovers: resources },
          'housekeeping left undone: recorded for the reconciler',
        );
        await run.note(`delete ${step.id}: left for the reconciler (${verdict.code}: ${verdict.message})`);
        continue;
      }
      await store.markDeleteFailed(instanceId, {
        error: { code: verdict.code, message: `${step.id}: ${verdict.message}` },
      });
      log.error({ code: verdict.code, reason: verdict.message, willRetry: false }, 'delete failed');
      await run.note(`delete failed at ${step.id}: ${verdict.code}: ${verdict.message}`);
      throw sagaFailed('delete', { ...verdict, message: `${step.id}: ${verdict.message}` }, error);
    }
  }

  // Re-read: a PriorityInUse during the create may have moved the instance to another routing slot (a
  // create whose lock lapsed can still be finishing its step); one round trip per delete, kept for that.
  const latest = (await store.get(instanceId)) ?? before;
  await store.markDeleted(latest, leftovers);
  run.log.info({ removed, leftovers: leftovers.length }, 'instance deleted');
  await run.note(
    `instance deleted (removed: ${removed.join(', ') || 'nothing'}${leftovers.length > 0 ? `; left: ${leftovers.map((l) => l.step).join(', ')}` : ''})`,
  );
  return { kind: 'done', value: { instanceId, status: 'deleted', removed, leftovers: leftovers.length } };
}
