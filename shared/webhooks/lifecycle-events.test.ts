import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../../test/support/redis-namespace.js';
import { newInstanceId } from '../naming.js';
import { makeInstanceStore } from '../store/instance-store.js';
import { makeDeliveryLog } from './delivery-log.js';
import { runningEvent } from './lifecycle-events.js';

const routing = {
  listeners: [{ listenerArn: 'arn:listener/a', dnsName: 'a.example' }],
  rulesPerListener: 10,
  targetGroupsPerAlb: 10,
  margin: 0,
};

/** The event log is written by the transition itself: one event per real change, never one per call. */
describe('lifecycle events in the store', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  const told: [string, number][] = [];
  let store: ReturnType<typeof makeInstanceStore>;
  beforeEach(() => {
    ns = makeTestNamespace();
    told.length = 0;
    store = makeInstanceStore(ns.redis, {
      prefix: ns.prefix,
      routing,
      onLifecycleEvent: async (id, sequence) => {
        told.push([id, sequence]);
      },
    });
  });
  afterEach(() => ns.cleanup());

  it('logs one event per status change, in sequence, and none for a repeated or refused transition', async () => {
    const created = await store.create({
      id: newInstanceId(),
      userId: 'u1',
      email: 'u1@x.test',
      requestId: 'r',
      sealed: { gatewayToken: 'sealed-token' },
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const instance = created.instance;
    const id = instance.id;
    await store.startProvisioning(id);
    const running = await store.markRunning(id, { instance, runningAt: 'now' });
    expect(running.ok).toBe(true);
    // A retried job repeating the transition is refused and logs nothing.
    const again = await store.markRunning(id, { instance, runningAt: 'now' });
    expect(again.ok).toBe(false);
    await store.markDegraded(id, { instance, reason: 'service missing', fromStep: 'service' });
    const record = (await store.get(id))!;
    await store.markDeleted(record);
    await store.markDeleted(record);

    const events = (await makeDeliveryLog(ns.redis, store.keys).events(id)).map((b) => JSON.parse(b));
    expect(events.map((e) => [e.id, e.sequence, e.type])).toEqual([
      [`evt_${id}_1`, 1, 'instance.running'],
      [`evt_${id}_2`, 2, 'instance.degraded'],
      [`evt_${id}_3`, 3, 'instance.deleted'],
    ]);
    expect(events[0].data).toEqual({ instanceId: id, userId: 'u1', status: 'running', url: instance.url });
    expect(events[1].data).toMatchObject({ status: 'degraded', step: 'service', reason: 'service missing' });
    expect(told).toEqual([
      [id, 1],
      [id, 2],
      [id, 3],
    ]);
    // The history expires with the deleted record.
    expect(await ns.redis.ttl(store.keys.webhookLog(id))).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('sealed-token');
  });

  it('calls a repeated run to `running` after one before a recovery', () => {
    const base = { id: 'a', userId: 'u', url: 'http://x/a/' } as Parameters<typeof runningEvent>[0];
    expect(runningEvent({ ...base, runningAt: null }).type).toBe('instance.running');
    expect(runningEvent({ ...base, runningAt: '2026-11-29T00:00:00Z' }).type).toBe('instance.recovered');
  });
});
