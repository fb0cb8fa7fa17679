import { LIVE_STATUSES } from '../../shared/domain.js';
import { SagaFailedError } from '../../shared/errors/saga-failed-error.js';
import type { WorkerContext } from '../context.js';
import type { JobRun, SagaOutcome } from '../jobs/job-run.js';
import { undoSteps } from '../steps/index.js';
import type { StepContext } from '../steps/step.js';
import { judgeStepError } from './step-failure.js';

/**
 * The delete saga: undoes every step in reverse (service, rule, target group, task definitions,
 * secret). Each undo finds its resource by deterministic name, not by checkpoint, since a create may
 * have crashed between an AWS call and its checkpoint, and treats "already gone" as done. Works from
 * any status; the API sets `deleting` before it enqueues, and a create that sees it stops.
 */
export async function runDelete(ctx: WorkerContext, run: JobRun, instanceId: string): Promise<SagaOutcome> {
  const { store } = ctx;
  const before = await store.get(instanceId);
  if (!before) return { kind: 'done', value: { missing: true } };
  if (before.status === 'deleted') return { kind: 'done', value: { alreadyDeleted: true } };
  if (before.status !== 'deleting') await store.transition(instanceId, 'deleting', LIVE_STATUSES);

  const removed: string[] = [];
  for (const [index, step] of undoSteps.entries()) {
    const log = run.log.child({ step: step.id });
    run.progress({ step: `delete:${step.id}`, index: index + 1, of: undoSteps.length });
    try {
      const result = await step.undo({ ...ctx, log, note: run.note } satisfies StepContext, before);
      if (result === 'deleted') removed.push(step.id);
      log.info({ result }, 'undo finished');
      await run.note(`delete ${step.id}: ${result === 'deleted' ? 'removed' : 'already gone'}`);
    } catch (error) {
      // A delete does not wait for free: anything short of final is a retry that spends an attempt.
      const verdict = judgeStepError(error, { isLastAttempt: run.isLastAttempt, waitsLeft: false });
      if (verdict.kind !== 'final') {
        log.warn({ code: verdict.code, reason: verdict.message, willRetry: true }, 'undo failed, will retry');
        await run.note(
          `delete ${step.id}: ${verdict.code}: ${verdict.message} (attempt ${run.attempt}, will retry)`,
        );
        throw error;
      }
      await store.transition(instanceId, 'deleting', ['deleting'], {
        error: JSON.stringify({
          step: 'delete',
          code: verdict.code,
          message: `${step.id}: ${verdict.message}`,
        }),
      });
      log.error({ code: verdict.code, reason: verdict.message, willRetry: false }, 'delete failed');
      await run.note(`delete failed at ${step.id}: ${verdict.code}: ${verdict.message}`);
      throw new SagaFailedError('delete', verdict.code, `${step.id}: ${verdict.message}`, { cause: error });
    }
  }

  // Re-read: a PriorityInUse during the create may have moved the instance to another routing slot (a
  // create whose lock lapsed can still be finishing its step); one round trip per delete, kept for that.
  const latest = (await store.get(instanceId)) ?? before;
  await store.markDeleted(latest);
  run.log.info({ removed }, 'instance deleted');
  await run.note(`instance deleted (removed: ${removed.join(', ') || 'nothing'})`);
  return { kind: 'done', value: { instanceId, status: 'deleted', removed } };
}
