import { afterEach, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../shared/config.js';
import { adminAuth, makeTestApp, type TestApp } from '../test/api/test-app.js';

const ADD = '/admin/queues/api/queues/instances/add';
const deleteJob = JSON.stringify({ name: 'delete', data: { instanceId: 'aaaaaaaaaaaa', requestId: 'x' } });

describe('Bull Board: CSRF defence and read-only mode', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const jobs = () => t!.queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused']);

  it('refuses the forged request: a text/plain POST from a foreign Origin adds no job', async () => {
    t = await makeTestApp({ env: { BULL_BOARD_READ_ONLY: 'false' } });
    const forged = await t.app.request(`http://localhost${ADD}`, {
      method: 'POST',
      headers: {
        ...adminAuth,
        Host: 'localhost',
        Origin: 'https://evil.example',
        'content-type': 'text/plain',
      },
      body: deleteJob,
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'cross_site_request' } });
    expect(await jobs()).toEqual([]);
  });

  it.each([
    [
      'Sec-Fetch-Site: cross-site, even as JSON',
      { 'Sec-Fetch-Site': 'cross-site', 'content-type': 'application/json' },
      403,
    ],
    [
      'a foreign Origin, even as JSON',
      { Origin: 'https://evil.example', 'content-type': 'application/json' },
      403,
    ],
    ['text/plain without an Origin (a form or a no-cors fetch)', { 'content-type': 'text/plain' }, 415],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ])('refuses a mutation with %s', async (_, headers, status) => {
    t = await makeTestApp({ env: { BULL_BOARD_READ_ONLY: 'false' } });
    const res = await t.app.request(`http://localhost${ADD}`, {
      method: 'POST',
      headers: { ...adminAuth, Host: 'localhost', ...headers },
      body: deleteJob,
    });
    expect(res.status).toBe(status);
    expect(await jobs()).toEqual([]);
  });

  it('accepts a same-origin JSON mutation when not read-only (what the board itself sends)', async () => {
    t = await makeTestApp({ env: { BULL_BOARD_READ_ONLY: 'false' } });
    const res = await t.app.request(`http://localhost${ADD}`, {
      method: 'POST',
      headers: {
        ...adminAuth,
        Host: 'localhost',
        Origin: 'http://localhost',
        'Sec-Fetch-Site': 'same-origin',
        'content-type': 'application/json',
      },
      body: deleteJob,
    });
    expect(res.status).toBe(200);
    expect((await jobs()).map((j) => j.name)).toEqual(['delete']);
  });

  it('BULL_BOARD_READ_ONLY refuses every mutation and marks each queue read-only', async () => {
    t = await makeTestApp({ env: { BULL_BOARD_READ_ONLY: 'true' } });
    const res = await t.app.request(`http://localhost${ADD}`, {
      method: 'POST',
      headers: {
        ...adminAuth,
        Host: 'localhost',
        Origin: 'http://localhost',
        'content-type': 'application/json',
      },
      body: deleteJob,
    });
    expect(res.status).toBe(405);
    expect(await jobs()).toEqual([]);
    const list = await t.app.request('/admin/queues/api/queues', { headers: adminAuth });
    const { queues } = (await list.json()) as { queues: { readOnlyMode: boolean; allowRetries: boolean }[] };
    expect(queues.length).toBe(3);
    for (const q of queues) expect(q).toMatchObject({ readOnlyMode: true, allowRetries: false });
  });

  it('is read-only by default in production, and not elsewhere unless asked', () => {
    const env = {
      API_TOKEN: 'x'.repeat(16),
      ADMIN_PASSWORD: 'y'.repeat(8),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
      ALB_LISTENER_ARN: 'arn:aws:elasticloadbalancing:us-west-2:1:listener/app/a/1/2',
      ALB_DNS_NAME: 'alb.test',
    };
    expect(loadApiConfig({ ...env, NODE_ENV: 'production' }).bullBoardReadOnly).toBe(true);
    expect(
      loadApiConfig({ ...env, NODE_ENV: 'production', BULL_BOARD_READ_ONLY: 'false' }).bullBoardReadOnly,
    ).toBe(false);
    expect(loadApiConfig({ ...env, NODE_ENV: 'development' }).bullBoardReadOnly).toBe(false);
  });
});

describe('security headers on every HTML page', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([
    ['/', {}, "script-src 'self'"],
    ['/dashboard', adminAuth, "script-src 'self'; style-src 'self'"],
    ['/docs', {}, "script-src 'self'"],
    ['/admin/queues', adminAuth, 'https://fonts.googleapis.com'],
    ['/admin/queues', {}, "frame-ancestors 'none'"],
  ])(
    '%s answers with a CSP, frame-ancestors none and X-Frame-Options DENY',
    async (path, headers, directive) => {
      t = await makeTestApp();
      const res = await t.app.request(path, { headers });
      expect([200, 401]).toContain(res.status);
      const csp = res.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain(directive);
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    },
  );
});
