import type { Job } from 'bullmq';
import { isOnDemandReconcile } from '../../shared/reconcile-report.js';
import { reconcileKeys } from '../../shared/store/keys.js';
import { acquireLock } from '../../shared/store/lock.js';
import type { ReconcileContext } from './reconcile-context.js';
import { runReconcile } from './run-reconcile.js';

/** Longest a run may hold the run lock before another worker may start one (a crashed holder's lease). */
const RUN_LEASE_MS = 10 * 60_000;

/**
 * The `reconcile` queue's processor. The job scheduler makes one job per interval across all workers;
 * the run lock also keeps a run that outlasts the interval from overlapping the next one.
 */
export function makeReconcileProcessor(ctx: ReconcileContext) {
  return async function processReconcile(job: Job): Promise<unknown> {
    const release = await acquireLock(ctx.redis, reconcileKeys(ctx.config.QUEUE_PREFIX).lock, RUN_LEASE_MS);
    if (!release) {
      ctx.log.info({ jobId: job.id }, 'reconcile skipped: another run is in progress');
      return { skipped: true };
    }
    try {
      // A run asked for through the API carries its own dry-run flag and returns the whole report.
      const onDemand = isOnDemandReconcile(job.data) ? job.data : null;
      const report = await runReconcile(
        onDemand ? { ...ctx, options: { ...ctx.options, dryRun: onDemand.dryRun } } : ctx,
      );
      if (onDemand) return report;
      return {
        driftFound: report.driftFound,
        repaired: report.repaired,
        deleted: report.deleted,
        reenqueued: report.reenqueued,
        failed: report.failed,
        slotsFreed: report.slotsFreed,
        ms: report.durationMs,
      };
    } finally {
      await release();
    }
  };
}
