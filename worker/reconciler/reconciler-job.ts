import type { ScheduledJob } from '../jobs/scheduled-worker.js';
import type { ReconcileContext } from './reconcile-context.js';
import { makeReconcileProcessor } from './reconcile-processor.js';

export const RECONCILE_SCHEDULER_ID = 'reconcile';

/** The reconciler: one run per RECONCILE_INTERVAL_MS across all workers, one at a time per process. */
export function reconciler(ctx: ReconcileContext): ScheduledJob {
  return {
    label: 'reconcile',
    schedule: { id: RECONCILE_SCHEDULER_ID, jobName: 'reconcile', everyMs: ctx.config.RECONCILE_INTERVAL_MS },
    processor: makeReconcileProcessor(ctx),
  };
}
