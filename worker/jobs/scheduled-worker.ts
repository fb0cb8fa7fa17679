import { type Processor, type Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';

/** A job a queue's scheduler makes once per interval across every worker process. */
export interface Schedule {
  /** The job scheduler's id: one schedule per id, however many processes register it. */
  id: string;
  jobName: string;
  everyMs: number;
}

/** What a scheduled worker runs: its schedule, its processor, and how many jobs at once (1 unless said). */
export interface ScheduledJob {
  /** Names the worker in its error log lines (`<label> worker error`). */
  label: string;
  schedule: Schedule;
  processor: Processor;
  concurrency?: number;
  settings?: WorkerOptions['settings'];
}

/**
 * Registers a schedule. upsertJobScheduler is idempotent, so every worker process calls it at boot and
 * there is still one schedule, one job per interval.
 */
export async function registerSchedule(queue: Queue, schedule: Schedule): Promise<void> {
  await queue.upsertJobScheduler(
    schedule.id,
    { every: schedule.everyMs },
    {
      name: schedule.jobName,
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}

/**
 * Registers the job's schedule on `queue`, then starts a BullMQ worker on that queue (its prefix too)
 * that runs the job's processor and logs its errors; close() it on shutdown.
 */
export async function startScheduledWorker(
  queue: Queue,
  job: ScheduledJob,
  options: { connection: Redis; log: Logger; name?: string },
): Promise<Worker> {
  await registerSchedule(queue, job.schedule);
  const worker = new Worker(queue.name, job.processor, {
    ...(options.name ? { name: options.name } : {}),
    connection: options.connection,
    prefix: queue.opts.prefix,
    concurrency: job.concurrency ?? 1,
    ...(job.settings ? { settings: job.settings } : {}),
  });
  worker.on('error', (error) => options.log.error({ reason: error.message }, `${job.label} worker error`));
  return worker;
}
