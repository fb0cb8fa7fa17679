import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USER, adminAuth, makeTestApp, type TestApp } from '../../test/api/test-app.js';

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const from = (address: string) => ({ 'X-Forwarded-For': address });

describe('failed admin logins: rate-limited and locked out per client address, through Redis', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('50 wrong passwords against a limit of 5: 401 five times, then 429 with Retry-After, even for the right one', async () => {
    t = await makeTestApp({
      env: { ADMIN_LOGIN_MAX_FAILURES: '5', ADMIN_LOGIN_LOCKOUT_SECONDS: '600', TRUSTED_PROXY_HOPS: '1' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await t.app.request('/admin/queues', {
        headers: { ...basic(ADMIN_USER, `guess-${i}`), ...from('203.0.113.7') },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
        expect(await res.json()).toMatchObject({ error: { code: 'too_many_failed_logins' } });
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(45).fill(429));
    // Locked out: the right password from that address waits too; another address is not affected.
    const locked = await t.app.request('/admin/queues', {
      headers: { ...adminAuth, ...from('203.0.113.7') },
    });
    expect(locked.status).toBe(429);
    const other = await t.app.request('/admin/queues', {
      headers: { ...adminAuth, ...from('198.51.100.2') },
    });
    expect(other.status).toBe(200);
    // The count lives in Redis under the deployment's prefix, so every API process sees it.
    expect(await t.ns.redis.keys(`${t.ns.prefix}:admin-login-failures:*`)).toEqual([
      `${t.ns.prefix}:admin-login-failures:203.0.113.7`,
    ]);
  });

  it('does not count a request without credentials, and a success clears earlier failures', async () => {
    t = await makeTestApp({ env: { ADMIN_LOGIN_MAX_FAILURES: '3' } });
    for (let i = 0; i < 10; i++) expect((await t.app.request('/dashboard')).status).toBe(401);
    const wrong = () => t!.app.request('/dashboard', { headers: basic(ADMIN_USER, `${ADMIN_PASSWORD}x`) });
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    expect((await t.app.request('/dashboard', { headers: adminAuth })).status).toBe(200);
    // Cleared: three more wrong ones are 401 before the lockout starts.
    expect([(await wrong()).status, (await wrong()).status, (await wrong()).status]).toEqual([401, 401, 401]);
    expect((await wrong()).status).toBe(429);
  });
});
