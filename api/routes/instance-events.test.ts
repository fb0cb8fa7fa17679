import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sseReader } from '../../test/api/sse-reader.js';
import { type CreatedBody, json, makeTestApp, read, type TestApp } from '../../test/api/test-app.js';
import { failCreate } from '../../test/support/instance-status.js';

describe('GET /v1/instances/:id/events', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ heartbeatMs: 50 });
  });
  afterEach(() => t.close());

  const create = async (userId: string) =>
    read<CreatedBody>(
      await t.app.request('/v1/instances', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId, email: `${userId}@example.com` }),
      }),
    );

  /** Waits until the process has subscribed to the instance's channel (the snapshot is sent after). */
  const subscribed = async (id: string) => {
    const channel = t.store.keys.events(id);
    for (let i = 0; i < 100; i++) {
      const [, count] = (await t.ns.redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('never subscribed');
  };

  it('sends the snapshot, then each change, with heartbeats, and closes at running', async () => {
    const { id } = await create('ada');
    const res = await t.app.request(`/v1/instances/${id}/events`, { headers: json });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/event-stream');
    const events = sseReader(res);

    const snapshot = await events.nextEvent();
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { id, status: 'queued', currentStep: null } });
    await subscribed(id);

    await t.store.startProvisioning(id);
    expect(await events.nextEvent()).toMatchObject({
      event: 'status',
      data: { id, status: 'provisioning' },
    });

    await t.store.recordStep(
      id,
      'secret',
      { state: 'done', attempts: 1, startedAt: 's', endedAt: 'e', output: { secretArn: 'arn:secret' } },
      'provisioning',
    );
    const step = await events.nextEvent();
    expect(step).toMatchObject({
      event: 'step',
      data: {
        id,
        status: 'provisioning',
        currentStep: 'secret',
        step: { id: 'secret', state: 'done', attempts: 1 },
      },
    });
    expect(JSON.stringify(step)).not.toContain('arn:secret');

    // A heartbeat comment arrives while nothing changes.
    let frame = await events.next();
    while (frame && !frame.comment) frame = await events.next();
    expect(frame?.data).toBe(': heartbeat');

    await t.store.markRunning(id, { instance: (await t.store.get(id))!, runningAt: 'now' });
    expect(await events.nextEvent()).toMatchObject({ event: 'status', data: { status: 'running' } });
    expect(await events.nextEvent()).toBeNull();
    // The process let go of the channel once its last listener left.
    const [, count] = (await t.ns.redis.pubsub('NUMSUB', t.store.keys.events(id))) as [string, number];
    expect(Number(count)).toBe(0);
  });

  it('closes right after the snapshot when the instance has already settled', async () => {
    const { id } = await create('bob');
    await failCreate(t.store, id);
    const events = sseReader(await t.app.request(`/v1/instances/${id}/events`, { headers: json }));
    expect(await events.nextEvent()).toMatchObject({ event: 'snapshot', data: { status: 'failed' } });
    expect(await events.nextEvent()).toBeNull();
  });

  it('shares one subscription between streams and drops it when the last reader leaves', async () => {
    const { id } = await create('cy');
    const a = sseReader(await t.app.request(`/v1/instances/${id}/events`, { headers: json }));
    const b = sseReader(await t.app.request(`/v1/instances/${id}/events`, { headers: json }));
    await a.nextEvent();
    await b.nextEvent();
    await t.store.recordStep(id, 'secret', { state: 'running', attempts: 1 }, 'provisioning');
    expect(await a.nextEvent()).toMatchObject({ event: 'step' });
    expect(await b.nextEvent()).toMatchObject({ event: 'step' });
    const channel = t.store.keys.events(id);
    await a.cancel();
    await b.cancel();
    for (let i = 0; i < 100; i++) {
      const [, count] = (await t.ns.redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('still subscribed after every reader left');
  });

  it('answers 404 for an unknown instance without leaving a subscription', async () => {
    const res = await t.app.request('/v1/instances/zzzzzzzzzzzz/events', { headers: json });
    expect(res.status).toBe(404);
    const [, count] = (await t.ns.redis.pubsub('NUMSUB', t.store.keys.events('zzzzzzzzzzzz'))) as [
      string,
      number,
    ];
    expect(Number(count)).toBe(0);
  });
});
