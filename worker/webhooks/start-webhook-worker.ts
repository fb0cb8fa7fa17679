import { type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { makeWebhookProcessor, type WebhookContext, webhookBackoff } from './deliver-processor.js';

/** Deliveries wait on receivers, not CPU: a slot is a pending request bounded by WEBHOOK_TIMEOUT_MS. */
const WEBHOOK_CONCURRENCY = 20;

/** A BullMQ worker on the `webhooks` queue; close() it on shutdown. */
export function startWebhookWorker(ctx: WebhookContext, connection: Redis, name?: string): Worker {
  const backoff = webhookBackoff(ctx.config);
  return new Worker(QUEUE_NAMES.webhooks, makeWebhookProcessor(ctx), {
    ...(name ? { name } : {}),
    connection,
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: WEBHOOK_CONCURRENCY,
    settings: { backoffStrategy: (attemptsMade) => backoff(attemptsMade) },
  });
}

export const WEBHOOK_SWEEP_SCHEDULER_ID = 'webhook-sweep';

/** The sweep's schedule (see sweep.ts): idempotent, so every worker registers it and there is one. */
export async function registerWebhookSweep(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    WEBHOOK_SWEEP_SCHEDULER_ID,
    { every: intervalMs },
    {
      name: 'sweep-webhooks',
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}
