import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTANCE_ID_PATTERN } from '../../shared/naming.js';
import {
  adminAuth,
  type CreatedBody,
  type ErrorBody,
  type InstanceBody,
  json,
  makeTestApp,
  type PageBody,
  read,
  type TestApp,
} from '../../test/api/test-app.js';
import { failCreate } from '../../test/support/instance-status.js';

const KEY = 'sk-ant-api03-THISISAPLAINTEXTKEY_0123456789';

describe('instances routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.request('/v1/instances', {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify(body),
    });

  it('creates: 202 with the one-time token, a job with ids only, and no plaintext secret in Redis', async () => {
    const res = await create(
      { userId: 'ada', email: 'ada@example.com', anthropicApiKey: KEY },
      { 'X-Request-Id': 'req-from-client-1' },
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('X-Request-Id')).toBe('req-from-client-1');
    const body = await read<CreatedBody>(res);
    expect(body).toEqual({
      id: expect.stringMatching(INSTANCE_ID_PATTERN),
      status: 'queued',
      url: `http://alb.test/${body.id}/`,
      gatewayToken: expect.any(String),
      links: {
        self: `/v1/instances/${body.id}`,
        events: `/v1/instances/${body.id}/events`,
        delete: `/v1/instances/${body.id}`,
      },
    });
    expect(body.gatewayToken.length).toBeGreaterThanOrEqual(40);

    const jobs = await t.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe('create');
    expect(jobs[0]!.id).toBe(`create-${body.id}-1`);
    expect(jobs[0]!.data).toEqual({ instanceId: body.id, requestId: 'req-from-client-1', reason: 'signup' });

    const everything = await t.dump();
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(body.gatewayToken);
    // The sealed copies open with the instance id as associated data.
    const sealed = await t.store.sealedCredentials(body.id);
    expect(t.sealer.open(sealed!.gatewayToken, body.id)).toBe(body.gatewayToken);
    expect(t.sealer.open(sealed!.anthropicApiKey!, body.id)).toBe(KEY);

    const record = await t.store.get(body.id);
    expect(record).toMatchObject({ userId: 'ada', email: 'ada@example.com', requestId: 'req-from-client-1' });
  });

  it('answers a double submit with 200 and the same instance, without a token or a second job', async () => {
    const first = await read<CreatedBody>(await create({ userId: 'bob', email: 'bob@example.com' }));
    const again = await create({ userId: 'bob', email: 'bob@example.com' });
    expect(again.status).toBe(200);
    const body = await read<InstanceBody & { gatewayToken?: string }>(again);
    expect(body.id).toBe(first.id);
    expect(body.gatewayToken).toBeUndefined();
    expect(body.steps).toHaveLength(7);
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 1 });
  });

  it('reads an instance with every step', async () => {
    const { id } = await read<CreatedBody>(await create({ userId: 'cy', email: 'cy@example.com' }));
    await t.store.recordStep(
      id,
      'secret',
      { state: 'done', attempts: 1, startedAt: 'a', endedAt: 'b', output: { arn: 'arn:secret' } },
      'provisioning',
    );
    const res = await t.app.request(`/v1/instances/${id}`, { headers: json });
    expect(res.status).toBe(200);
    const body = await read<InstanceBody>(res);
    expect(body).toMatchObject({
      id,
      status: 'queued',
      currentStep: 'secret',
      url: `http://alb.test/${id}/`,
    });
    expect(body.steps[0]).toEqual({
      id: 'secret',
      state: 'done',
      startedAt: 'a',
      endedAt: 'b',
      attempts: 1,
      lastError: null,
    });
    expect(body.steps.map((s) => s.id)).toEqual([
      'secret',
      'task-definition',
      'target-group',
      'listener-rule',
      'service',
      'placement',
      'reachable',
    ]);
    expect(JSON.stringify(body)).not.toContain('sealed');
    expect((await t.app.request('/v1/instances/zzzzzzzzzzzz', { headers: json })).status).toBe(404);
  });

  it('pages through the list newest first with an opaque cursor, and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await read<CreatedBody>(await create({ userId: `u${i}`, email: `u${i}@example.com` }))).id);
      await new Promise((r) => setTimeout(r, 2));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await t.app.request(`/v1/instances?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: json,
      });
      expect(res.status).toBe(200);
      const page = await read<PageBody>(res);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    await failCreate(t.store, ids[0]!);
    const failed = await read<PageBody>(
      await t.app.request('/v1/instances?status=failed', { headers: json }),
    );
    expect(failed.items.map((i) => i.id)).toEqual([ids[0]]);
    const bad = await t.app.request('/v1/instances?cursor=bm90LW91cnM', { headers: json });
    expect(bad.status).toBe(400);
    expect((await read<ErrorBody>(bad)).error.code).toBe('invalid_cursor');
  });

  it('deletes: 202, again 202 while deleting, 409 once deleted, 404 when unknown', async () => {
    const { id } = await read<CreatedBody>(await create({ userId: 'dee', email: 'dee@example.com' }));
    const del = () => t.app.request(`/v1/instances/${id}`, { method: 'DELETE', headers: json });
    const first = await del();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ id, status: 'deleting' });
    expect((await t.store.get(id))?.status).toBe('deleting');
    const job = await t.queue.getJob(`delete-${id}`);
    expect(job?.data).toMatchObject({ instanceId: id, reason: 'user-delete' });
    expect((await del()).status).toBe(202);
    expect((await t.queue.getJobs(['waiting'])).filter((j) => j.name === 'delete')).toHaveLength(1);

    const record = await t.store.get(id);
    await t.store.markDeleted(record!);
    const gone = await del();
    expect(gone.status).toBe(409);
    expect((await read<ErrorBody>(gone)).error.code).toBe('already_deleted');

    const unknown = await t.app.request('/v1/instances/zzzzzzzzzzzz', { method: 'DELETE', headers: json });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('retries only a failed instance, with a fresh create job and the error cleared', async () => {
    const { id } = await read<CreatedBody>(await create({ userId: 'eve', email: 'eve@example.com' }));
    const retry = () => t.app.request(`/v1/instances/${id}/retry`, { method: 'POST', headers: json });
    const early = await retry();
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({
      error: { code: 'not_failed', details: { status: 'queued' } },
    });

    await failCreate(t.store, id, { step: 'service', code: 'InvalidParameterException', message: 'nope' });
    const res = await retry();
    expect(res.status).toBe(202);
    const record = await t.store.get(id);
    expect(record).toMatchObject({ status: 'queued', error: null });
    const job = await t.queue.getJob(`create-${id}-2`);
    expect(job?.data).toMatchObject({ instanceId: id, reason: 'retry' });
    expect((await retry()).status).toBe(409);
    expect(
      (await t.app.request('/v1/instances/zzzzzzzzzzzz/retry', { method: 'POST', headers: json })).status,
    ).toBe(404);
  });

  it('refuses with 503 no_routing_capacity when every listener is full, creating nothing', async () => {
    await t.close();
    t = await makeTestApp({ env: { ALB_RULES_PER_LISTENER: '3', ALB_QUOTA_MARGIN: '2' } });
    expect((await create({ userId: 'one', email: 'one@example.com' })).status).toBe(202);
    const before = await t.keys();
    const res = await create({ userId: 'two', email: 'two@example.com' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'no_routing_capacity', details: { used: 1, capacity: 1 } },
    });
    expect(await t.keys()).toEqual(before);
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 1 });
  });

  it('answers an unexpected failure 500 with the request id and no internals', async () => {
    // A key of the wrong type: Redis refuses the read (WRONGTYPE), which no route expects.
    await t.ns.redis.set(t.store.keys.instance('aaaaaaaaaaaa'), 'not a hash');
    const res = await t.app.request('/v1/instances/aaaaaaaaaaaa', {
      headers: { ...json, 'X-Request-Id': 'trace-me-500' },
    });
    expect(res.status).toBe(500);
    const body = await read<ErrorBody>(res);
    expect(body).toEqual({
      error: {
        code: 'internal_error',
        message: expect.stringContaining('request id'),
        details: null,
        requestId: 'trace-me-500',
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/wrongtype|redis|stack|at /i);
  });

  it('answers 503 with Retry-After, the request id and no internals when Redis is gone', async () => {
    t.redis.disconnect();
    const res = await t.app.request('/v1/instances/aaaaaaaaaaaa', {
      headers: { ...json, 'X-Request-Id': 'trace-me-503' },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBeTruthy();
    const body = await read<ErrorBody>(res);
    expect(body).toEqual({
      error: {
        code: 'redis_unavailable',
        message: expect.stringContaining('retry'),
        details: null,
        requestId: 'trace-me-503',
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/connection|stack|at /i);
  });

  it('serves the capacity dashboard behind admin auth', async () => {
    expect((await t.app.request('/dashboard')).status).toBe(401);
    const ok = await t.app.request('/dashboard', { headers: adminAuth });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^<!doctype html>/i);
  });
});
