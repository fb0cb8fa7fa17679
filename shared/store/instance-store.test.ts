import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace, TEST_REDIS_URL } from '../../test/support/redis-namespace.js';
import type { InstanceRecord } from '../domain.js';
import { newInstanceId } from '../naming.js';
import { type InstanceStore, makeInstanceStore } from './instance-store.js';

const routing = {
  listeners: [
    { listenerArn: 'arn:listener/a', dnsName: 'a.example' },
    { listenerArn: 'arn:listener/b', dnsName: 'b.example' },
  ],
  rulesPerListener: 4,
  targetGroupsPerAlb: 5,
  margin: 1,
};

describe('instance store', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let store: ReturnType<typeof makeInstanceStore>;
  beforeEach(() => {
    ns = makeTestNamespace();
    store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
  });
  afterEach(() => ns.cleanup());

  const create = (userId: string) =>
    store.create({
      id: newInstanceId(),
      userId,
      email: `${userId}@x.test`,
      requestId: 'r',
      sealed: { gatewayToken: 'sealed' },
    });

  it('gives concurrent creates distinct routing slots, fills listeners in order, then refuses', async () => {
    // capacity per listener = min(4, 5) - 1 = 3; two listeners = 6 instances.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create(`u${i}`)));
    const created = results.flatMap((r) => (r.kind === 'created' ? [r.instance] : []));
    expect(created).toHaveLength(6);
    expect(results.filter((r) => r.kind === 'no_routing_capacity')).toHaveLength(2);
    const slots = new Set(created.map((i) => `${i.listenerArn}#${i.routingSlot}`));
    expect(slots.size).toBe(6);
    expect(created.filter((i) => i.albDnsName === 'a.example')).toHaveLength(3);
    expect(created[0]!.url).toMatch(/^http:\/\/[ab]\.example\/[a-z2-7]{12}\/$/);
    expect(await store.routingUsage()).toEqual([
      { listenerArn: 'arn:listener/a', dnsName: 'a.example', used: 3, capacity: 3, free: 0 },
      { listenerArn: 'arn:listener/b', dnsName: 'b.example', used: 3, capacity: 3, free: 0 },
    ]);
  });

  it('returns the live instance for a repeated user, and a new one after deletion frees the slot', async () => {
    const first = await create('alice');
    const again = await create('alice');
    expect(first.kind).toBe('created');
    expect(again).toMatchObject({
      kind: 'exists',
      instance: { id: first.kind === 'created' ? first.instance.id : '' },
    });
    if (first.kind !== 'created') throw new Error('unreachable');
    await store.markDeleted(first.instance);
    expect((await store.get(first.instance.id))?.status).toBe('deleted');
    expect(await store.sealedCredentials(first.instance.id)).toBeNull();
    const next = await create('alice');
    expect(next.kind).toBe('created');
    if (next.kind === 'created') expect(next.instance.routingSlot).toBe(0);
  });

  it('pages newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await store.create({
        id: newInstanceId(),
        userId: `p${i}`,
        email: 'p@x.test',
        requestId: 'r',
        sealed: { gatewayToken: 's' },
        now: new Date(1_700_000_000_000 + i),
      });
      if (r.kind === 'created') ids.push(r.instance.id);
    }
    const page1 = await store.list({ limit: 2 });
    const page2 = await store.list({ limit: 2, cursor: page1.nextCursor! });
    const page3 = await store.list({ limit: 2, cursor: page2.nextCursor! });
    expect([...page1.items, ...page2.items, ...page3.items].map((i) => i.id)).toEqual([...ids].reverse());
    expect(page3.nextCursor).toBeNull();
  });

  it('lets one holder at a time take an instance lock', async () => {
    const release = await store.acquireLock('abc', 5000);
    expect(release).not.toBeNull();
    expect(await store.acquireLock('abc', 5000)).toBeNull();
    await release!();
    expect(await store.acquireLock('abc', 5000)).not.toBeNull();
  });
});

