import type { InstanceRecord, Leftover } from '../domain.js';
import type { makeInstanceIndex } from './instance-index.js';
import type { makeTransitions } from './instance-transitions.js';
import { indexMember } from './keys.js';
import type { makeRoutingSlots } from './routing-slots.js';
import type { StoreCore } from './store-core.js';

/** Deleted records stay readable (GET answers `deleted`) for a while, then expire. */
export const DELETED_RETENTION_SECONDS = 30 * 24 * 3600;

/** The end of an instance, and the leftovers its delete could not remove, which the reconciler retries. */
export function makeDeleteEnd(
  core: StoreCore,
  parts: {
    slots: ReturnType<typeof makeRoutingSlots>;
    endTransition: ReturnType<typeof makeTransitions>['markDeleted'];
    index: ReturnType<typeof makeInstanceIndex>;
    retentionSeconds: number;
  },
) {
  const { redis, keys } = core;
  const { retentionSeconds } = parts;

  /** The record and its webhook history expire together; its index entries with them (sweepExpired). */
  async function expire(instance: InstanceRecord): Promise<void> {
    const member =
      (await redis.hget(keys.instance(instance.id), 'indexMember')) ??
      indexMember(Date.parse(instance.createdAt), instance.id);
    // Its webhook history stays readable (GET .../deliveries) as long as the record.
    const expiring = redis.multi();
    for (const key of [
      keys.instance(instance.id),
      keys.webhookLog(instance.id),
      keys.webhookNext(instance.id),
      keys.webhookAttempts(instance.id),
    ]) {
      expiring.expire(key, retentionSeconds);
    }
    await expiring.zadd(keys.indexExpiring, Date.now() + retentionSeconds * 1000, member).exec();
    await parts.index.sweepExpired();
  }

  return {
    /**
     * Ends an instance: frees its user and routing slot, forgets credentials, keeps the record a while.
     * Leftovers (housekeeping the delete could not do) go on the record and into the index the
     * reconciler retries from.
     */
    async markDeleted(instance: InstanceRecord, leftovers: readonly Leftover[] = []): Promise<void> {
      // The slot first: whoever sees `deleted` (a caller polling, the API's capacity) sees it free too.
      // Its AWS resources are gone by now, so a new instance may take the slot at once.
      await parts.slots.release(instance);
      const at = new Date().toISOString();
      const result = await parts.endTransition(instance.id, { instance, at, leftovers });
      if (!result.ok) return;
      if (leftovers.length > 0) await redis.hset(keys.leftovers, instance.id, JSON.stringify(leftovers));
      const pointer = keys.user(instance.userId);
      if ((await redis.get(pointer)) === instance.id) await redis.del(pointer);
      await expire(instance);
    },

    /** Every deleted instance's leftovers still to remove, by instance id. */
    async pendingLeftovers(): Promise<Map<string, Leftover[]>> {
      const raw = await redis.hgetall(keys.leftovers);
      return new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as Leftover[]]));
    },

    /** What is left of an instance's leftovers after a retry: none drops it from the index. */
    async updateLeftovers(id: string, remaining: readonly Leftover[]): Promise<void> {
      const json = JSON.stringify(remaining);
      const multi = redis.multi();
      if (remaining.length === 0) multi.hdel(keys.leftovers, id);
      else multi.hset(keys.leftovers, id, json);
      // Only on a record still kept (deleted ones expire): never a half-written hash.
      if ((await redis.hexists(keys.instance(id), 'id')) === 1)
        multi.hset(keys.instance(id), 'leftovers', json);
      await multi.exec();
    },
  };
}
