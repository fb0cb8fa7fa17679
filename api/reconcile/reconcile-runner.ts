import { randomUUID } from 'node:crypto';
import { type Job, type Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  isOnDemandReconcile,
  type OnDemandReconcile,
  type OnDemandResult,
} from '../../shared/reconcile-report.js';

export type RunOutcome =
  | { state: 'completed'; jobId: string; result: OnDemandResult }
  | { state: 'failed'; jobId: string }
  | { state: 'running'; jobId: string };

/**
 * Runs the reconciler now by enqueueing a job on the `reconcile` queue, which a worker runs: the API
 * never calls AWS. Waits for the job through QueueEvents (a blocking stream read, so it gets its own
 * connection, made on first use: most API processes never reconcile on demand).
 */
export function makeReconcileRunner(queue: Queue, connect: () => Redis) {
  let events: QueueEvents | null = null;
  let connection: Redis | null = null;
  async function queueEvents(): Promise<QueueEvents> {
    if (!events) {
      connection = connect();
      connection.on('error', () => {});
      events = new QueueEvents(queue.name, { connection, prefix: queue.opts.prefix ?? 'bull' });
      events.on('error', () => {});
    }
    await events.waitUntilReady();
    return events;
  }

  async function outcome(job: Job, waitMs: number): Promise<RunOutcome> {
    const jobId = job.id ?? '';
    try {
      const result = (await job.waitUntilFinished(await queueEvents(), waitMs)) as OnDemandResult;
      return { state: 'completed', jobId, result };
    } catch (error) {
      if (error instanceof Error && /timed out/i.test(error.message)) return { state: 'running', jobId };
      return { state: 'failed', jobId };
    }
  }

  return {
    /** Enqueues a run and waits up to `waitMs` for its report. */
    async run(dryRun: boolean, waitMs: number): Promise<RunOutcome> {
      await queueEvents();
      const data: OnDemandReconcile = { onDemand: true, dryRun };
      const job = await queue.add('reconcile', data, { jobId: `on-demand-${randomUUID()}`, attempts: 1 });
      // BullMQ reads a ttl of 0 as "no limit": not waiting at all is the caller's choice to poll.
      if (waitMs === 0) return { state: 'running', jobId: job.id ?? '' };
      return outcome(job, waitMs);
    },
    /** A run asked for earlier: its report once finished; null when no such on-demand job exists. */
    async read(jobId: string): Promise<RunOutcome | null> {
      // The state first, then the job: a job read while it ran has no return value, even if a state read
      // after it (the run finishing in between) says completed. BullMQ writes the value as it completes it.
      const state = await queue.getJobState(jobId);
      const job = await queue.getJob(jobId);
      if (!isOnDemandReconcile(job?.data)) return null;
      if (state === 'completed') return { state, jobId, result: job.returnvalue as OnDemandResult };
      if (state === 'failed') return { state, jobId };
      return { state: 'running', jobId };
    },
    async close(): Promise<void> {
      await events?.close();
      await connection?.quit().catch(() => connection?.disconnect());
    },
  };
}
export type ReconcileRunner = ReturnType<typeof makeReconcileRunner>;
