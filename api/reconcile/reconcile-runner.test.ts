import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestNamespace, TEST_REDIS_URL } from '../../test/support/redis-namespace.js';
import { makeReconcileRunner } from './reconcile-runner.js';

/**
 * A poll of a run that finishes between the runner's two reads (its state, its job) must not answer a
 * completed run without its report: the API turned that into a 500 for a run that had succeeded (seen
 * once in ten loaded suite runs). The queue is real; only the moment the run finishes is chosen, by
 * finishing it right after the runner's first read.
 */
describe('reconcile runner: a run finishing while it is read', () => {
  const ns = makeTestNamespace();
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue;
  let worker: Worker;
  let release: () => void = () => {};

  beforeAll(async () => {
    queue = new Queue('reconcile', { connection, prefix: ns.prefix });
    // Each job waits to be released, then answers a report.
    worker = new Worker(
      'reconcile',
      async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { dryRun: true, driftFound: 0, actions: [] };
      },
      { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix: ns.prefix },
    );
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await connection.quit();
    await ns.cleanup();
  });

  it('answers running or the report, never completed without it', async () => {
    const runner = makeReconcileRunner(
      queue,
      () => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
    );
    const { jobId } = await runner.run(true, 0);
    await expect.poll(async () => queue.getJobState(jobId)).toBe('active');
    // The run finishes just after the runner's first read of the queue, whichever read that is.
    const finished = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    const reads = { getJob: queue.getJob.bind(queue), getJobState: queue.getJobState.bind(queue) };
    let first = true;
    const finishAfterFirstRead =
      <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
      async (...args: A) => {
        const value = await read(...args);
        if (first) {
          first = false;
          release();
          await finished;
        }
        return value;
      };
    const racing = Object.assign(Object.create(queue) as Queue, {
      getJob: finishAfterFirstRead(reads.getJob),
      getJobState: finishAfterFirstRead(reads.getJobState),
    });
    const during = await makeReconcileRunner(racing, () => new Redis(TEST_REDIS_URL)).read(jobId);
    expect(during?.state).toBe('running');
    expect(await runner.read(jobId)).toEqual({
      state: 'completed',
      jobId,
      result: { dryRun: true, driftFound: 0, actions: [] },
    });
    await runner.close();
  });
});
