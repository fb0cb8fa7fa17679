import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import type { RolloutContext } from './rollout-context.js';
import { makeRolloutProcessor } from './rollout-processor.js';

/**
 * A BullMQ worker on the `rollouts` queue, one rollout at a time per process (only one is ever live). A
 * rollout waits on health gates in its job, so its lease is renewed while it runs; a killed worker's job is
 * taken over within about two leases and resumes from the checkpoints.
 */
export function startRolloutWorker(ctx: RolloutContext, connection: Redis, name?: string): Worker {
  const log = ctx.log.child({ queue: QUEUE_NAMES.rollouts });
  const worker = new Worker(QUEUE_NAMES.rollouts, makeRolloutProcessor({ ...ctx, log }), {
    ...(name ? { name } : {}),
    connection,
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: 1,
    lockDuration: ctx.config.JOB_LOCK_MS,
    stalledInterval: ctx.config.JOB_LOCK_MS,
    maxStalledCount: 5,
  });
  worker.on('error', (error) => log.error({ reason: error.message }, 'rollout worker error'));
  return worker;
}
