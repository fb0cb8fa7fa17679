import { type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import type { ReconcileContext } from './reconcile-context.js';
import { makeReconcileProcessor } from './reconcile-processor.js';

export const RECONCILE_SCHEDULER_ID = 'reconcile';

/**
 * Registers the reconcile schedule: upsertJobScheduler is idempotent, so every worker process calls it
 * at boot and there is still one schedule, one job per interval.
 */
export async function registerReconciler(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: intervalMs },
    {
      name: 'reconcile',
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}

/** A BullMQ worker on the `reconcile` queue, one run at a time per process; close() it on shutdown. */
export function startReconcileWorker(ctx: ReconcileContext, connection: Redis, name?: string): Worker {
  return new Worker(QUEUE_NAMES.reconcile, makeReconcileProcessor(ctx), {
    ...(name ? { name } : {}),
    connection,
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: 1,
  });
}