describe('routing slot allocation', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  beforeEach(() => {
    ns = makeTestNamespace();
  });
  afterEach(() => ns.cleanup());

  const listeners = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ listenerArn: `arn:listener/${i}`, dnsName: `l${i}.example` }));
  /** capacity per listener = rules - 1 (margin 1). */
  const storeWith = (n: number, rules: number) =>
    makeInstanceStore(ns.redis, {
      prefix: ns.prefix,
      routing: { listeners: listeners(n), rulesPerListener: rules, targetGroupsPerAlb: 100, margin: 1 },
    });
  async function createIn(store: InstanceStore, userId: string): Promise<InstanceRecord | null> {
    const r = await store.create({
      id: newInstanceId(),
      userId,
      email: `${userId}@x.test`,
      requestId: 'r',
      sealed: { gatewayToken: 'sealed' },
    });
    if (r.kind === 'exists') throw new Error(`${userId} exists`);
    return r.kind === 'created' ? r.instance : null;
  }
  const place = (i: InstanceRecord | null) => (i ? `${i.albDnsName}#${i.routingSlot}` : 'full');

  it('hands out slots in order, reuses freed ones lowest first, then goes on from the high-water mark', async () => {
    const store = storeWith(1, 7); // 6 slots
    const made: InstanceRecord[] = [];
    for (let i = 0; i < 4; i++) made.push((await createIn(store, `u${i}`))!);
    expect(made.map((i) => i.routingSlot)).toEqual([0, 1, 2, 3]);
    await store.markDeleted(made[2]!);
    await store.markDeleted(made[0]!);
    await store.markDeleted(made[0]!); // idempotent: nothing freed twice
    expect((await store.routingUsage())[0]).toMatchObject({ used: 2, capacity: 6, free: 4 });
    expect(place(await createIn(store, 'a'))).toBe('l0.example#0');
    expect(place(await createIn(store, 'b'))).toBe('l0.example#2');
    expect(place(await createIn(store, 'c'))).toBe('l0.example#4');
    expect(place(await createIn(store, 'd'))).toBe('l0.example#5');
    expect(place(await createIn(store, 'e'))).toBe('full');
  });

  it('frees a slot only for its holder', async () => {
    const store = storeWith(1, 3); // 2 slots
    const a = (await createIn(store, 'a'))!;
    await store.markDeleted({ ...a, id: 'someone-else' });
    expect((await store.routingUsage())[0]).toMatchObject({ used: 1, free: 1 });
    expect(place(await createIn(store, 'b'))).toBe('l0.example#1');
    expect(place(await createIn(store, 'c'))).toBe('full');
  });

  it('skips full listeners and fills the next one; a freed slot or a raised capacity opens one again', async () => {
    const store = storeWith(3, 3); // 2 slots each
    const made: (InstanceRecord | null)[] = [];
    for (let i = 0; i < 7; i++) made.push(await createIn(store, `u${i}`));
    expect(made.map(place)).toEqual([
      'l0.example#0',
      'l0.example#1',
      'l1.example#0',
      'l1.example#1',
      'l2.example#0',
      'l2.example#1',
      'full',
    ]);
    // l0 and l1 are marked full now; a release on l1 clears its mark.
    await store.markDeleted(made[3]!);
    expect(place(await createIn(store, 'again'))).toBe('l1.example#1');
    expect(place(await createIn(store, 'none'))).toBe('full');
    // A mark holds only for the capacity it was made at.
    const wider = storeWith(3, 4); // 3 slots each
    expect(place(await createIn(wider, 'wide'))).toBe('l0.example#2');
  });

  it('blocks a reassigned slot for good and gives the instance the lowest free one', async () => {
    const store = storeWith(1, 5); // 4 slots
    const a = (await createIn(store, 'a'))!;
    const b = (await createIn(store, 'b'))!;
    await store.markDeleted(a);
    expect(await store.reassignRoutingSlot(b)).toBe(0);
    expect((await store.get(b.id))?.routingSlot).toBe(0);
    await store.markDeleted({ ...b, routingSlot: 0 });
    expect((await store.routingUsage())[0]).toMatchObject({ used: 1, free: 3 });
    // Slot 1 stays blocked: the next ones are 0, 2, 3, then none.
    const next = [];
    for (let i = 0; i < 4; i++) next.push(place(await createIn(store, `n${i}`)));
    expect(next).toEqual(['l0.example#0', 'l0.example#2', 'l0.example#3', 'full']);
  });

  it('never hands out a slot at or above a lowered capacity, freed or new', async () => {
    const wide = storeWith(1, 6); // 5 slots
    const made: InstanceRecord[] = [];
    for (let i = 0; i < 5; i++) made.push((await createIn(wide, `w${i}`))!);
    await wide.markDeleted(made[4]!);
    await wide.markDeleted(made[3]!);
    await wide.markDeleted(made[1]!);
    const narrow = storeWith(1, 4); // capacity lowered to 3: slots 3 and 4 are out of bounds
    expect(place(await createIn(narrow, 'n0'))).toBe('l0.example#1');
    expect(place(await createIn(narrow, 'n1'))).toBe('full');
    // Raised again, the freed slots above the old bound come back, lowest first.
    expect(place(await createIn(wide, 'w5'))).toBe('l0.example#3');
  });

  it('builds the high-water mark from a pool written without one', async () => {
    const store = storeWith(1, 6); // 5 slots
    const route = store.keys.routing('arn:listener/0');
    await ns.redis.hset(route, '0', 'x0', '2', 'x2', '3', 'blocked');
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push(place(await createIn(store, `u${i}`)));
    expect(placed).toEqual(['l0.example#1', 'l0.example#4', 'full']);
  });

  it('gives 200 concurrent creates from several connections distinct slots across 3 listeners', async () => {
    const connections = Array.from(
      { length: 4 },
      () => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
    );
    try {
      const routing = { listeners: listeners(3), rulesPerListener: 68, targetGroupsPerAlb: 100, margin: 1 };
      // Two stores per connection: they share its registered scripts.
      const stores = connections.flatMap((c) => [
        makeInstanceStore(c, { prefix: ns.prefix, routing }),
        makeInstanceStore(c, { prefix: ns.prefix, routing }),
      ]);
      const results = await Promise.all(
        Array.from({ length: 210 }, (_, i) => createIn(stores[i % stores.length]!, `c${i}`)),
      );
      const made = results.filter((r) => r !== null);
      expect(made).toHaveLength(201); // 3 x 67
      expect(new Set(made.map(place)).size).toBe(201);
      for (const l of listeners(3)) {
        const slots = made.filter((i) => i.listenerArn === l.listenerArn).map((i) => i.routingSlot);
        expect(slots.sort((a, b) => a - b)).toEqual([...Array(67).keys()]);
      }
      const usage = await stores[0]!.routingUsage();
      expect(usage.map((u) => [u.used, u.free])).toEqual([
        [67, 0],
        [67, 0],
        [67, 0],
      ]);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });

  it('returns the stored record for an existing user and reserves the first job sequence', async () => {
    const store = storeWith(1, 3);
    const first = await store.create({
      id: newInstanceId(),
      userId: 'same',
      email: 'same@x.test',
      requestId: 'r1',
      sealed: { gatewayToken: 'sealed' },
    });
    if (first.kind !== 'created') throw new Error('unreachable');
    expect(first.jobSequence).toBe(1);
    expect(await store.get(first.instance.id)).toEqual(first.instance);
    expect(await store.nextJobSequence(first.instance.id)).toBe(2);
    const again = await store.create({
      id: newInstanceId(),
      userId: 'same',
      email: 'same@x.test',
      requestId: 'r2',
      sealed: { gatewayToken: 'sealed' },
    });
    expect(again).toEqual({ kind: 'exists', instance: first.instance });
  });

  it('keeps listener ARNs and DNS names exact in the create script, whatever bytes they hold', async () => {
    // The pool is written into the script's text as Lua string literals: quotes, backslashes, Lua's
    // own brackets and non-ASCII must come back byte for byte. Two stores with different pools on
    // one connection each get their own script.
    const odd = { listenerArn: 'arn:"quoted"\\back]]\\n/é', dnsName: 'x.ü-]=].example' };
    const store = makeInstanceStore(ns.redis, {
      prefix: ns.prefix,
      routing: { listeners: [odd], rulesPerListener: 3, targetGroupsPerAlb: 100, margin: 1 },
    });
    const made = (await createIn(store, 'odd'))!;
    expect(made).toMatchObject({ listenerArn: odd.listenerArn, albDnsName: odd.dnsName, routingSlot: 0 });
    expect(await store.get(made.id)).toEqual(made);
    expect(await store.routingUsage()).toEqual([
      { listenerArn: odd.listenerArn, dnsName: odd.dnsName, used: 1, capacity: 2, free: 1 },
    ]);
    expect(place(await createIn(storeWith(1, 3), 'plain'))).toBe('l0.example#0');
  });
});
