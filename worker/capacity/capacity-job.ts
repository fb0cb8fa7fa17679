import type { Job } from 'bullmq';
import type { ScheduledJob } from '../jobs/scheduled-worker.js';
import type { CapacityContext, SampleOutcome } from './sample-capacity.js';

export const CAPACITY_SCHEDULER_ID = 'sample-capacity';

/** The capacity sampler: one sample per SAMPLE_INTERVAL_MS tick across all workers, one at a time. */
export function capacitySampler(ctx: CapacityContext): ScheduledJob {
  // The sampler (and the EC2/Auto Scaling SDKs it imports, ~80 MB resident) loads on the first tick,
  // not at boot: a worker busy provisioning pays for it only once it samples.
  let processor: Promise<(job: Job) => Promise<SampleOutcome>> | null = null;
  const sample = async (job: Job): Promise<SampleOutcome> => {
    processor ??= import('./sample-capacity.js').then((m) => m.makeCapacityProcessor(ctx));
    return (await processor)(job);
  };
  return {
    label: 'capacity',
    schedule: {
      id: CAPACITY_SCHEDULER_ID,
      jobName: 'sample-capacity',
      everyMs: ctx.config.SAMPLE_INTERVAL_MS,
    },
    processor: sample,
  };
}
