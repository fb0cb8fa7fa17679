import type { Redis } from 'ioredis';
import type { makeKeys } from '../redis-keys.js';
import type { WebhookEndpoint } from './endpoints.js';

/** One try at sending one event to one endpoint, as `GET /v1/instances/{id}/deliveries` shows it. */
export interface DeliveryAttempt {
  sequence: number;
  eventId: string;
  endpoint: string;
  /** 1-based, per event and endpoint. */
  attempt: number;
  at: string;
  durationMs: number;
  /** `expired`: older than WEBHOOK_RETRY_WINDOW_MS when its turn came; given up, nothing sent. */
  outcome: 'delivered' | 'failed' | 'expired';
  statusCode: number | null;
  error: string | null;
}

/** A logged event, as the signed body holds it. */
export interface LoggedEvent {
  id: string;
  sequence: number;
  type: string;
  timestamp: string;
  data: Record<string, string | null>;
}

/** The attempts list keeps the newest this many: a receiver down for a day leaves a bounded trail. */
const MAX_ATTEMPTS_KEPT = 500;

type Keys = ReturnType<typeof makeKeys>;

/**
 * The webhook side of an instance in Redis: its event log (written by the store's transition script),
 * each endpoint's next owed sequence, and the attempts. The worker appends and advances; the API reads.
 */
export function makeDeliveryLog(redis: Redis, keys: Keys) {
  return {
    /** Every event body of the instance, oldest first (event n at index n - 1). */
    events: (instanceId: string) => redis.lrange(keys.webhookLog(instanceId), 0, -1),

    /** The next sequence this endpoint is owed (1 when it has been sent nothing). */
    async next(instanceId: string, endpoint: string): Promise<number> {
      return Number((await redis.hget(keys.webhookNext(instanceId), endpoint)) ?? 1);
    },

    /** Counts an attempt at an event; answers its 1-based number. */
    tryNumber: (instanceId: string, endpoint: string, sequence: number) =>
      redis.hincrby(keys.webhookNext(instanceId), `${endpoint}:${sequence}`, 1),

    /**
     * Records an attempt and, when it settled the event (delivered or expired), moves the endpoint past
     * it, in one round trip. A deleted instance's keys carry the record's expiry; keys made after it
     * copy it, so nothing outlives the record.
     */
    async record(instanceId: string, attempt: DeliveryAttempt): Promise<void> {
      const attempts = keys.webhookAttempts(instanceId);
      const next = keys.webhookNext(instanceId);
      const pipeline = redis
        .pipeline()
        .rpush(attempts, JSON.stringify(attempt))
        .ltrim(attempts, -MAX_ATTEMPTS_KEPT, -1);
      if (attempt.outcome !== 'failed') {
        pipeline.hset(next, attempt.endpoint, String(attempt.sequence + 1));
        pipeline.hdel(next, `${attempt.endpoint}:${attempt.sequence}`);
      }
      pipeline.pttl(keys.webhookLog(instanceId));
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error)?.[0];
      if (failed) throw failed;
      const ttl = Number(replies[replies.length - 1]?.[1] ?? -1);
      if (ttl > 0) await redis.pipeline().pexpire(attempts, ttl).pexpire(next, ttl).exec();
    },

    /** Every event with its delivery state and attempts per endpoint (configured ones, and any seen). */
    async read(instanceId: string, configured: readonly WebhookEndpoint[]) {
      const [bodies, nextByEndpoint, attemptLines] = await Promise.all([
        redis.lrange(keys.webhookLog(instanceId), 0, -1),
        redis.hgetall(keys.webhookNext(instanceId)),
        redis.lrange(keys.webhookAttempts(instanceId), 0, -1),
      ]);
      const attempts = attemptLines.map((line) => JSON.parse(line) as DeliveryAttempt);
      const endpoints = configured.map((e) => ({ key: e.key, origin: e.origin as string | null }));
      for (const key of new Set([...attempts.map((a) => a.endpoint), ...Object.keys(nextByEndpoint)])) {
        if (!key.includes(':') && !endpoints.some((e) => e.key === key))
          endpoints.push({ key, origin: null });
      }
      const events = bodies.map((body) => {
        const event = JSON.parse(body) as LoggedEvent;
        return {
          ...event,
          deliveries: endpoints.map((endpoint) => {
            const tries = attempts.filter(
              (a) => a.endpoint === endpoint.key && a.sequence === event.sequence,
            );
            const settled = Number(nextByEndpoint[endpoint.key] ?? 1) > event.sequence;
            const last = tries[tries.length - 1];
            const state: 'pending' | 'delivered' | 'expired' = !settled
              ? 'pending'
              : last?.outcome === 'expired'
                ? 'expired'
                : 'delivered';
            return {
              endpoint: endpoint.key,
              state,
              attempts: tries.map(({ attempt, at, durationMs, outcome, statusCode, error }) => ({
                attempt,
                at,
                durationMs,
                outcome,
                statusCode,
                error,
              })),
            };
          }),
        };
      });
      return { endpoints, events };
    },
  };
}
export type DeliveryLog = ReturnType<typeof makeDeliveryLog>;
