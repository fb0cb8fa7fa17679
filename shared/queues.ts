import { Queue, type QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type InstanceJobPayload,
  jobIds,
  QUEUE_NAMES,
  type QueueName,
  type WebhookJobPayload,
} from './job-catalog.js';
import type { WebhookEndpoint } from './webhooks/endpoints.js';

/**
 * The queues, one place. Completed jobs are kept for a day (Bull Board shows an instance's history),
 * failed ones for a week; both bounded so Redis does not grow without limit.
 */
export const defaultJobRetention = {
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

export function makeQueue(name: QueueName, connection: Redis, prefix: string): Queue {
  const options: QueueOptions = { connection, prefix, defaultJobOptions: defaultJobRetention };
  return new Queue(name, options);
}

/**
 * BullMQ serves jobs without a priority before prioritized ones. A new create waits at this priority;
 * work already in hand (a create whose saga polls placement or reachability, a repair, a delete) has
 * none, so a signup holding AWS resources never queues behind a burst of new ones. The worker drops
 * a create's priority when it first waits (worker/processors/instances.ts).
 */
export const NEW_CREATE_PRIORITY = 10;

/** `new`: a signup's first run, behind work in hand. `in-hand`: an instance that exists (repair, rotation). */
export type CreateUrgency = 'new' | 'in-hand';

export interface InstanceQueueOptions {
  attempts: number;
  backoffBaseMs: number;
}

/** Enqueues the jobs of the instance lifecycle with deterministic ids, so an enqueue repeated is a no-op. */
export function makeInstanceQueue(connection: Redis, prefix: string, options: InstanceQueueOptions) {
  const queue = makeQueue(QUEUE_NAMES.instances, connection, prefix);
  const retry = {
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: options.backoffBaseMs, jitter: 0.5 },
  };
  return {
    queue,
    enqueueCreate(payload: InstanceJobPayload, sequence: number, urgency: CreateUrgency = 'new') {
      return queue.add('create', payload, {
        jobId: jobIds.create(payload.instanceId, sequence),
        ...retry,
        ...(urgency === 'new' ? { priority: NEW_CREATE_PRIORITY } : {}),
      });
    },
    async enqueueDelete(payload: InstanceJobPayload) {
      const jobId = jobIds.delete(payload.instanceId);
      // A delete that failed for good keeps its id in the failed set, where a new add would be a no-op:
      // asking again retries it. Two processes may race here; the loser's retry finds it already moved.
      const previous = await queue.getJob(jobId);
      if (previous && (await previous.isFailed())) {
        await previous.retry('failed').catch(() => {});
        return previous;
      }
      return queue.add('delete', payload, { jobId, ...retry });
    },
    close: () => queue.close(),
  };
}
export type InstanceQueue = ReturnType<typeof makeInstanceQueue>;

/**
 * Webhook deliveries: one job per event and endpoint. Retries use the `webhook` backoff strategy the
 * webhook worker defines (exponential, capped); the attempts only bound the job, since the worker gives
 * an event up once it is older than WEBHOOK_RETRY_WINDOW_MS.
 */
export const WEBHOOK_JOB_ATTEMPTS = 500;

export function makeWebhookQueue(connection: Redis, prefix: string, endpoints: readonly WebhookEndpoint[]) {
  const queue = makeQueue(QUEUE_NAMES.webhooks, connection, prefix);
  const job = (payload: WebhookJobPayload) => ({
    name: 'deliver-webhook' as const,
    data: payload,
    opts: {
      jobId: jobIds.deliverWebhook(payload),
      attempts: WEBHOOK_JOB_ATTEMPTS,
      backoff: { type: 'webhook' },
    },
  });
  return {
    queue,
    /** Enqueues the delivery of an instance's event `sequence` to every endpoint. */
    async enqueue(instanceId: string, sequence: number) {
      await queue.addBulk(endpoints.map((e) => job({ instanceId, endpoint: e.key, sequence })));
    },
    /** One endpoint's delivery from `sequence` on (the sweep's); a no-op while that job exists. */
    async enqueueFor(payload: WebhookJobPayload) {
      await queue.addBulk([job(payload)]);
    },
    close: () => queue.close(),
  };
}
export type WebhookQueue = ReturnType<typeof makeWebhookQueue>;
