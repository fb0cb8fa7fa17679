import type { Logger } from '../../shared/logger.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';

/**
 * Runs `fn` holding the instance's lock, renewing the lease every third of it so a long step never
 * outlives it, while a crashed holder's lease lapses within `ttlMs`. Answers `{ locked: true }` without
 * running `fn` when another job holds the lock.
 */
export async function withInstanceLock<T>(
  store: InstanceStore,
  instanceId: string,
  ttlMs: number,
  log: Logger,
  fn: () => Promise<T>,
): Promise<{ locked: true } | { locked: false; value: T }> {
  const lock = await store.acquireLock(instanceId, ttlMs);
  if (!lock) return { locked: true };
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewal = renewal.then(async () => {
        try {
          if (!(await lock.renew(ttlMs))) log.warn('instance lock lost: another job may run this instance');
        } catch (error) {
          log.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            'instance lock renewal failed',
          );
        }
      });
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  try {
    return { locked: false, value: await fn() };
  } finally {
    clearInterval(timer);
    await renewal;
    await lock();
  }
}
