import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test/api/test-app.js';

describe('health', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('answers /healthz and /readyz without credentials while Redis answers', async () => {
    const health = await t.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('X-Request-Id')).toBeTruthy();
  });

  it('answers /readyz 503 when Redis does not answer, /healthz still 200', async () => {
    // Cut the API's command connection, as if Redis had gone away.
    t.redis.disconnect();
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'redis_unavailable' } });
    expect((await t.app.request('/healthz')).status).toBe(200);
  });

  it('answers unknown routes 404 in the error shape', async () => {
    const res = await t.app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
