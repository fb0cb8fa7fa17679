import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../../shared/domain.js';
import { newInstanceId } from '../../shared/naming.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { forceStatus } from '../support/instance-status.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../support/redis-namespace.js';

const routing = {
  listeners: [
    { listenerArn: 'arn:listener/a', dnsName: 'a.example' },
    { listenerArn: 'arn:listener/b', dnsName: 'b.example' },
  ],
  rulesPerListener: 4,
  targetGroupsPerAlb: 5,
  margin: 1,
};

/**
 * The store's exported API against real Redis: which transitions are allowed from where, what each one
 * writes and tells (status indexes, events, lifecycle log), credentials sealed and dropped, restored
 * credentials, deletion (slot, user, retention, leftovers) and the per-instance lock.
 */
describe('instance store lifecycle', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let store: ReturnType<typeof makeInstanceStore>;
  let told: { id: string; sequence: number }[];
  beforeEach(() => {
    ns = makeTestNamespace();
    told = [];
    store = makeInstanceStore(ns.redis, {
      prefix: ns.prefix,
      routing,
      onLifecycleEvent: async (id, sequence) => {
        told.push({ id, sequence });
      },
    });
  });
  afterEach(() => ns.cleanup());

  async function create(userId = `u-${newInstanceId()}`, anthropicApiKey?: string) {
    const result = await store.create({
      id: newInstanceId(),
      userId,
      email: `${userId}@x.test`,
      requestId: 'req-1',
      sealed: { gatewayToken: 'sealed-token', ...(anthropicApiKey ? { anthropicApiKey } : {}) },
    });
    if (result.kind !== 'created') throw new Error(result.kind);
    return result;
  }
  const ids = async (status: InstanceStatus) =>
    (await store.list({ status, limit: 50 })).items.map((i) => i.id);

  it('creates a queued record with its routing, url and first job sequence', async () => {
    const before = Date.now();
    const { instance, jobSequence } = await create('alice');
    expect(jobSequence).toBe(1);
    const stored = await store.get(instance.id);
    expect(stored).toEqual(instance);
    expect(stored).toMatchObject({
      userId: 'alice',
      email: 'alice@x.test',
      status: 'queued',
      requestId: 'req-1',
      listenerArn: 'arn:listener/a',
      albDnsName: 'a.example',
      routingSlot: 0,
      url: `http://a.example/${instance.id}/`,
      currentStep: null,
      error: null,
      runningAt: null,
      deletedAt: null,
      leftovers: [],
    });
    expect(Date.parse(stored!.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(stored!.updatedAt).toBe(stored!.createdAt);
    expect(Object.values(stored!.steps).every((s) => s.state === 'pending' && s.attempts === 0)).toBe(true);
    expect(await ids('queued')).toEqual([instance.id]);
    expect(await store.get('nosuchid')).toBeNull();
    // The first job sequence is reserved by the create: the next one is 2.
    expect(await store.nextJobSequence(instance.id)).toBe(2);
    expect(await store.nextJobSequence(instance.id)).toBe(3);
  });

  /** Each named transition's documented allowed-from set (worker/ARCHITECTURE.md, shared/domain.ts). */
  const ALLOWED_FROM: Record<string, InstanceStatus[]> = {
    startProvisioning: ['queued', 'failed', 'provisioning', 'degraded'],
    markRunning: ['provisioning'],
    markFailed: ['queued', 'provisioning'],
    giveUp: ['queued', 'provisioning', 'degraded', 'running'],
    markDegraded: ['running'],
    markCredentialsLost: ['running'],
    startRotation: ['running'],
    requeue: ['failed'],
    markDeleting: ['queued', 'provisioning', 'running', 'degraded', 'failed'],
    markDeleteFailed: ['deleting'],
  };
  const TO: Record<string, InstanceStatus> = {
    startProvisioning: 'provisioning',
    markRunning: 'running',
    markFailed: 'failed',
    giveUp: 'failed',
    markDegraded: 'degraded',
    markCredentialsLost: 'degraded',
    startRotation: 'degraded',
    requeue: 'queued',
    markDeleting: 'deleting',
    markDeleteFailed: 'deleting',
  };
  const STATUSES: InstanceStatus[] = [
    'queued',
    'provisioning',
    'running',
    'degraded',
    'failed',
    'deleting',
    'deleted',
  ];

  it('makes each named transition from exactly its allowed statuses, keeping the status indexes true', async () => {
    const { instance } = await create();
    const id = instance.id;
    const error = { step: 'service' as const, code: 'X', message: 'm' };
    const args: Record<string, unknown[]> = {
      markRunning: [{ instance, runningAt: '2026-01-01T00:00:00.000Z' }],
      markFailed: [{ instance, error }],
      giveUp: [{ instance, reason: 'r' }],
      markDegraded: [{ instance, reason: 'r', fromStep: 'service' }],
      markCredentialsLost: [{ instance, reason: 'r' }],
      markDeleteFailed: [{ error: { code: 'X', message: 'm' } }],
    };
    const wrong: string[] = [];
    for (const [name, allowed] of Object.entries(ALLOWED_FROM)) {
      for (const from of STATUSES) {
        await forceStatus(ns.redis, store, id, from);
        const move = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
        const result = await move(id, ...(args[name] ?? []));
        const expected = allowed.includes(from)
          ? { ok: true, previous: from }
          : { ok: false, reason: 'conflict', current: from };
        if (JSON.stringify(result) !== JSON.stringify(expected))
          wrong.push(`${name} from ${from}: ${JSON.stringify(result)}`);
        const now = allowed.includes(from) ? TO[name]! : from;
        if ((await store.get(id))?.status !== now) wrong.push(`${name} from ${from}: status not ${now}`);
        const indexed = await ids(now);
        if (!indexed.includes(id)) wrong.push(`${name} from ${from}: not in the ${now} index`);
        for (const other of STATUSES.filter((s) => s !== now)) {
          if ((await ids(other)).includes(id))
            wrong.push(`${name} from ${from}: still in the ${other} index`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await store.markDeleting('nosuchid')).toEqual({ ok: false, reason: 'missing' });
  });

  it('writes what each transition means: errors set and cleared, runningAt, a delete failure', async () => {
    const { instance } = await create();
    const id = instance.id;
    const error = { step: 'secret' as const, code: 'X', message: 'm' };
    await store.markFailed(id, { instance, error });
    const failed = (await store.get(id))!;
    expect(failed.error).toEqual(error);
    expect(failed.updatedAt > instance.updatedAt).toBe(true);
    await store.requeue(id);
    expect((await store.get(id))!.error).toBeNull();
    await store.markFailed(id, { instance, error });
    await store.startProvisioning(id);
    expect((await store.get(id))!.error).toBeNull();
    await store.markRunning(id, { instance, runningAt: '2026-01-01T00:00:00.000Z' });
    expect((await store.get(id))!.runningAt).toBe('2026-01-01T00:00:00.000Z');
    await store.markDegraded(id, { instance, reason: 'drifted', fromStep: 'service' });
    expect((await store.get(id))!.error).toEqual({ step: 'reconcile', code: 'Drift', message: 'drifted' });
    await forceStatus(ns.redis, store, id, 'running');
    await store.markCredentialsLost(id, { instance, reason: 'gone' });
    expect((await store.get(id))!.error).toEqual({
      step: 'secret',
      code: 'credentials_lost',
      message: 'gone',
    });
    await forceStatus(ns.redis, store, id, 'running');
    await store.startRotation(id);
    expect((await store.get(id))!.error).toMatchObject({ step: 'secret', code: 'credentials_lost' });
    await store.giveUp(id, { instance, reason: 'no luck' });
    expect((await store.get(id))!.error).toEqual({
      step: 'reconcile',
      code: 'ReconcileGaveUp',
      message: 'no luck',
    });
    await store.markDeleting(id);
    await store.markDeleteFailed(id, { error: { code: 'Y', message: 'n' } });
    const deleting = (await store.get(id))!;
    expect(deleting.status).toBe('deleting');
    expect(deleting.error).toEqual({ step: 'delete', code: 'Y', message: 'n' });
  });

  it('logs a lifecycle event only when the status really changes, and tells the hook its sequence', async () => {
    const { instance } = await create();
    const id = instance.id;
    await store.startProvisioning(id);
    expect(told).toEqual([]);
    await store.markRunning(id, { instance, runningAt: new Date().toISOString() });
    await forceStatus(ns.redis, store, id, 'provisioning');
    await store.markFailed(id, { instance, error: { step: 'service', code: 'X', message: 'm' } });
    await store.markFailed(id, { instance, error: { step: 'service', code: 'X', message: 'm' } });
    expect(told).toEqual([
      { id, sequence: 1 },
      { id, sequence: 2 },
    ]);
    const entries = (await ns.redis.lrange(store.keys.webhookLog(id), 0, -1)).map((e) => JSON.parse(e));
    expect(entries.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'instance.running'],
      [2, 'instance.failed'],
    ]);
    expect(entries[0]).toMatchObject({
      id: expect.stringContaining(id),
      timestamp: expect.any(String),
      data: expect.any(Object),
    });
  });

  it('records a step, its current step and updatedAt, and publishes it on the instance channel', async () => {
    const { instance } = await create();
    const id = instance.id;
    const sub = new Redis(TEST_REDIS_URL);
    const events: unknown[] = [];
    await sub.subscribe(store.keys.events(id));
    sub.on('message', (_channel, message) => events.push(JSON.parse(message)));
    try {
      const record = {
        state: 'done' as const,
        startedAt: 'a',
        endedAt: 'b',
        attempts: 1,
        output: { x: 'y' },
      };
      await store.recordStep(id, 'target-group', record, 'provisioning');
      const after = (await store.get(id))!;
      expect(after.steps['target-group']).toEqual(record);
      expect(after.currentStep).toBe('target-group');
      expect(after.updatedAt > instance.updatedAt).toBe(true);
      expect(after.status).toBe('queued');
      await expect.poll(() => events.length).toBeGreaterThan(0);
      expect(events[0]).toEqual({
        id,
        status: 'provisioning',
        currentStep: 'target-group',
        step: { id: 'target-group', ...record },
        at: after.updatedAt,
      });
      // A transition tells its status and the current step.
      await store.startProvisioning(id);
      await expect.poll(() => events.length).toBe(2);
      expect(events[1]).toEqual({
        id,
        status: 'provisioning',
        currentStep: 'target-group',
        at: expect.any(String),
      });
    } finally {
      await sub.quit();
    }
  });

  it('keeps sealed credentials until the secret exists, then drops both', async () => {
    const { instance } = await create('bob', 'sealed-key');
    expect(await store.sealedCredentials(instance.id)).toEqual({
      gatewayToken: 'sealed-token',
      anthropicApiKey: 'sealed-key',
    });
    const { instance: plain } = await create('carol');
    expect(await store.sealedCredentials(plain.id)).toEqual({ gatewayToken: 'sealed-token' });
    await store.dropSealedCredentials(instance.id);
    expect(await store.sealedCredentials(instance.id)).toBeNull();
    const hash = await ns.redis.hgetall(store.keys.instance(instance.id));
    expect(Object.keys(hash).filter((k) => k.startsWith('sealed:'))).toEqual([]);
    expect(await store.sealedCredentials(plain.id)).not.toBeNull();
  });

  it('restores lost credentials once: reset steps, a rotation and a job sequence', async () => {
    const { instance } = await create();
    const id = instance.id;
    expect(await store.restoreCredentials('nosuchid', { gatewayToken: 't' })).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(await store.restoreCredentials(id, { gatewayToken: 't' })).toEqual({
      ok: false,
      reason: 'conflict',
      current: 'queued',
    });
    await store.dropSealedCredentials(id);
    for (const step of ['secret', 'service', 'reachable'] as const) {
      await store.recordStep(id, step, { state: 'done', attempts: 1, output: { a: 'b' } }, 'running');
    }
    // Degraded for another reason: nothing to restore.
    await forceStatus(ns.redis, store, id, 'running');
    await store.markDegraded(id, { instance, reason: 'other', fromStep: 'service' });
    expect(await store.restoreCredentials(id, { gatewayToken: 't' })).toMatchObject({
      ok: false,
      reason: 'conflict',
    });
    await forceStatus(ns.redis, store, id, 'running');
    await store.markCredentialsLost(id, { instance, reason: 'gone' });
    expect(
      await store.restoreCredentials(id, { gatewayToken: 'new-token', anthropicApiKey: 'new-key' }),
    ).toEqual({
      ok: true,
      rotation: 1,
      jobSequence: 2,
    });
    const restored = (await store.get(id))!;
    expect(restored.error).toBeNull();
    expect(restored.credentialsRotation).toBe(1);
    for (const step of Object.values(restored.steps)) expect(step).toEqual({ state: 'pending', attempts: 0 });
    expect(await store.sealedCredentials(id)).toEqual({
      gatewayToken: 'new-token',
      anthropicApiKey: 'new-key',
    });
    // A second request finds nothing lost.
    expect(await store.restoreCredentials(id, { gatewayToken: 'x' })).toMatchObject({
      ok: false,
      reason: 'conflict',
    });
  });

  it('deletion frees the slot and the user, forgets credentials, keeps the record for the retention', async () => {
    const { instance } = await create('dave', 'sealed-key');
    const usedBefore = (await store.routingUsage()).reduce((n, l) => n + l.used, 0);
    await store.markDeleted(instance);
    const deleted = (await store.get(instance.id))!;
    expect(deleted.status).toBe('deleted');
    expect(Date.parse(deleted.deletedAt!)).toBeGreaterThan(0);
    expect(deleted.currentStep).toBeNull();
    expect(deleted.leftovers).toEqual([]);
    expect(await store.sealedCredentials(instance.id)).toBeNull();
    expect((await store.routingUsage()).reduce((n, l) => n + l.used, 0)).toBe(usedBefore - 1);
    const ttl = await ns.redis.ttl(store.keys.instance(instance.id));
    expect(ttl).toBeGreaterThan(30 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
    expect(await ids('deleted')).toEqual([instance.id]);
    expect(told.map((t) => t.id)).toEqual([instance.id]);
    // The user may create again, and gets the freed slot.
    const again = await create('dave');
    expect(again.instance.id).not.toBe(instance.id);
    expect(again.instance.routingSlot).toBe(instance.routingSlot);
    // A second markDeleted logs no second event.
    await store.markDeleted(deleted);
    expect(told).toHaveLength(1);
  });

  it('a live instance of the same user is answered as existing, not created again', async () => {
    const { instance } = await create('erin');
    const second = await store.create({
      id: newInstanceId(),
      userId: 'erin',
      email: 'e',
      requestId: 'r',
      sealed: { gatewayToken: 's' },
    });
    expect(second).toEqual({ kind: 'exists', instance: await store.get(instance.id) });
  });

  it('leftovers go on the record and into the reconciler index, until updated away', async () => {
    const { instance } = await create();
    const leftover = {
      step: 'task-definition' as const,
      resources: ['arn:td:1'],
      code: 'X',
      message: 'm',
      at: 't',
    };
    await store.markDeleted(instance, [leftover]);
    expect((await store.get(instance.id))!.leftovers).toEqual([leftover]);
    expect(await store.pendingLeftovers()).toEqual(new Map([[instance.id, [leftover]]]));
    const fewer = [{ ...leftover, resources: ['arn:td:2'] }];
    await store.updateLeftovers(instance.id, fewer);
    expect(await store.pendingLeftovers()).toEqual(new Map([[instance.id, fewer]]));
    expect((await store.get(instance.id))!.leftovers).toEqual(fewer);
    await store.updateLeftovers(instance.id, []);
    expect(await store.pendingLeftovers()).toEqual(new Map());
    expect((await store.get(instance.id))!.leftovers).toEqual([]);
    // A record already expired is not brought back as a half-written hash.
    await store.updateLeftovers('gonerecord', fewer);
    expect(await ns.redis.exists(store.keys.instance('gonerecord'))).toBe(0);
  });

  it('lets one holder at a time take the lock; only the holder renews or releases it', async () => {
    const id = newInstanceId();
    const first = await store.acquireLock(id, 200);
    expect(first).not.toBeNull();
    expect(await store.acquireLock(id, 10_000)).toBeNull();
    expect(await first!.renew(60_000)).toBe(true);
    const pttl = await ns.redis.pttl(store.keys.lock(id));
    expect(pttl).toBeGreaterThan(10_000);
    await first!();
    expect(await first!.renew()).toBe(false);
    const second = await store.acquireLock(id, 10_000);
    expect(second).not.toBeNull();
    // The first holder's release no longer frees the second's lock.
    await first!();
    expect(await store.acquireLock(id, 10_000)).toBeNull();
    expect(await second!.renew()).toBe(true);
  });
});
