import { Redis } from 'ioredis';

/** Reconnect backoff: 100 ms doubling to at most 2 s, forever (a process outlives a Redis restart). */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

export interface RedisOptions {
  name?: string;
  lazy?: boolean;
  autoPipelining?: boolean;
  /**
   * Fail a command instead of waiting for Redis: after `commandTimeoutMs`, or at the first reconnect
   * attempt. For connections an HTTP request waits on (the API's), so an outage answers 503 at once
   * instead of hanging for its length. Never for a BullMQ Worker's connection: its blocking commands
   * (BZPOPMIN) outlast any short timeout, and BullMQ requires `maxRetriesPerRequest: null` there.
   */
  failFast?: { commandTimeoutMs: number };
  /**
   * A bound on each command without failing at a reconnect: for the worker's store connection, whose
   * commands may wait out a short restart but must not hang a step for a whole outage.
   */
  commandTimeoutMs?: number;
}

/**
 * A Redis connection for BullMQ and the instance store. Without `failFast`, `maxRetriesPerRequest:
 * null` (what BullMQ requires of blocking connections): commands wait for a reconnect instead of
 * failing mid-job. `autoPipelining` sends the commands issued in one event-loop tick as one write: for
 * a connection many concurrent requests share (the API's), never for a blocking one.
 */
export function makeRedis(url: string, options: RedisOptions = {}): Redis {
  const timeout = options.failFast?.commandTimeoutMs ?? options.commandTimeoutMs;
  return new Redis(url, {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    ...(timeout ? { commandTimeout: timeout } : {}),
    retryStrategy: reconnectDelayMs,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    lazyConnect: options.lazy ?? false,
    ...(options.name ? { connectionName: options.name } : {}),
  });
}

/** Connection states in which a command cannot be sent now (the socket closed; reconnecting or given up). */
const DOWN_STATES = new Set(['close', 'reconnecting', 'end']);
export function isRedisDown(redis: Pick<Redis, 'status'>): boolean {
  return DOWN_STATES.has(redis.status);
}

/** The errors ioredis raises when Redis cannot be reached (as opposed to a command Redis refused). */
const UNAVAILABLE = [
  /^Command timed out$/,
  /^Connection is closed\.?$/,
  /enableOfflineQueue options is false/,
  /max retries per request/i,
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/,
];
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE.some((pattern) => pattern.test(error.message));
}

/** Resolves when Redis answers PING within the timeout, so a process can say clearly that none is running. */
export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timeout')), timeoutMs),
    );
    await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
