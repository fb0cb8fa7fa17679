import type { Queue } from 'bullmq';
import type { DurationHistograms } from './duration-histograms.js';

/** The newest finished jobs looked at per queue and tick: more than finish between two ticks. */
const JOB_WINDOW = 200;

/**
 * Feeds the BullMQ job-duration histograms (processedOn to finishedOn) from finished jobs still in
 * retention, each counted once across ticks and processes. The worker's capacity tick calls it, so
 * a /metrics scrape only reads the buckets. Returns how many durations were added.
 */
export async function observeJobDurations(
  histograms: DurationHistograms,
  queues: readonly Queue[],
): Promise<number> {
  let added = 0;
  for (const q of queues) {
    const jobs = await q.getJobs(['completed', 'failed'], 0, JOB_WINDOW - 1);
    for (const job of jobs) {
      if (!job?.processedOn || !job.finishedOn) continue;
      const seconds = (job.finishedOn - job.processedOn) / 1000;
      const id = `${job.id}:${job.finishedOn}`;
      if (await histograms.observe(`job:${q.name}:${job.name}`, id, seconds, job.finishedOn)) added++;
    }
  }
  return added;
}
