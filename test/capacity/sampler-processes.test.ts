import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { makeQueue } from '../../shared/queues.js';
import type { SampleOutcome } from '../../worker/capacity/sample-capacity.js';
import { type ChildWorker, spawnWorker } from '../support/child-worker.js';
import { pipelineEnv, TINY_TIME_SCALE } from '../support/pipeline.js';
import { makeTestNamespace } from '../support/redis-namespace.js';

const INTERVAL_MS = 500;

/** Issue 4: two worker processes, each registering the scheduler at boot, produce one sample per tick. */
describe('capacity sampling across two worker processes', () => {
  const ns = makeTestNamespace();
  let cloud: Localcloud;
  const workers: ChildWorker[] = [];

  beforeAll(async () => {
    cloud = await startLocalcloud({ port: 0, timeScale: TINY_TIME_SCALE });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await cloud?.close();
    await ns.cleanup();
  });

  it('samples each tick once, whichever process takes it', async () => {
    const env = pipelineEnv({ ...cloud.ids }, ns.prefix, {
      LOG_LEVEL: 'info',
      SAMPLE_INTERVAL_MS: String(INTERVAL_MS),
    });
    workers.push(spawnWorker(env), spawnWorker(env));
    await Promise.all(workers.map((w) => w.ready()));
    const samples = makeSampleStore(ns.redis, { prefix: ns.prefix });
    const queue = makeQueue(QUEUE_NAMES.capacity, ns.redis, ns.prefix);
    const completed = async () =>
      (await queue.getJobs(['completed'], 0, -1)) as Job<unknown, SampleOutcome>[];
    const started = Date.now();
    const deadline = started + 30_000;
    // Eight samples, and a tick taken by each process: which process wins a tick is up to the queue, so
    // the test waits for both to have won one (bounded) rather than hoping eight ticks spread.
    const enough = async () =>
      (await samples.history(started - INTERVAL_MS, Date.now())).length >= 8 &&
      new Set((await completed()).map((j) => j.processedBy)).size === 2;
    while (!(await enough()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));

    const jobs = await completed();
    await queue.close();
    const sampled = jobs.filter((j) => j.returnvalue?.result === 'sampled').map((j) => j.returnvalue.bucket);
    expect(sampled.length).toBeGreaterThanOrEqual(8);
    // One sample per tick: no bucket sampled twice, each on the interval grid, and the store holds each once.
    expect(new Set(sampled).size).toBe(sampled.length);
    for (const bucket of sampled) expect(bucket % INTERVAL_MS).toBe(0);
    const history = (await samples.history(Math.min(...sampled), Math.max(...sampled))).map((p) => p.bucket);
    expect(new Set(history).size).toBe(history.length);
    for (const bucket of sampled) expect(history).toContain(bucket);
    // Both processes took ticks: the queue, not a leader election, spreads the work.
    const processedBy = new Set(jobs.map((j) => j.processedBy));
    expect(processedBy.size).toBe(2);
  });
});
