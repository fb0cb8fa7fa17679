import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNamespace, TEST_REDIS_URL } from '../../test/support/redis-namespace.js';
import { QUEUE_NAMES } from '../job-catalog.js';
import { makeQueue } from '../queues.js';
import { makeDurationHistograms } from './duration-histograms.js';
import { observeJobDurations } from './job-durations.js';

describe('job-duration histograms (fed by the worker tick, read by /metrics)', () => {
  const ns = makeTestNamespace();
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  afterEach(async () => {
    connection.disconnect();
    await ns.cleanup();
  });

  it('counts each finished job once, however often it is looked at', async () => {
    const queue = makeQueue(QUEUE_NAMES.capacity, connection, ns.prefix);
    const worker = new Worker(QUEUE_NAMES.capacity, async () => 'ok', {
      connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: ns.prefix,
    });
    try {
      await queue.add('sample-capacity', {});
      const deadline = Date.now() + 10_000;
      while (((await queue.getJobCounts('completed')).completed ?? 0) < 1) {
        if (Date.now() > deadline) throw new Error('the job did not complete within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      const histograms = makeDurationHistograms(ns.redis, ns.prefix);
      expect(await observeJobDurations(histograms, [queue])).toBe(1);
      expect(await observeJobDurations(histograms, [queue])).toBe(0);
      const snap = (await histograms.snapshot()).get(`job:${QUEUE_NAMES.capacity}:sample-capacity`);
      expect(snap?.count).toBe(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
