import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newInstanceId } from '../../shared/naming.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { makeKeys, workerMetricsKeys } from '../../shared/store/keys.js';
import { forceStatus } from '../support/instance-status.js';
import { makeTestNamespace } from '../support/redis-namespace.js';

const routing = {
  listeners: [
    { listenerArn: 'arn:listener/a', dnsName: 'a.example' },
    { listenerArn: 'arn:listener/b', dnsName: 'b.example' },
  ],
  rulesPerListener: 3,
  targetGroupsPerAlb: 5,
  margin: 1,
};

/**
 * The store at its edges: the Redis key layout (a persisted contract: a renamed key loses every record
 * on upgrade), a routing pool that cannot work, paging around gone records, the user pointer and leftovers
 * on deletion, blocked slots, a narrowed transition, and a checkpoint Redis refuses.
 */
describe('instance store edges', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let store: ReturnType<typeof makeInstanceStore>;
  beforeEach(() => {
    ns = makeTestNamespace();
    store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
  });
  afterEach(() => ns.cleanup());

  async function create(userId = `u-${newInstanceId()}`, now?: Date) {
    const result = await store.create({
      ...(now ? { now } : {}),
      id: newInstanceId(),
      userId,
      email: 'e@x.test',
      requestId: 'r',
      sealed: { gatewayToken: 's' },
    });
    if (result.kind !== 'created') throw new Error(result.kind);
    return result.instance;
  }

  it('keeps every Redis key where earlier releases wrote it', () => {
    const k = makeKeys('p');
    expect({
      instance: k.instance('i'),
      user: k.user('u'),
      indexAll: k.indexAll,
      indexStatus: k.indexStatus('running'),
      indexExpiring: k.indexExpiring,
      events: k.events('i'),
      lock: k.lock('i'),
      routing: k.routing('arn'),
      routingNext: k.routingNext('arn'),
      routingFull: k.routingFull,
      leftovers: k.leftovers,
      adminLoginFailures: k.adminLoginFailures,
      awsRateBudget: k.awsRateBudget,
      signupLink: k.signupLink('n'),
      signupPow: k.signupPow('h'),
      signupHeld: k.signupHeld,
      signupLimits: k.signupLimits,
      idempotency: k.idempotency('c', 'k'),
      webhookLog: k.webhookLog('i'),
      webhookNext: k.webhookNext('i'),
      webhookAttempts: k.webhookAttempts('i'),
      webhookOwed: k.webhookOwed,
      webhookLock: k.webhookLock('i', 'e'),
      reconciler: k.reconciler,
      rollout: k.rollout('r'),
      rolloutActive: k.rolloutActive,
      rollouts: k.rollouts,
      fleetImage: k.fleetImage,
      capacity: { ...k.capacity, claim: k.capacity.claim(7) },
    }).toEqual({
      instance: 'p:inst:i',
      user: 'p:user:u',
      indexAll: 'p:idx:all',
      indexStatus: 'p:idx:status:running',
      indexExpiring: 'p:idx:expiring',
      events: 'p:events:i',
      lock: 'p:lock:i',
      routing: 'p:route:arn',
      routingNext: 'p:route-next:arn',
      routingFull: 'p:route-full',
      leftovers: 'p:leftovers',
      adminLoginFailures: 'p:admin-login-failures',
      awsRateBudget: 'p:aws-budget',
      signupLink: 'p:signup:link:n',
      signupPow: 'p:signup:pow:h',
      signupHeld: 'p:signup:held',
      signupLimits: 'p:signup:limit',
      idempotency: 'p:idem:c:k',
      webhookLog: 'p:wh:log:i',
      webhookNext: 'p:wh:next:i',
      webhookAttempts: 'p:wh:tries:i',
      webhookOwed: 'p:wh:owed',
      webhookLock: 'p:wh:lock:i:e',
      rollout: 'p:rollout:r',
      rolloutActive: 'p:rollout-active',
      rollouts: 'p:rollouts',
      fleetImage: 'p:fleet-image',
      reconciler: {
        report: 'p:reconciler:report',
        counters: 'p:reconciler:counters',
        firstSeen: 'p:reconciler:first-seen',
        unhealthySince: 'p:reconciler:unhealthy-since',
        attempts: 'p:reconciler:attempts',
        lock: 'p:reconciler:lock',
      },
      capacity: {
        claim: 'p:cap:claim:7',
        raw: 'p:cap:raw',
        coarse: 'p:cap:coarse',
        latest: 'p:cap:latest',
        spotPrices: 'p:cap:spot-prices',
      },
    });
  });

  it('keeps the worker metrics keys where earlier releases wrote them', () => {
    const k = workerMetricsKeys('p');
    expect({ index: k.index, snapshot: k.snapshot('w1') }).toEqual({
      index: 'p:metrics:workers',
      snapshot: 'p:metrics:worker:w1',
    });
  });

  it('refuses a routing pool with an empty or spaced ARN or DNS name', () => {
    const make = (listenerArn: string, dnsName: string) => () =>
      makeInstanceStore(ns.redis, {
        prefix: ns.prefix,
        routing: { ...routing, listeners: [routing.listeners[0]!, { listenerArn, dnsName }] },
      });
    for (const [arn, dns] of [
      ['', 'b.example'],
      ['arn:b', ''],
      ['arn: b', 'b.example'],
      ['arn:b', 'b .example'],
    ] as const) {
      expect(make(arn, dns), `${arn}|${dns}`).toThrow(
        /the ARN and DNS name must be non-empty, without spaces/,
      );
    }
    expect(make('arn:b', 'b.example')).not.toThrow();
  });

  it('gives each routing pool its own create script on a shared connection', async () => {
    const other = makeInstanceStore(ns.redis, {
      prefix: `${ns.prefix}-other`,
      routing: { ...routing, listeners: [{ listenerArn: 'arn:listener/z', dnsName: 'z.example' }] },
    });
    const mine = await create();
    const theirs = await other.create({
      id: newInstanceId(),
      userId: 'u',
      email: 'e',
      requestId: 'r',
      sealed: { gatewayToken: 's' },
    });
    expect(mine.listenerArn).toBe('arn:listener/a');
    expect(theirs).toMatchObject({
      kind: 'created',
      instance: { listenerArn: 'arn:listener/z', albDnsName: 'z.example' },
    });
    // A second store of the first pool on the same connection reuses what is registered.
    const again = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing });
    expect(
      (
        await again.create({
          id: newInstanceId(),
          userId: 'u2',
          email: 'e',
          requestId: 'r',
          sealed: { gatewayToken: 's' },
        })
      ).kind,
    ).toBe('created');
    await ns.redis.del(`${ns.prefix}-other:user:u`);
  });

  it('pages exactly: a full page says so only when more exist, and gone records are skipped and unindexed', async () => {
    const made = [];
    // A second apart: newest first is creation order, not id order.
    for (let i = 0; i < 4; i++) made.push(await create(`pager-${i}`, new Date(Date.now() + i * 1000)));
    const newest = [...made].reverse().map((i) => i.id);
    expect(await store.list({ limit: 4 })).toEqual({ items: expect.any(Array), nextCursor: null });
    const three = await store.list({ limit: 3 });
    expect(three.items.map((i) => i.id)).toEqual(newest.slice(0, 3));
    expect(three.nextCursor).not.toBeNull();
    const rest = await store.list({ limit: 3, cursor: three.nextCursor! });
    expect(rest).toEqual({ items: [expect.objectContaining({ id: newest[3] })], nextCursor: null });
    // Two records vanish (expired): a page of 2 still fills from further down, and their entries go.
    await ns.redis.del(store.keys.instance(newest[0]!), store.keys.instance(newest[1]!));
    const page = await store.list({ limit: 2 });
    expect(page).toEqual({
      items: [expect.objectContaining({ id: newest[2] }), expect.objectContaining({ id: newest[3] })],
      nextCursor: null,
    });
    expect(await ns.redis.zcard(store.keys.indexAll)).toBe(2);
    expect(await ns.redis.zcard(store.keys.indexStatus('queued'))).toBe(2);
  });

  it('reads a record with only an id and a status, and no record without either', async () => {
    await ns.redis.hset(store.keys.instance('bare'), 'id', 'bare', 'status', 'queued');
    expect(await store.get('bare')).toMatchObject({
      id: 'bare',
      userId: '',
      email: '',
      listenerArn: '',
      albDnsName: '',
      routingSlot: -1,
      url: '',
      requestId: '',
      createdAt: '',
      updatedAt: '',
      currentStep: null,
      leftovers: [],
    });
    await ns.redis.hset(store.keys.instance('nostatus'), 'id', 'nostatus');
    await ns.redis.hset(store.keys.instance('noid'), 'status', 'queued');
    expect(await store.get('nostatus')).toBeNull();
    expect(await store.get('noid')).toBeNull();
  });

  it('a deletion frees the user only if the user still points at it, and records leftovers only when there are some', async () => {
    const old = await create('frank');
    await store.markDeleted(old);
    const current = await create('frank');
    // A second delete of the old record (a retried job) leaves the user's new instance alone.
    await store.markDeleted((await store.get(old.id))!);
    const again = await store.create({
      id: newInstanceId(),
      userId: 'frank',
      email: 'e',
      requestId: 'r',
      sealed: { gatewayToken: 's' },
    });
    expect(again).toMatchObject({ kind: 'exists', instance: { id: current.id } });
    expect(await store.pendingLeftovers()).toEqual(new Map());
    // A record that is gone already: nothing is written back.
    await store.markDeleted({ ...current, id: 'vanished' });
    expect(await ns.redis.exists(store.keys.instance('vanished'))).toBe(0);
    expect(await store.pendingLeftovers()).toEqual(new Map());
  });

  it('a deleted record keeps its index member through expiry, even when written without one', async () => {
    const instance = await create();
    await ns.redis.hdel(store.keys.instance(instance.id), 'indexMember');
    await store.markDeleted(instance);
    const expiring = await ns.redis.zrange(store.keys.indexExpiring, 0, -1);
    expect(expiring).toEqual([expect.stringMatching(new RegExp(`^\\d{15}:${instance.id}$`))]);
  });

  it('blocks a reassigned slot, lists it, and frees it on unblock; a full pool gives none and keeps the record', async () => {
    const a = await create();
    const moved = await store.reassignRoutingSlot(a);
    expect(moved).toBe(1);
    expect((await store.get(a.id))!.routingSlot).toBe(1);
    expect(await store.blockedSlots(a.listenerArn)).toEqual([0]);
    await store.unblockSlot(a.listenerArn, 0);
    expect(await store.blockedSlots(a.listenerArn)).toEqual([]);
    const usage = async () => (await store.routingUsage()).map((l) => l.used);
    expect(await usage()).toEqual([1, 0]);
    // Fill the pool (2 per listener), then a reassignment has nowhere to go.
    for (let i = 0; i < 3; i++) await create();
    const b = (await store.get(a.id))!;
    expect(await store.reassignRoutingSlot(b)).toBe(-1);
    expect((await store.get(a.id))!.routingSlot).toBe(1);
  });

  it('a transition narrowed by its caller moves only from what the caller saw', async () => {
    const instance = await create();
    expect(await store.startProvisioning(instance.id, { onlyFrom: ['failed'] })).toEqual({
      ok: false,
      reason: 'conflict',
      current: 'queued',
    });
    await forceStatus(ns.redis, store, instance.id, 'failed');
    expect(await store.startProvisioning(instance.id, { onlyFrom: ['failed'] })).toEqual({
      ok: true,
      previous: 'failed',
    });
  });

  it('a checkpoint Redis refuses is an error, not a silent loss', async () => {
    await ns.redis.set(store.keys.instance('wrongtype'), 'not a hash');
    await expect(
      store.recordStep('wrongtype', 'secret', { state: 'running', attempts: 1 }, 'provisioning'),
    ).rejects.toThrow(/WRONGTYPE/);
  });
});
