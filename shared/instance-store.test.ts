import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../test/support/redis-namespace.js';
import { makeInstanceStore } from './instance-store.js';
import { newInstanceId } from './naming.js';

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

  it('allows a transition only from the given statuses and keeps status indexes true', async () => {
    const made = await create('bob');
    if (made.kind !== 'created') throw new Error('unreachable');
    const id = made.instance.id;
    expect(await store.transition(id, 'running', ['failed'])).toEqual({
      ok: false,
      reason: 'conflict',
      current: 'queued',
    });
    expect(await store.transition(id, 'provisioning', ['queued'])).toEqual({ ok: true, previous: 'queued' });
    expect((await store.list({ status: 'queued', limit: 10 })).items).toHaveLength(0);
    expect((await store.list({ status: 'provisioning', limit: 10 })).items.map((i) => i.id)).toEqual([id]);
    expect(await store.transition('zzzzzzzzzzzz', 'running', '*')).toEqual({ ok: false, reason: 'missing' });
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
