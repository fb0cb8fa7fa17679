import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreatedBody,
  type ErrorBody,
  json,
  makeTestApp,
  read,
  type TestApp,
} from '../../test/api/test-app.js';
import { failCreate } from '../../test/support/instance-status.js';
import { makeApp } from '../app.js';
import { IDEMPOTENCY_TTL_SECONDS } from './idempotency-store.js';

describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const create = (body: Record<string, unknown>, key?: string) =>
    t.app.request('/v1/instances', {
      method: 'POST',
      headers: { ...json, ...(key ? { 'Idempotency-Key': key } : {}) },
      body: JSON.stringify(body),
    });
  const ada = { userId: 'ada', email: 'ada@example.com' };

  it('replays the first create, gateway token included, and keeps it sealed in Redis for 24 h', async () => {
    const first = await create(ada, 'signup-ada-1');
    expect(first.status).toBe(202);
    const created = await read<CreatedBody>(first);
    // Same body with its keys in another order: the same request.
    const again = await create({ email: ada.email, userId: ada.userId }, 'signup-ada-1');
    expect(again.status).toBe(202);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.headers.get('Location')).toBe(`/v1/instances/${created.id}`);
    expect(await read<CreatedBody>(again)).toEqual(created);
    // Without the key the same create answers as it always did: the live instance, no token.
    const plain = await create(ada);
    expect(plain.status).toBe(200);
    expect(await plain.json()).not.toHaveProperty('gatewayToken');

    expect(await t.queue.getJobs(['waiting', 'delayed', 'prioritized'])).toHaveLength(1);
    expect(await t.dump()).not.toContain(created.gatewayToken);
    const [key] = await t.ns.redis.keys(`${t.ns.prefix}:idem:*`);
    expect(key).toBeDefined();
    const ttl = await t.ns.redis.ttl(key!);
    expect(ttl).toBeGreaterThan(IDEMPOTENCY_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(IDEMPOTENCY_TTL_SECONDS);
  });

  it('answers 422 to the same key with another body, and changes nothing', async () => {
    expect((await create(ada, 'k-1')).status).toBe(202);
    const before = await t.keys();
    const other = await create({ userId: 'bob', email: 'bob@example.com' }, 'k-1');
    expect(other.status).toBe(422);
    expect((await read<ErrorBody>(other)).error.code).toBe('idempotency_key_reused');
    expect(await t.keys()).toEqual(before);
  });

  it('answers 409 to a request whose key is still in flight', async () => {
    const [a, b] = await Promise.all([create(ada, 'k-race'), create(ada, 'k-race')]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const conflict = a.status === 409 ? a : b;
    expect((await read<ErrorBody>(conflict)).error.code).toBe('idempotency_key_in_use');
    // Once the first has answered, the retry gets its response.
    const retried = await create(ada, 'k-race');
    expect(retried.status).toBe(202);
    expect(retried.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('does not keep a refused request: fixing the body and retrying with the key runs it', async () => {
    const bad = await create({ userId: 'ada' }, 'k-fix');
    expect(bad.status).toBe(400);
    const fixed = await create(ada, 'k-fix');
    expect(fixed.status).toBe(202);
    expect(fixed.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('rejects a key that is too long or not printable ASCII', async () => {
    const res = await create(ada, 'x'.repeat(256));
    expect(res.status).toBe(400);
    expect((await read<ErrorBody>(res)).error.code).toBe('invalid_idempotency_key');
    expect(await t.ns.redis.keys(`${t.ns.prefix}:idem:*`)).toEqual([]);
  });

  it('replays a delete: the retried delete answers what the first did, not a 409', async () => {
    const { id } = await read<CreatedBody>(await create(ada));
    const del = () =>
      t.app.request(`/v1/instances/${id}`, {
        method: 'DELETE',
        headers: { ...json, 'Idempotency-Key': 'd-1' },
      });
    const first = await del();
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    await t.store.markDeleted((await t.store.get(id))!);
    const again = await del();
    expect(again.status).toBe(202);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
  });

  it('replays a retry of a failed create', async () => {
    const { id } = await read<CreatedBody>(await create(ada));
    await failCreate(t.store, id);
    const retry = () =>
      t.app.request(`/v1/instances/${id}/retry`, {
        method: 'POST',
        headers: { ...json, 'Idempotency-Key': 'r-1' },
      });
    expect((await retry()).status).toBe(202);
    const again = await retry();
    expect(again.status).toBe(202);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    // One retry job, not two.
    const creates = (await t.queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.name === 'create',
    );
    expect(creates).toHaveLength(2);
  });
});

describe('Idempotency-Key when the answer to a create was lost after its write', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('the retry recognises its own instance and answers 202 with the token the record holds', async () => {
    // Fault injection on the wire: the create script runs in Redis, then its reply is lost (as when the
    // command timeout fires just after Redis executed it). The store, Redis and queue are real.
    let loseNextReply = true;
    const store = new Proxy(t.store, {
      get(target, name, receiver) {
        if (name !== 'create') return Reflect.get(target, name, receiver);
        return async (...args: Parameters<typeof target.create>) => {
          const result = await target.create(...args);
          if (loseNextReply) {
            loseNextReply = false;
            throw new Error('Command timed out');
          }
          return result;
        };
      },
    });
    const app = makeApp({ ...t.deps, store });
    const create = () =>
      app.request('/v1/instances', {
        method: 'POST',
        headers: { ...json, 'Idempotency-Key': 'lost-reply' },
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
      });

    const lost = await create();
    expect(lost.status).toBe(503);
    expect(lost.headers.get('Retry-After')).toBeTruthy();
    // The write went through: the user has an instance, and no one has its token yet.
    const ids = await t.ns.redis.keys(`${t.ns.prefix}:inst:*`);
    expect(ids).toHaveLength(1);

    const retried = await create();
    expect(retried.status).toBe(202);
    const body = await read<CreatedBody>(retried);
    expect(ids[0]).toBe(`${t.ns.prefix}:inst:${body.id}`);
    const sealed = await t.store.sealedCredentials(body.id);
    expect(t.sealer.open(sealed!.gatewayToken, body.id)).toBe(body.gatewayToken);
    // Exactly one create job, and the next retry replays the same answer.
    expect((await t.queue.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => j.id)).toEqual([
      `create-${body.id}-1`,
    ]);
    const replay = await create();
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect((await read<CreatedBody>(replay)).gatewayToken).toBe(body.gatewayToken);
    expect(await t.dump()).not.toContain(body.gatewayToken);
  });
});
