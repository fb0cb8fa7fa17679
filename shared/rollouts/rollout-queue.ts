import type { Redis } from 'ioredis';
import { jobIds, QUEUE_NAMES } from '../job-catalog.js';
import { makeQueue } from '../queues.js';

/**
 * The `rollouts` queue: one job per rollout. Its attempts cover a worker that dies or stops mid-rollout
 * (the next attempt resumes from the checkpoints); the rollout's own failures end it as a report, not as a
 * failed job.
 */
export function makeRolloutQueue(connection: Redis, prefix: string) {
  const queue = makeQueue(QUEUE_NAMES.rollouts, connection, prefix);
  return {
    queue,
    enqueue: (rolloutId: string) =>
      queue.add(
        'rollout',
        { rolloutId },
        {
          jobId: jobIds.rollout(rolloutId),
          attempts: 20,
          backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
        },
      ),
    /**
     * Wakes a paused rollout's delayed job now, so a resume or abort acts at once; a job that ran out of
     * attempts (a worker that kept failing) is run again, so an abort can still roll back.
     */
    async wake(rolloutId: string): Promise<void> {
      const job = await queue.getJob(jobIds.rollout(rolloutId));
      const state = await job?.getState();
      if (state === 'delayed') await job?.promote().catch(() => {});
      if (state === 'failed') await job?.retry('failed').catch(() => {});
    },
    close: () => queue.close(),
  };
}
export type RolloutQueue = ReturnType<typeof makeRolloutQueue>;
