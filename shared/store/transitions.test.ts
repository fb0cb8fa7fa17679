import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../../test/support/redis-namespace.js';
import { newInstanceId } from '../naming.js';
import { makeInstanceStore } from './instance-store.js';

const routing = {
  listeners: [{ listenerArn: 'arn:listener/a', dnsName: 'a.example' }],
  rulesPerListener: 4,
  targetGroupsPerAlb: 5,
  margin: 1,
};

describe('named transitions', () => {
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

  it('makes a named transition only from its statuses and keeps status indexes true', async () => {
    const made = await create('bob');
    if (made.kind !== 'created') throw new Error('unreachable');
    const { instance } = made;
    const id = instance.id;
    expect(await store.markRunning(id, { instance, runningAt: 'now' })).toEqual({
      ok: false,
      reason: 'conflict',
      current: 'queued',
    });
    expect(await store.requeue(id)).toEqual({ ok: false, reason: 'conflict', current: 'queued' });
    expect((await store.get(id))?.status).toBe('queued');
    expect(await store.startProvisioning(id)).toEqual({ ok: true, previous: 'queued' });
    expect((await store.list({ status: 'queued', limit: 10 })).items).toHaveLength(0);
    expect((await store.list({ status: 'provisioning', limit: 10 })).items.map((i) => i.id)).toEqual([id]);
    expect(await store.startProvisioning('zzzzzzzzzzzz')).toEqual({ ok: false, reason: 'missing' });
  });

  it('narrows a transition to the status its caller saw (the reconciler acts only on what it planned from)', async () => {
    const made = await create('cleo');
    if (made.kind !== 'created') throw new Error('unreachable');
    const { id } = made.instance;
    const gaveUp = await store.giveUp(
      id,
      { instance: made.instance, reason: 'r' },
      { onlyFrom: ['running'] },
    );
    expect(gaveUp).toEqual({ ok: false, reason: 'conflict', current: 'queued' });
    expect(
      await store.giveUp(id, { instance: made.instance, reason: 'r' }, { onlyFrom: ['queued'] }),
    ).toEqual({
      ok: true,
      previous: 'queued',
    });
    expect((await store.get(id))?.error).toEqual({
      step: 'reconcile',
      code: 'ReconcileGaveUp',
      message: 'r',
    });
  });

  it('a delete failure keeps the instance deleting, with its error, and leaves the delete start time alone', async () => {
    const made = await create('dora');
    if (made.kind !== 'created') throw new Error('unreachable');
    const { id } = made.instance;
    expect(await store.markDeleteFailed(id, { error: { code: 'X', message: 'y' } })).toMatchObject({
      ok: false,
      current: 'queued',
    });
    expect(await store.markDeleting(id)).toEqual({ ok: true, previous: 'queued' });
    const began = (await store.get(id))!.updatedAt;
    // Already deleting: a second delete request changes nothing (its start time stays).
    expect(await store.markDeleting(id)).toEqual({ ok: false, reason: 'conflict', current: 'deleting' });
    expect((await store.get(id))!.updatedAt).toBe(began);
    expect(await store.markDeleteFailed(id, { error: { code: 'X', message: 'y' } })).toEqual({
      ok: true,
      previous: 'deleting',
    });
    expect((await store.get(id))?.error).toEqual({ step: 'delete', code: 'X', message: 'y' });
  });
});
