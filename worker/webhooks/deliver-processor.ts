import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '../../shared/config.js';
import { jobCatalog } from '../../shared/job-catalog.js';
import type { Logger } from '../../shared/logger.js';
import type { WebhookQueue } from '../../shared/queues.js';
import type { makeKeys } from '../../shared/store/keys.js';
import { acquireLock } from '../../shared/store/lock.js';
import { type DeliveryLog, type LoggedEvent, makeDeliveryLog } from '../../shared/webhooks/delivery-log.js';
import type { WebhookEndpoint } from '../../shared/webhooks/endpoints.js';
import type { Clock } from '../context.js';
import { sendWebhook } from './send-webhook.js';
import { webhookKey } from './sign.js';
import { sweepOwedWebhooks } from './sweep.js';

export interface WebhookContext {
  redis: Redis;
  keys: ReturnType<typeof makeKeys>;
  config: WorkerConfig;
  log: Logger;
  clock: Clock;
  endpoints: readonly WebhookEndpoint[];
  /** For the sweep, which enqueues deliveries whose enqueue was lost. */
  queue: WebhookQueue;
}

/** The lock outlives one send (bounded by WEBHOOK_TIMEOUT_MS) by this much, and is renewed per event. */
const LOCK_MARGIN_MS = 10_000;

/**
 * Delivers an instance's events to one endpoint, oldest first. Order comes from the per-instance event
 * sequence and one lock per instance and endpoint: whichever job holds it sends every event the endpoint
 * is owed, from the oldest, and stops at the first failure, which it rethrows so BullMQ retries it with
 * backoff. A later event's job finds the lock held (and is delayed, spending no attempt) or the event
 * already sent. So an event is never sent before an earlier one of its instance has been delivered or
 * given up, and a receiver that comes back gets the backlog in order. At least once: a crash between a
 * 2xx and the cursor's advance sends that event again, under the same `webhook-id`.
 */
export function makeWebhookProcessor(ctx: WebhookContext) {
  const log = makeDeliveryLog(ctx.redis, ctx.keys);
  const secret = ctx.config.WEBHOOK_SECRET?.reveal();
  const key = secret ? webhookKey(secret) : null;
  return async function processWebhookJob(job: Job, token?: string): Promise<unknown> {
    if (job.name === 'sweep-webhooks') return sweepOwedWebhooks(ctx, log);
    const parsed = jobCatalog['deliver-webhook'].schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('webhook job payload does not parse');
    const { instanceId, endpoint: endpointKey, sequence } = parsed.data;
    const endpoint = ctx.endpoints.find((e) => e.key === endpointKey);
    if (!endpoint || !key) return { skipped: 'endpoint no longer configured' };

    const lockMs = ctx.config.WEBHOOK_TIMEOUT_MS + LOCK_MARGIN_MS;
    const lock = await acquireLock(ctx.redis, ctx.keys.webhookLock(instanceId, endpointKey), lockMs);
    if (!lock) {
      await job.moveToDelayed(Date.now() + 250 + Math.floor(Math.random() * 750), token);
      throw new DelayedError();
    }
    try {
      let next = await log.next(instanceId, endpointKey);
      if (next > sequence) return { delivered: 'by an earlier job' };
      const bodies = await log.events(instanceId);
      let sent = 0;
      for (; next <= bodies.length; next++) {
        await lock.renew();
        const delivered = await deliverOne(ctx, log, {
          instanceId,
          endpoint,
          key,
          body: bodies[next - 1]!,
          job,
        });
        if (delivered) sent++;
      }
      // Nothing owed to any endpoint any more: the sweep need not look at this instance.
      await log.forgetIfSettled(
        instanceId,
        ctx.endpoints.map((e) => e.key),
      );
      return { sent, through: next - 1 };
    } finally {
      await lock();
    }
  };
}

/** Sends one event (or gives it up when too old); true when sent, throws when the receiver failed it. */
async function deliverOne(
  ctx: WebhookContext,
  log: DeliveryLog,
  input: { instanceId: string; endpoint: WebhookEndpoint; key: Buffer; body: string; job: Job },
): Promise<boolean> {
  const { instanceId, endpoint, body } = input;
  const event = JSON.parse(body) as LoggedEvent;
  const now = ctx.clock.now();
  const attempt = await log.tryNumber(instanceId, endpoint.key, event.sequence);
  const base = { sequence: event.sequence, eventId: event.id, endpoint: endpoint.key, attempt };
  const jobLog = ctx.log.child({
    instanceId,
    eventId: event.id,
    type: event.type,
    endpoint: endpoint.origin,
  });
  if (now - Date.parse(event.timestamp) > ctx.config.WEBHOOK_RETRY_WINDOW_MS) {
    await log.record(instanceId, {
      ...base,
      at: new Date(now).toISOString(),
      durationMs: 0,
      outcome: 'expired',
      statusCode: null,
      error: 'retry window passed',
    });
    jobLog.error({ attempt }, 'webhook given up: older than WEBHOOK_RETRY_WINDOW_MS');
    return false;
  }
  const result = await sendWebhook({
    url: endpoint.url,
    key: input.key,
    id: event.id,
    body,
    timeoutMs: ctx.config.WEBHOOK_TIMEOUT_MS,
    now: () => ctx.clock.now(),
  });
  await log.record(instanceId, {
    ...base,
    at: new Date(now).toISOString(),
    durationMs: result.durationMs,
    outcome: result.ok ? 'delivered' : 'failed',
    statusCode: result.statusCode,
    error: result.error,
  });
  if (result.ok) {
    jobLog.info({ attempt, statusCode: result.statusCode, ms: result.durationMs }, 'webhook delivered');
    return true;
  }
  jobLog.warn({ attempt, reason: result.error, willRetry: true }, 'webhook not delivered');
  throw new Error(`webhook ${event.id} to ${endpoint.origin}: ${result.error}`);
}

/** Exponential from WEBHOOK_BACKOFF_BASE_MS, capped at WEBHOOK_BACKOFF_MAX_MS, with +-25 % jitter. */
export function webhookBackoff(config: WorkerConfig) {
  return (attemptsMade: number): number => {
    const exponential = config.WEBHOOK_BACKOFF_BASE_MS * 2 ** Math.min(Math.max(attemptsMade - 1, 0), 30);
    const capped = Math.min(exponential, config.WEBHOOK_BACKOFF_MAX_MS);
    return Math.round(capped * (0.75 + Math.random() * 0.5));
  };
}
