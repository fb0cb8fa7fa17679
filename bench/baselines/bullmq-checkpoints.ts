import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BENCH_REDIS_URL } from '../support/redis-namespace.js';
import { summarize } from '../support/stats.js';

export interface CheckpointBaseline {
  jobsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  wallMs: number;
}

/**
 * Baseline for figures 2 and 6: what BullMQ itself does with `jobs` jobs added at once, each making
 * `checkpoints` `job.updateData` calls (spreading the old data, as our saga checkpoints do) and no other
 * work, at the worker's concurrency. Latency is enqueue -> completed, per job.
 */
export async function runCheckpointBaseline(options: {
  prefix: string;
  jobs: number;
  checkpoints: number;
  concurrency: number;
}): Promise<CheckpointBaseline> {
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('checkpoints', { connection, prefix: options.prefix });
  const latencies: number[] = [];
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const worker = new Worker(
    'checkpoints',
    async (job) => {
      for (let step = 0; step < options.checkpoints; step++) {
        await job.updateData({
          ...job.data,
          outputs: { ...job.data.outputs, [`step-${step}`]: { arn: `arn:aws:bench:${job.id}:${step}` } },
        });
      }
    },
    { connection: workerConnection, prefix: options.prefix, concurrency: options.concurrency },
  );
  worker.on('completed', (job) => {
    latencies.push(Date.now() - job.timestamp);
    if (latencies.length === options.jobs) resolveAll();
  });
  await worker.waitUntilReady();

  const t0 = Date.now();
  const batch = 500;
  for (let i = 0; i < options.jobs; i += batch) {
    await queue.addBulk(
      Array.from({ length: Math.min(batch, options.jobs - i) }, (_, k) => ({
        name: 'create',
        data: { instanceId: `bench${i + k}`, requestId: `req-${i + k}`, reason: 'bench', outputs: {} },
        opts: { jobId: `create-bench${i + k}-1`, removeOnComplete: true },
      })),
    );
  }
  await allDone;
  const wallMs = Date.now() - t0;
  await worker.close();
  await queue.close();
  await Promise.all([connection.quit(), workerConnection.quit()]);
  const stats = summarize(latencies);
  return { jobsPerSec: (options.jobs / wallMs) * 1000, p50Ms: stats.p50, p99Ms: stats.p99, wallMs };
}
