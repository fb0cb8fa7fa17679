import type { Redis } from 'ioredis';
import type { makeKeys } from '../store/keys.js';
import { storeScripts } from '../store/scripts.js';
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
  const scripts = storeScripts(redis);
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

    /** Forgets the instance in the owed set once every endpoint is past its last event. */
    async forgetIfSettled(instanceId: string, endpoints: readonly string[]): Promise<boolean> {
      const keysOf = [keys.webhookLog(instanceId), keys.webhookNext(instanceId), keys.webhookOwed];
      return (await scripts.forgetSettledWebhooks(...keysOf, instanceId, ...endpoints)) === 1;
    },

    /** Instances whose newest event is older than `beforeMs` and that may still be owed something. */
    owedBefore: (beforeMs: number, limit: number) =>
      redis.zrangebyscore(keys.webhookOwed, '-inf', beforeMs, 'LIMIT', 0, limit),

    /** Per endpoint, the next sequence owed, and the log's length. */
    async lag(instanceId: string, endpoints: readonly string[]) {
      const [length, next] = await Promise.all([
        redis.llen(keys.webhookLog(instanceId)),
        endpoints.length > 0 ? redis.hmget(keys.webhookNext(instanceId), ...endpoints) : Promise.resolve([]),
      ]);
      return { length, next: endpoints.map((endpoint, i) => ({ endpoint, next: Number(next[i] ?? 1) })) };
    },

    /** Every event with its delivery state and attempts per endpoint (configured ones, and any seen). */
    read: (instanceId: string, configured: readonly WebhookEndpoint[]) =>
      readDeliveries(redis, keys, instanceId, configured),
  };
}
export type DeliveryLog = ReturnType<typeof makeDeliveryLog>;

/** The events of one instance as `GET /v1/instances/{id}/deliveries` shows them. */
async function readDeliveries(
  redis: Redis,
  keys: Keys,
  instanceId: string,
  configured: readonly WebhookEndpoint[],
) {
  const [bodies, nextByEndpoint, attemptLines] = await Promise.all([
    redis.lrange(keys.webhookLog(instanceId), 0, -1),
    redis.hgetall(keys.webhookNext(instanceId)),
    redis.lrange(keys.webhookAttempts(instanceId), 0, -1),
  ]);
  const attempts = attemptLines.map((line) => JSON.parse(line) as DeliveryAttempt);
  const endpoints = configured.map((e) => ({ key: e.key, origin: e.origin as string | null }));
  for (const key of new Set([...attempts.map((a) => a.endpoint), ...Object.keys(nextByEndpoint)])) {
    if (!key.includes(':') && !endpoints.some((e) => e.key === key)) endpoints.push({ key, origin: null });
  }
  const events = bodies.map((body) => {
    const event = JSON.parse(body) as LoggedEvent;
    return {
      ...event,
      deliveries: endpoints.map((endpoint) => {
        const tries = attempts.filter((a) => a.endpoint === endpoint.key && a.sequence === event.sequence);
        const settled = Number(nextByEndpoint[endpoint.key] ?? 1) > event.sequence;
        return {
          endpoint: endpoint.key,
          state: deliveryState(settled, tries),
          attempts: tries.map(attemptView),
        };
      }),
    };
  });
  return { endpoints, events };
}

function deliveryState(
  settled: boolean,
  tries: readonly DeliveryAttempt[],
): 'pending' | 'delivered' | 'expired' {
  if (!settled) return 'pending';
  return tries[tries.length - 1]?.outcome === 'expired' ? 'expired' : 'delivered';
}

const attemptView = ({ attempt, at, durationMs, outcome, statusCode, error }: DeliveryAttempt) => ({
  attempt,
  at,
  durationMs,
  outcome,
  statusCode,
  error,
});
