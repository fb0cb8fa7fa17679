import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../shared/config.js';
import { makeLogger } from '../../shared/logger.js';
import { newInstanceId } from '../../shared/naming.js';
import { makeInstanceQueue, NEW_CREATE_PRIORITY } from '../../shared/queues.js';
import { makeRedis } from '../../shared/redis.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../../test/support/redis-namespace.js';
import { type RunningWorker, startWorker } from '../start-worker.js';

/** A worker whose AWS endpoint answers nothing: these tests never get as far as AWS. */
function config(prefix: string) {
  return loadWorkerConfig({
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    ECS_CLUSTER: 'c',
    CAPACITY_PROVIDER: 'cp',
    ASG_NAME: 'asg',
    VPC_ID: 'vpc-1',
    SUBNET_IDS: 'subnet-1',
    SECURITY_GROUP_IDS: 'sg-1',
    EXECUTION_ROLE_ARN: 'arn:aws:iam::0:role/e',
    TASK_ROLE_ARN: 'arn:aws:iam::0:role/t',
    GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:1.0.0',
    LOG_GROUP: '/openclaw',
    DEFAULT_ANTHROPIC_API_KEY: 'sk-default',
    ALB_LISTENER_ARN: 'arn:aws:elasticloadbalancing:us-west-2:0:listener/app/a/1/2',
    ALB_DNS_NAME: 'alb.test',
    JOB_ATTEMPTS: '3',
    BACKOFF_BASE_MS: '10',
    JOB_LOCK_MS: '2000',
  });
}

describe('instances processor', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let worker: RunningWorker | undefined;
  let queueRedis: ReturnType<typeof makeRedis>;
  let queue: ReturnType<typeof makeInstanceQueue>;
  beforeEach(() => {
    ns = makeTestNamespace();
    queueRedis = makeRedis(TEST_REDIS_URL);
    queue = makeInstanceQueue(queueRedis, ns.prefix, { attempts: 3, backoffBaseMs: 10 });
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    await queueRedis.quit();
    await ns.cleanup();
  });

  it('fails a payload that no longer parses at once, without retrying it', async () => {
    const cfg = config(ns.prefix);
    worker = await startWorker(cfg, { logger: makeLogger({ level: 'silent', name: 't' }) });
    const job = await queue.queue.add('create', { instanceId: 'NOT-AN-ID', requestId: 'r' }, { attempts: 3 });
    await expect.poll(() => job.getState(), { timeout: 10_000 }).toBe('failed');
    const failed = await queue.queue.getJob(job.id!);
    expect(failed?.failedReason).toMatch(/payload does not parse: instanceId/);
    expect(failed?.attemptsMade).toBe(1);
  });

  it('delays a job while another holds the instance lock, spending no attempt and dropping its new-work priority, then runs it', async () => {
    const cfg = config(ns.prefix);
    const store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing: cfg.routing });
    const id = newInstanceId();
    const release = await store.acquireLock(id, 10_000);
    worker = await startWorker(cfg, { logger: makeLogger({ level: 'silent', name: 't' }) });
    const job = await queue.enqueueCreate({ instanceId: id, requestId: 'r' }, 1);
    expect(job.priority).toBe(NEW_CREATE_PRIORITY);
    await expect.poll(() => job.getState(), { timeout: 10_000 }).toBe('delayed');
    const delayed = await queue.queue.getJob(job.id!);
    expect(delayed?.attemptsMade).toBe(0);
    // Work in hand now: BullMQ serves jobs without a priority before every prioritized new create.
    expect(delayed?.priority).toBe(0);
    await release!();
    // No record exists for this id, so once it runs the create ends quietly.
    await expect.poll(() => job.getState(), { timeout: 10_000 }).toBe('completed');
    const done = await queue.queue.getJob(job.id!);
    expect(done?.returnvalue).toMatchObject({ superseded: true });
    expect(done?.attemptsMade).toBe(1);
  });
});
