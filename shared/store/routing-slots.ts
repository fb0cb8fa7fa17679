import type { RoutingConfig } from '../config.js';
import type { InstanceRecord } from '../domain.js';
import { routingCapacity } from './routing-capacity.js';
import type { StoreCore } from './store-core.js';

/** The holder a routing slot gets when another rule on the listener took its priority. */
const BLOCKED = 'blocked';

/**
 * The routing pool's slot operations after a create took a slot (the create script allocates it):
 * give one back, move an instance off a slot whose priority another rule holds, free such a blocked
 * slot later, and count what each listener has left. Layout and invariants: lua/includes/slot-functions.lua.
 */
export function makeRoutingSlots({ redis, keys, scripts }: StoreCore, routing: RoutingConfig) {
  const capacity = routingCapacity(routing);
  const slotKeys = (listenerArn: string) => [keys.routing(listenerArn), keys.routingNext(listenerArn)];
  const release = async (listenerArn: string, slot: number, holder: string) =>
    (await scripts.releaseSlot(
      ...slotKeys(listenerArn),
      keys.routingFull,
      String(slot),
      holder,
      listenerArn,
    )) === 1;

  return {
    capacity,

    /** Gives the instance's slot back (only while the instance still holds it). */
    release: (instance: Pick<InstanceRecord, 'id' | 'listenerArn' | 'routingSlot'>) =>
      release(instance.listenerArn, instance.routingSlot, instance.id),

    /** Another rule outside the platform holds this slot's priority: block it and take the next free one. */
    async reassign(instance: InstanceRecord): Promise<number> {
      const slot = (await scripts.reassignSlot(
        ...slotKeys(instance.listenerArn),
        String(instance.routingSlot),
        instance.id,
        String(capacity),
      )) as number;
      if (slot >= 0) await redis.hset(keys.instance(instance.id), 'routingSlot', String(slot));
      return slot;
    },

    /** Slots blocked because something outside the platform held their priority (see reassign). */
    async blocked(listenerArn: string): Promise<number[]> {
      const held = await redis.hgetall(keys.routing(listenerArn));
      return Object.entries(held)
        .filter(([, holder]) => holder === BLOCKED)
        .map(([slot]) => Number(slot));
    },

    /** Gives a blocked slot back to the pool once its priority is free on the listener. */
    unblock: (listenerArn: string, slot: number) => release(listenerArn, slot, BLOCKED),

    /** Slots used and left per listener, for /v1/capacity and /metrics. */
    usage() {
      return Promise.all(
        routing.listeners.map(async (l) => {
          const used = await redis.hlen(keys.routing(l.listenerArn));
          return {
            listenerArn: l.listenerArn,
            dnsName: l.dnsName,
            used,
            capacity,
            free: Math.max(0, capacity - used),
          };
        }),
      );
    },
  };
}
