import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { isOnDemandReconcile, reconcileKeys } from '../../shared/reconcile-report.js';
import type { ReconcileContext } from './reconcile-context.js';
import { runReconcile } from './run-reconcile.js';

/** Longest a run may hold the run lock before another worker may start one (a crashed holder's lease). */
const RUN_LEASE_MS = 10 * 60_000;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The `reconcile` queue's processor. The job scheduler makes one job per interval across all workers;
 * the run lock also keeps a run that outlasts the interval from overlapping the next one.
 */
export function makeReconcileProcessor(ctx: ReconcileContext) {
  return async function processReconcile(job: Job): Promise<unknown> {
    const lockKey = reconcileKeys(ctx.config.QUEUE_PREFIX).lock;
    const token = randomUUID();
    if ((await ctx.redis.set(lockKey, token, 'PX', RUN_LEASE_MS, 'NX')) !== 'OK') {
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
      await ctx.redis.eval(releaseScript, 1, lockKey, token);
    }
  };
}
