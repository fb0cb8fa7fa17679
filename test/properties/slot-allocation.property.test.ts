import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newInstanceId } from '../../shared/naming.js';
import { makeRedis } from '../../shared/redis.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../support/redis-namespace.js';

const routing = {
  listeners: [
    { listenerArn: 'arn:listener/a', dnsName: 'a.example' },
    { listenerArn: 'arn:listener/b', dnsName: 'b.example' },
  ],
  rulesPerListener: 5,
  targetGroupsPerAlb: 6,
  margin: 1,
};
/** min(5, 6) - 1 per listener, two listeners. */
const CAPACITY = 8;

/** One step of a run: a batch of creates and deletes sent together, from several connections. */
const batch = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('create' as const), via: fc.nat(2) }),
    fc.record({ op: fc.constant('delete' as const), via: fc.nat(2), pick: fc.nat() }),
    fc.record({ op: fc.constant('reassign' as const), via: fc.nat(2), pick: fc.nat() }),
  ),
  { minLength: 1, maxLength: 8 },
);

/**
 * Routing slots under random interleavings of concurrent creates, deletes and reassignments (PriorityInUse),
 * from three connections on real Redis: no slot (rule priority) is ever held by two live instances, none
 * is at or above capacity, and none is lost: after every batch the live instances plus the free and
 * blocked slots account for the whole capacity, and a create succeeds whenever a slot is free.
 */
describe('routing slot allocation, property', () => {
  it('never hands one slot to two instances and never loses one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), async (batches) => {
        const ns = makeTestNamespace();
        const connections = [ns.redis, makeRedis(TEST_REDIS_URL), makeRedis(TEST_REDIS_URL)];
        const stores = connections.map((redis) => makeInstanceStore(redis, { prefix: ns.prefix, routing }));
        const live = new Map<string, { id: string; userId: string; slot: string }>();
        let blocked = 0;
        try {
          for (const steps of batches) {
            const liveBefore = [...live.keys()];
            const taken = new Set<string>();
            await Promise.all(
              steps.map(async (step) => {
                const store = stores[step.via]!;
                if (step.op === 'create') {
                  const id = newInstanceId();
                  const userId = `u-${id}`;
                  const created = await store.create({
                    id,
                    userId,
                    email: 'e',
                    requestId: 'r',
                    sealed: { gatewayToken: 's' },
                  });
                  if (created.kind === 'created') {
                    const i = created.instance;
                    live.set(id, { id, userId, slot: `${i.listenerArn}#${i.routingSlot}` });
                  }
                  return;
                }
                const candidates = liveBefore.filter((id) => !taken.has(id));
                if (candidates.length === 0) return;
                const id = candidates[step.pick % candidates.length]!;
                taken.add(id);
                const record = (await store.get(id))!;
                if (step.op === 'delete') {
                  await store.markDeleted(record);
                  live.delete(id);
                } else {
                  const slot = await store.reassignRoutingSlot(record);
                  // The old slot is blocked for good; the instance holds the new one, or none when full.
                  blocked += 1;
                  if (slot >= 0) live.set(id, { ...live.get(id)!, slot: `${record.listenerArn}#${slot}` });
                  else live.delete(id);
                }
              }),
            );
            // No slot held twice, and the store's own count agrees with what it handed out.
            const slots = [...live.values()].map((i) => i.slot);
            expect(new Set(slots).size).toBe(slots.length);
            for (const s of slots) expect(Number(s.split('#')[1])).toBeLessThan(CAPACITY / 2);
            const used = (await stores[0]!.routingUsage()).reduce((n, l) => n + l.used, 0);
            expect(used).toBe(live.size + blocked);
          }
          // Nothing lost: the pool fills exactly to capacity minus blocked slots, then refuses.
          let more = 0;
          for (;;) {
            const id = newInstanceId();
            const created = await stores[0]!.create({
              id,
              userId: `u-${id}`,
              email: 'e',
              requestId: 'r',
              sealed: { gatewayToken: 's' },
            });
            if (created.kind !== 'created') break;
            more += 1;
            if (more > CAPACITY) throw new Error('handed out more slots than the pool has');
          }
          expect(live.size + blocked + more).toBe(CAPACITY);
        } finally {
          await Promise.all(connections.slice(1).map((c) => c.quit()));
          await ns.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
