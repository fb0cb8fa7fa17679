import type { ScheduledJob } from '../jobs/scheduled-worker.js';
import { makeWebhookProcessor, type WebhookContext, webhookBackoff } from './deliver-processor.js';

/** Deliveries wait on receivers, not CPU: a slot is a pending request bounded by WEBHOOK_TIMEOUT_MS. */
const WEBHOOK_CONCURRENCY = 20;

export const WEBHOOK_SWEEP_SCHEDULER_ID = 'webhook-sweep';

/**
 * The `webhooks` queue's work: deliveries, enqueued per event, and the sweep (see sweep.ts), scheduled
 * once per WEBHOOK_SWEEP_INTERVAL_MS across all workers.
 */
export function webhookDeliveries(ctx: WebhookContext): ScheduledJob {
  const backoff = webhookBackoff(ctx.config);
  return {
    label: 'webhook',
    schedule: {
      id: WEBHOOK_SWEEP_SCHEDULER_ID,
      jobName: 'sweep-webhooks',
      everyMs: ctx.config.WEBHOOK_SWEEP_INTERVAL_MS,
    },
    processor: makeWebhookProcessor(ctx),
    concurrency: WEBHOOK_CONCURRENCY,
    settings: { backoffStrategy: (attemptsMade) => backoff(attemptsMade) },
  };
}
