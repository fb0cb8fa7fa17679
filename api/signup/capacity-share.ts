import type { Redis } from 'ioredis';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { storeScripts } from '../../shared/store/scripts.js';

/**
 * The public page's share of the routing pool (SIGNUP_CAPACITY_SHARE of every listener's slots, which
 * are also the fleet's instances: one slot each), so strangers cannot take the room API creates need.
 * Instances made from the page are kept in a set; ones deleted since leave it before each count.
 */
export function makeCapacityShare(redis: Redis, store: InstanceStore, share: number) {
  const key = store.keys.signupHeld;
  const limit = async () => {
    const usage = await store.routingUsage();
    return Math.floor(share * usage.reduce((sum, l) => sum + l.capacity, 0));
  };
  /** Members whose instance is gone or deleted give their place back. */
  async function prune(): Promise<void> {
    const ids = await redis.smembers(key);
    if (ids.length === 0) return;
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(store.keys.instance(id), 'status');
    const statuses = (await pipeline.exec()) ?? [];
    const gone = ids.filter((_, i) => {
      const status = statuses[i]?.[1];
      return status === null || status === undefined || status === 'deleted';
    });
    if (gone.length > 0) await redis.srem(key, ...gone);
  }
  return {
    /** A place for a new instance `id`, or false when the page's share is full. */
    async reserve(id: string): Promise<boolean> {
      await prune();
      return (await storeScripts(redis).reservePlace(key, String(await limit()), id)) === 1;
    },
    release: (id: string) => redis.srem(key, id).then(() => undefined),
    async full(): Promise<boolean> {
      await prune();
      return (await redis.scard(key)) >= (await limit());
    },
  };
}
export type CapacityShare = ReturnType<typeof makeCapacityShare>;
