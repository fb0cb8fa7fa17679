import { describe, expect, it } from 'vitest';
import { storeFixture } from '../../test/support/store-fixture.js';

describe('named transitions', () => {
  const f = storeFixture({
    listeners: [{ listenerArn: 'arn:listener/a', dnsName: 'a.example' }],
    rulesPerListener: 4,
    targetGroupsPerAlb: 5,
    margin: 1,
  });

  it('makes a named transition only from its statuses and keeps status indexes true', async () => {
    const instance = await f.create('bob');
    const { id } = instance;
    const { store } = f;
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
    const instance = await f.create('cleo');
    const { store } = f;
    const gaveUp = await store.giveUp(instance.id, { instance, reason: 'r' }, { onlyFrom: ['running'] });
    expect(gaveUp).toEqual({ ok: false, reason: 'conflict', current: 'queued' });
    const again = await store.giveUp(instance.id, { instance, reason: 'r' }, { onlyFrom: ['queued'] });
    expect(again).toEqual({ ok: true, previous: 'queued' });
    const { error } = (await store.get(instance.id))!;
    expect(error).toEqual({ step: 'reconcile', code: 'ReconcileGaveUp', message: 'r' });
  });

  it('a delete failure keeps the instance deleting, with its error, and leaves the delete start time alone', async () => {
    const { id } = await f.create('dora');
    const { store } = f;
    const early = await store.markDeleteFailed(id, { error: { code: 'X', message: 'y' } });
    expect(early).toEqual({ ok: false, reason: 'conflict', current: 'queued' });
    expect(await store.markDeleting(id)).toEqual({ ok: true, previous: 'queued' });
    const began = (await store.get(id))!.updatedAt;
    // Already deleting: a second delete request changes nothing (its start time stays).
    expect(await store.markDeleting(id)).toEqual({ ok: false, reason: 'conflict', current: 'deleting' });
    expect((await store.get(id))!.updatedAt).toBe(began);
    const failed = await store.markDeleteFailed(id, { error: { code: 'X', message: 'y' } });
    expect(failed).toEqual({ ok: true, previous: 'deleting' });
    expect((await store.get(id))?.error).toEqual({ step: 'delete', code: 'X', message: 'y' });
  });
});
