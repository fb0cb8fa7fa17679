import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USER, adminAuth, makeTestApp, type TestApp } from '../../test/api/test-app.js';

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('admin auth on Bull Board and the dashboard', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const protectedPaths = [
    '/admin/queues',
    '/admin/queues/',
    '/admin/queues/api/queues',
    '/admin/queues/api/queues?activeQueue=instances&status=latest&page=1',
    '/admin/queues/static/favicon-32x32.png',
    '/admin/queues/queue/instances',
    '/dashboard',
    '/dashboard/',
    '/dashboard/api/summary',
  ];

  it.each(protectedPaths)('401 with a Basic challenge on %s without credentials', async (path) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it.each([
    ['a wrong password', basic(ADMIN_USER, `${ADMIN_PASSWORD}x`)],
    ['a wrong user', basic('root', ADMIN_PASSWORD)],
    ['the API token as bearer', { Authorization: 'Bearer test-api-token-0123456789' }],
  ])('401 with %s', async (_, headers) => {
    expect((await t.app.request('/admin/queues', { headers })).status).toBe(401);
    expect((await t.app.request('/admin/queues/api/queues', { headers })).status).toBe(401);
  });

  it('serves the board, its API (listing every queue) and its static assets with credentials', async () => {
    const page = await t.app.request('/admin/queues', { headers: adminAuth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('OpenClaw Fleet');

    const api = await t.app.request('/admin/queues/api/queues?activeQueue=instances&page=1', {
      headers: adminAuth,
    });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(['capacity', 'instances', 'reconcile']);

    const asset = await t.app.request('/admin/queues/static/favicon-32x32.png', { headers: adminAuth });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('Content-Type')).toBe('image/png');
  });

  it("keeps the board's routes out of the main router, which stays on RegExpRouter", async () => {
    // One board route is a pattern RegExpRouter refuses; merged in, it moved every request onto
    // TrieRouter (a visible share of a create's CPU). The board has an app of its own for that.
    await t.app.request('/healthz');
    const router = t.app.router as unknown as { activeRouter?: { name: string } };
    expect(router.activeRouter?.name).toBe('RegExpRouter');
    expect(t.app.routes.some((r) => r.path.startsWith('/admin/queues/api'))).toBe(false);
    const unknown = await t.app.request('/admin/queues/no/such/page', { headers: adminAuth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(unknown.headers.get('X-Request-Id')).toBeTruthy();
  });
});
