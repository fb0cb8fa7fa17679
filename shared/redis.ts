import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ and the instance store. `maxRetriesPerRequest: null` is what BullMQ
 * requires of blocking connections; commands wait for a reconnect instead of failing mid-job.
 * `autoPipelining` sends the commands issued in one event-loop tick as one write: for a connection
 * many concurrent requests share (the API's), never for a blocking one.
 */
export function makeRedis(
  url: string,
  options: { name?: string; lazy?: boolean; autoPipelining?: boolean } = {},
): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    lazyConnect: options.lazy ?? false,
    ...(options.name ? { connectionName: options.name } : {}),
  });
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
