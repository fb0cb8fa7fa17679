import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { makeQueue } from '../../shared/queues.js';
import { CAPACITY_SCHEDULER_ID, capacitySampler } from '../../worker/capacity/capacity-job.js';
import { makeCapacityProcessor, type SampleOutcome } from '../../worker/capacity/sample-capacity.js';
import { registerSchedule, startScheduledWorker } from '../../worker/jobs/scheduled-worker.js';
import { TEST_REDIS_URL } from '../support/redis-namespace.js';
import { startFleetHarness } from './fleet-harness.js';

const INTERVAL = 250;

describe('several sampler processes produce exactly one sample per tick', () => {
  let h: Awaited<ReturnType<typeof startFleetHarness>>;
  beforeAll(async () => {
    h = await startFleetHarness(5);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('two processors racing for one bucket: one samples, the other skips', async () => {
    const config = {
      QUEUE_PREFIX: h.ns.prefix,
      ECS_CLUSTER: h.lc.ids.ECS_CLUSTER,
      CAPACITY_PROVIDER: h.lc.ids.CAPACITY_PROVIDER,
      ASG_NAME: h.lc.ids.ASG_NAME,
      SAMPLE_INTERVAL_MS: 60_000,
      COST_PRICES_FILE: undefined,
    };
    const a = makeCapacityProcessor({ aws: h.aws, redis: h.ns.redis, store: h.store, config, log: h.log });
    const b = makeCapacityProcessor({ aws: h.aws, redis: h.ns.redis, store: h.store, config, log: h.log });
    // An hour back: a tick the next test's scheduler (same prefix) can never reach, so this claim never
    // turns one of its ticks into a skip.
    const bucket = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    const job = { id: 'x', data: {}, timestamp: bucket, delay: 0 } as unknown as Job;
    const results = await Promise.all([a(job), b(job), a(job), b(job)]);
    expect(results.map((r) => r.result).sort()).toEqual(['sampled', 'skipped', 'skipped', 'skipped']);
    expect(await h.samples.history(bucket, bucket)).toHaveLength(1);
  });

  it('two BullMQ workers and a scheduler registered by both: one sample per tick', async () => {
    const connections = [0, 1, 2, 3].map(() => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }));
    const queues = [
      makeQueue(QUEUE_NAMES.capacity, connections[0]!, h.ns.prefix),
      makeQueue(QUEUE_NAMES.capacity, connections[1]!, h.ns.prefix),
    ];
    const config = {
      QUEUE_PREFIX: h.ns.prefix,
      ECS_CLUSTER: h.lc.ids.ECS_CLUSTER,
      CAPACITY_PROVIDER: h.lc.ids.CAPACITY_PROVIDER,
      ASG_NAME: h.lc.ids.ASG_NAME,
      SAMPLE_INTERVAL_MS: INTERVAL,
      COST_PRICES_FILE: undefined,
    };
    const outcomes: SampleOutcome[][] = [[], []];
    const ctx = { aws: h.aws, redis: h.ns.redis, store: h.store, config, log: h.log };
    const workers: Worker[] = [];
    try {
      // Both processes register at boot, as each worker process does: the schedule is upserted, not
      // duplicated, and registering it once more still leaves one.
      for (const i of [0, 1]) {
        // Each process has its own sampler, as two worker processes do.
        const w = await startScheduledWorker(queues[i]!, capacitySampler(ctx), {
          connection: connections[2 + i]!,
          log: h.log,
        });
        w.on('completed', (_job: Job, result: SampleOutcome) => outcomes[i]!.push(result));
        workers.push(w);
      }
      await registerSchedule(queues[0]!, capacitySampler(ctx).schedule);
      expect(await queues[0]!.getJobSchedulersCount()).toBe(1);
      await h.waitFor(async () => outcomes.flat().filter((o) => o.result === 'sampled').length >= 8, {
        what: 'eight samples',
        timeoutMs: 20_000,
      });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await queues[0]!.removeJobScheduler(CAPACITY_SCHEDULER_ID);
      await Promise.all(queues.map((q) => q.close()));
      await Promise.all(connections.map((c) => c.quit()));
    }
    const all = outcomes.flat();
    const sampled = all.filter((o) => o.result === 'sampled' || o.result === 'gap');
    const buckets = sampled.map((o) => o.bucket);
    // Every tick is a distinct bucket, one interval apart, and each was written once.
    expect(new Set(buckets).size).toBe(buckets.length);
    for (const b of buckets) expect(b % INTERVAL).toBe(0);
    const history = (await h.samples.history(Math.min(...buckets), Math.max(...buckets))).map(
      (p) => p.bucket,
    );
    // The store holds each tick once. A job that finished while its worker closed has no 'completed'
    // event here, so the store may hold a tick the listeners missed, never one twice.
    expect(new Set(history).size).toBe(history.length);
    for (const b of buckets) expect(history).toContain(b);
    // A re-upserted schedule can hand out a second job for a tick already sampled: the claim skips it.
    for (const skipped of all.filter((o) => o.result === 'skipped'))
      expect(buckets).toContain(skipped.bucket);
  });
});
