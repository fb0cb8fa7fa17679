import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, type ErrorBody, makeTestApp, read, type TestApp } from '../test/api/test-app.js';

describe('405 Method Not Allowed', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it.each([
    ['PUT', '/v1/instances', 'GET, HEAD, OPTIONS, POST'],
    ['PATCH', '/v1/instances/abcdefghijkl', 'DELETE, GET, HEAD, OPTIONS'],
    ['GET', '/v1/instances/abcdefghijkl/retry', 'OPTIONS, POST'],
    ['POST', '/v1/cost', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/healthz', 'GET, HEAD, OPTIONS'],
  ])('%s %s answers 405 with Allow: %s, and changes nothing', async (method, path, allow) => {
    const before = await t.keys();
    const res = await t.app.request(path, { method, headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe(allow);
    const body = await read<ErrorBody>(res);
    expect(body.error).toMatchObject({ code: 'method_not_allowed', details: { allow: allow.split(', ') } });
    expect(res.headers.get('X-Request-Id')).toBe(body.error.requestId);
    expect(await t.keys()).toEqual(before);
  });

  it('asks for credentials before telling which methods a /v1 path has', async () => {
    expect((await t.app.request('/v1/instances', { method: 'PUT' })).status).toBe(401);
  });

  it('answers OPTIONS with 204 and Allow; unknown paths and unknown assets stay 404', async () => {
    const options = await t.app.request('/v1/instances', { method: 'OPTIONS', headers: auth });
    expect(options.status).toBe(204);
    expect(options.headers.get('Allow')).toBe('GET, HEAD, OPTIONS, POST');
    for (const [method, path] of [
      ['PUT', '/v1/nothing-here'],
      ['GET', '/v1/instances/abcdefghijkl/nothing'],
      ['GET', '/docs/assets/package.json'],
    ] as const) {
      const res = await t.app.request(path, { method, headers: auth });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await read<ErrorBody>(res)).error.code).toBe('not_found');
    }
  });

  it('keeps the main app on RegExpRouter: the 405 is decided after the router found nothing', async () => {
    await t.app.request('/v1/instances', { method: 'PUT', headers: auth });
    const router = t.app.router as unknown as { activeRouter?: { name: string } };
    expect(router.activeRouter?.name).toBe('RegExpRouter');
  });
});
