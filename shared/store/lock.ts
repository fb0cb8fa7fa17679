import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { storeScripts } from './scripts.js';

/** Calling it releases the lock; `renew` extends the lease and answers false once the lock was lost. */
export type Lock = (() => Promise<void>) & { renew(ttlMs?: number): Promise<boolean> };

/**
 * A lease on one key across every process (SET NX PX with a token of our own). Release and renew act
 * only while the token is still ours, so a holder whose lease ran out never frees or extends the lock
 * of whoever took it next. Null when someone else holds it.
 */
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<Lock | null> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
  const scripts = storeScripts(redis);
  const release = async () => {
    await scripts.releaseLock(key, token);
  };
  return Object.assign(release, {
    async renew(renewTtlMs: number = ttlMs): Promise<boolean> {
      return (await scripts.renewLock(key, token, String(renewTtlMs))) === 1;
    },
  });
}
