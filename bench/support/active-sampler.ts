import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BENCH_REDIS_URL } from './redis-namespace.js';

/**
 * Samples the instances queue's active-job count every `intervalMs` (BullMQ's own count, across every
 * worker process), to show waiting instances hold no worker slot.
 */
export function sampleActiveJobs(prefix: string, intervalMs = 100) {
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('instances', { connection, prefix });
  const samples: number[] = [];
  let delayedMax = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.all([queue.getActiveCount(), queue.getDelayedCount()])
      .then(([active, delayed]) => {
        samples.push(active);
        delayedMax = Math.max(delayedMax, delayed);
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  let stopped: Promise<{ maxActive: number; samples: number; maxDelayed: number }> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await queue.close();
        await connection.quit();
        return {
          maxActive: samples.length ? Math.max(...samples) : 0,
          samples: samples.length,
          maxDelayed: delayedMax,
        };
      })();
      return stopped;
    },
  };
}
