import type { Leftover } from '../../shared/domain.js';
import type { Logger } from '../../shared/logger.js';
import { judgeStepError } from '../saga/step-failure.js';
import { undoSteps } from '../steps/index.js';
import { leftoversOf } from '../steps/leftovers.js';
import { stepContext, syntheticRecord } from './apply-action.js';
import type { ReconcileContext } from './reconcile-context.js';

export interface LeftoverRetry {
  /** Instances with leftovers when the run began. */
  found: number;
  /** Leftovers removed this run. */
  cleaned: number;
}

/**
 * Tries again what deletes left undone (housekeeping such as INACTIVE task-definition revisions, see
 * `Step.housekeeping`), through the same undo the delete ran, under the instance lock. What still fails
 * stays recorded, with the latest reason, for the next run. Dry-run only reports.
 */
export async function retryLeftovers(
  ctx: ReconcileContext,
  dryRun: boolean,
  log: Logger,
): Promise<LeftoverRetry> {
  const pending = await ctx.store.pendingLeftovers();
  let cleaned = 0;
  for (const [instanceId, leftovers] of pending) {
    const fields = { instanceId, leftovers: leftovers.map((l) => l.step) };
    if (dryRun) {
      log.info(fields, 'delete leftovers found (dry run: nothing done)');
      continue;
    }
    const release = await ctx.store.acquireLock(instanceId, ctx.config.JOB_LOCK_MS);
    if (!release) continue;
    try {
      const record = (await ctx.store.get(instanceId)) ?? syntheticRecord(instanceId);
      const stepCtx = stepContext(ctx, log.child({ instanceId }));
      const remaining: Leftover[] = [];
      for (const leftover of leftovers) {
        const step = undoSteps.find((s) => s.id === leftover.step);
        if (!step) continue;
        try {
          await step.undo(stepCtx, record);
          cleaned++;
          log.info({ instanceId, step: step.id, resources: leftover.resources }, 'delete leftover removed');
        } catch (error) {
          const verdict = judgeStepError(error, { isLastAttempt: true, waitsLeft: false });
          const at = new Date(ctx.clock.now()).toISOString();
          remaining.push({
            ...leftover,
            resources: leftoversOf(error) ?? leftover.resources,
            code: verdict.code,
            message: verdict.message,
            at,
          });
          log.warn({ instanceId, step: step.id, reason: verdict.message }, 'delete leftover still there');
        }
      }
      await ctx.store.updateLeftovers(instanceId, remaining);
    } finally {
      await release();
    }
  }
  return { found: pending.size, cleaned };
}
