import { type Job, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import type { CapacityContext, SampleOutcome } from './sample-capacity.js';

export const CAPACITY_SCHEDULER_ID = 'sample-capacity';

/**
 * Registers the sampling schedule once: upsertJobScheduler is idempotent, so every worker process can
 * call it at boot and there is still one schedule (and one job per tick).
 */
export async function registerCapacitySampler(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    CAPACITY_SCHEDULER_ID,
    { every: intervalMs },
    {
      name: 'sample-capacity',
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}

/** A BullMQ worker on the `capacity` queue running the sampler; close() it on shutdown. */
export function startCapacityWorker(ctx: CapacityContext, connection: Redis, name?: string): Worker {
  // The sampler (and the EC2/Auto Scaling SDKs it imports, ~80 MB resident) loads on the first tick,
  // not at boot: a worker busy provisioning pays for it only once it samples.
  let processor: Promise<(job: Job) => Promise<SampleOutcome>> | null = null;
  const sample = async (job: Job): Promise<SampleOutcome> => {
    processor ??= import('./sample-capacity.js').then((m) => m.makeCapacityProcessor(ctx));
    return (await processor)(job);
  };
  return new Worker(QUEUE_NAMES.capacity, sample, {
    ...(name ? { name } : {}),
    connection,
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: 1,
  });
}
