import { UnrecoverableError, Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../test/support/redis-namespace.js';
import { makeInstanceQueue } from './queues.js';
import { makeRedis } from './redis.js';

describe('instance queue', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let queue: ReturnType<typeof makeInstanceQueue>;
  beforeEach(() => {
    ns = makeTestNamespace();
    queue = makeInstanceQueue(ns.redis, ns.prefix, { attempts: 1, backoffBaseMs: 10 });
  });
  afterEach(async () => {
    await queue.close();
    await ns.cleanup();
  });

  const payload = { instanceId: 'abcdefghijkl', requestId: 'r1' };

  it('makes a repeated delete a no-op while the first is pending', async () => {
    await queue.enqueueDelete(payload);
    await queue.enqueueDelete(payload);
    expect(await queue.queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('retries a delete that failed for good when asked again', async () => {
    await queue.enqueueDelete(payload);
    const connection = makeRedis('redis://127.0.0.1:6379');
    const worker = new Worker(
      queue.queue.name,
      async () => {
        throw new UnrecoverableError('AccessDenied');
      },
      { connection, prefix: ns.prefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    await connection.quit();
    expect(await queue.queue.getJobCounts('failed', 'waiting')).toMatchObject({ failed: 1, waiting: 0 });

    await queue.enqueueDelete(payload);
    expect(await queue.queue.getJobCounts('failed', 'waiting')).toMatchObject({ failed: 0, waiting: 1 });
  });
});
