import type { DeliveryLog } from '../../shared/webhooks/delivery-log.js';
import type { WebhookContext } from './deliver-processor.js';

/** Instances looked at per sweep: the set holds only those with events owed, normally a handful. */
const SWEEP_BATCH = 1000;

/**
 * The safety net behind the enqueue that follows each transition: if a process died (or Redis went away)
 * between logging an event and enqueueing its delivery, and no later event of that instance came to
 * carry it, the event would wait forever. Every WEBHOOK_SWEEP_INTERVAL_MS this enqueues, for each
 * instance whose newest event is older than one interval, the delivery each endpoint is still owed. Job
 * ids are per event and endpoint, so a delivery already queued (or in backoff) makes this a no-op.
 */
export async function sweepOwedWebhooks(ctx: WebhookContext, log: DeliveryLog) {
  const endpoints = ctx.endpoints.map((e) => e.key);
  const owed = await log.owedBefore(ctx.clock.now() - ctx.config.WEBHOOK_SWEEP_INTERVAL_MS, SWEEP_BATCH);
  let enqueued = 0;
  for (const instanceId of owed) {
    const { length, next } = await log.lag(instanceId, endpoints);
    const behind = next.filter((e) => e.next <= length);
    if (behind.length === 0) {
      await log.forgetIfSettled(instanceId, endpoints);
      continue;
    }
    for (const { endpoint, next: sequence } of behind) {
      await ctx.queue.enqueueFor({ instanceId, endpoint, sequence });
      enqueued++;
    }
  }
  if (enqueued > 0)
    ctx.log.info({ instances: owed.length, enqueued }, 'webhook sweep enqueued owed deliveries');
  return { instances: owed.length, enqueued };
}
