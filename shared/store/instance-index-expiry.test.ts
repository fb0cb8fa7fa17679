import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../../test/support/redis-namespace.js';
import type { InstanceRecord } from '../domain.js';
import { newInstanceId } from '../naming.js';
import { makeInstanceStore } from './instance-store.js';

const routing = {
  listeners: [{ listenerArn: 'arn:listener/a', dnsName: 'a.example' }],
  rulesPerListener: 50,
  targetGroupsPerAlb: 50,
  margin: 1,
};

describe('instance indexes expire with their records', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let store: ReturnType<typeof makeInstanceStore>;
  beforeEach(() => {
    ns = makeTestNamespace();
    // Deleted records kept 1 s instead of 30 days, so they expire within the test.
    store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing, deletedRetentionSeconds: 1 });
  });
  afterEach(() => ns.cleanup());

  async function make(n: number, from: number): Promise<InstanceRecord[]> {
    const made: InstanceRecord[] = [];
    for (let i = 0; i < n; i++) {
      const r = await store.create({
        id: newInstanceId(),
        userId: `u${from + i}`,
        email: `u${from + i}@x.test`,
        requestId: 'r',
        sealed: { gatewayToken: 's' },
        now: new Date(1_700_000_000_000 + from + i),
      });
      if (r.kind !== 'created') throw new Error(r.kind);
      made.push(r.instance);
    }
    return made;
  }

  async function waitUntilExpired(records: InstanceRecord[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    // EXISTS expires a due key on access, as any read by the API would.
    while ((await ns.redis.exists(...records.map((r) => store.keys.instance(r.id)))) > 0) {
      if (Date.now() > deadline) throw new Error('deleted records did not expire within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const indexIds = async (key: string) => (await ns.redis.zrange(key, 0, -1)).map((m) => m.slice(16));

  it('after 6 records expire, a page of 6 holds the live ones and no cursor, and the index no expired id', async () => {
    const live = await make(3, 0);
    const deleted = await make(6, 100);
    for (const r of deleted) await store.markDeleted(r);
    await waitUntilExpired(deleted);

    const page = await store.list({ limit: 6 });
    expect(page.items.map((i) => i.id)).toEqual(live.map((r) => r.id).reverse());
    expect(page.nextCursor).toBeNull();
    const gone = new Set(deleted.map((r) => r.id));
    for (const key of [store.keys.indexAll, store.keys.indexStatus('deleted'), store.keys.indexExpiring]) {
      expect(
        (await indexIds(key)).filter((id) => gone.has(id)),
        key,
      ).toEqual([]);
    }
    expect(await indexIds(store.keys.indexAll)).toHaveLength(3);
  });

  it('sweeps expired entries on the next deletion too, without anyone listing', async () => {
    const first = await make(2, 0);
    for (const r of first) await store.markDeleted(r);
    await waitUntilExpired(first);
    const [next] = await make(1, 10);
    await store.markDeleted(next!);
    const ids = await indexIds(store.keys.indexAll);
    expect(ids).toEqual([next!.id]);
  });

  it('never answers an empty page with a cursor: a cursor only when another page has something', async () => {
    const made = await make(4, 0);
    const page1 = await store.list({ limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await store.list({ limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((i) => i.id)).toEqual([made[1]!.id, made[0]!.id]);
    // Exactly two pages' worth: the second says there is no third.
    expect(page2.nextCursor).toBeNull();

    // The older two expire: the first page now knows nothing follows it.
    for (const r of made.slice(0, 2)) await store.markDeleted(r);
    await waitUntilExpired(made.slice(0, 2));
    const again = await store.list({ limit: 2 });
    expect(again.items.map((i) => i.id)).toEqual([made[3]!.id, made[2]!.id]);
    expect(again.nextCursor).toBeNull();
  });
});
