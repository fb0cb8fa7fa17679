import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig } from '../../shared/config.js';
import { INSTANCE_ID_PATTERN } from '../../shared/naming.js';
import { makeSignupApp, type SignupApp } from '../../test/api/signup-harness.js';
import { type ErrorBody, read } from '../../test/api/test-app.js';
import { failCreate } from '../../test/support/instance-status.js';

const KEY = 'sk-ant-api03-SIGNUPPAGEKEY_0123456789abcdef';

interface Opened {
  id: string;
  status: string;
  url: string;
  steps: string[];
  gatewayToken?: string;
  links: { events: string };
}

/** Everything the store writes for instances (no rate counters, spent proofs or pending links). */
const instanceKeys = async (t: SignupApp) => (await t.keys()).filter((k) => /:(inst|user):/.test(k));

describe('signup: verified owners only', () => {
  let t: SignupApp;
  afterEach(() => t.close());

  it('serves the page, its own files and the ALTCHA widget, with no external assets', async () => {
    t = await makeSignupApp();
    const page = await t.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<altcha-widget');
    expect(html).not.toMatch(/(src|href)="https?:/);
    for (const asset of ['/signup.css', '/signup.js']) {
      const res = await t.app.request(asset);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toMatch(/https?:\/\//);
    }
    for (const asset of [
      '/signup-vendor/altcha.js',
      '/signup-vendor/altcha.css',
      '/signup-vendor/altcha-sha.js',
    ])
      expect((await t.app.request(asset)).status).toBe(200);
    // No dev outbox where mail goes through SMTP.
    expect((await t.app.request('/dev/outbox')).status).toBe(404);
  });

  it('answers known and unknown addresses alike, creates nothing, and mails the normalized owner', async () => {
    t = await makeSignupApp();
    const first = await t.signup('ada@example.com', { anthropicApiKey: KEY });
    const firstBody = await first.text();
    expect(first.status).toBe(202);
    const opened = await read<Opened>(await t.open((await t.inbox.next('ada@example.com')).link));
    expect(opened.gatewayToken).toBeTruthy();

    // A squatter typing the owner's address in capitals, and a stranger's unknown address.
    const squatter = await t.signup('ADA@Example.COM');
    const unknown = await t.signup('nobody@example.com');
    expect([squatter.status, unknown.status]).toEqual([202, 202]);
    expect(await squatter.text()).toBe(firstBody);
    expect(await unknown.text()).toBe(firstBody);
    // The squatter's request mailed the real owner, lowercased: nothing reached the squatter.
    expect(t.inbox.mails.map((m) => m.to)).toEqual([
      ['ada@example.com'],
      ['ada@example.com'],
      ['nobody@example.com'],
    ]);
    // Nothing exists for the unknown address until its link is opened.
    expect(await t.redis.get(t.store.keys.user('nobody@example.com'))).toBeNull();
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 1 });
  });

  it('creates only when the link is opened, once; a second link resumes the same instance without a token', async () => {
    t = await makeSignupApp();
    expect((await t.signup('Grace@Example.com', { anthropicApiKey: KEY })).status).toBe(202);
    expect(await instanceKeys(t)).toEqual([]);
    const mail = await t.inbox.next('grace@example.com');
    expect(mail.link).toMatch(/^https:\/\/fleet\.test\/#verify=/);
    const res = await t.open(mail.link);
    expect(res.status).toBe(200);
    const opened = await read<Opened>(res);
    expect(opened).toMatchObject({
      id: expect.stringMatching(INSTANCE_ID_PATTERN),
      status: 'queued',
      gatewayToken: expect.any(String),
      links: { events: expect.stringMatching(new RegExp(`^/signup/${opened.id}/events\\?token=`)) },
    });
    expect(await t.store.get(opened.id)).toMatchObject({ userId: 'grace@example.com' });

    const again = await t.open(mail.link);
    expect(again.status).toBe(410);
    expect((await read<ErrorBody>(again)).error.code).toBe('link_used');

    await t.signup('grace@example.com');
    const resumed = await read<Opened>(await t.open((await t.inbox.next('grace@example.com', 1)).link));
    expect(resumed.id).toBe(opened.id);
    expect(resumed.gatewayToken).toBeUndefined();
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 1 });

    // Neither the link, nor the address in a pending link, nor the key is in Redis in the clear.
    const everything = await t.dump();
    for (const secret of [KEY, opened.gatewayToken!, t.tokenOf(mail.link).token])
      expect(everything).not.toContain(secret);
    expect((await t.keys()).some((k) => k.includes('grace'))).toBe(true); // the store's user pointer only
    expect((await t.keys()).filter((k) => k.includes(':signup:link:'))).toEqual([]);
  });

  it('refuses forged, other-purpose and expired links', async () => {
    t = await makeSignupApp({ env: { SIGNUP_LINK_TTL_SECONDS: '1' } });
    await t.signup('lin@example.com');
    const { token } = t.tokenOf((await t.inbox.next('lin@example.com')).link);
    const [body, mac] = token.split('.');
    // A different first character: it carries six bits of the MAC, so the forgery always differs (the
    // last two, replaced before, matched the real ones about once in a thousand runs).
    const forgedMac = `${mac!.startsWith('A') ? 'B' : 'A'}${mac!.slice(1)}`;
    const forged = await t.post('/signup/verify', { token: `${body}.${forgedMac}` });
    expect((await read<ErrorBody>(forged)).error.code).toBe('link_invalid');
    const wrongPurpose = await t.post('/signup/rotate', { token });
    expect((await read<ErrorBody>(wrongPurpose)).error.code).toBe('link_invalid');
    // The signed expiry is whole seconds: wait until it has passed, then the link is refused as expired.
    const expiry = JSON.parse(Buffer.from(body!, 'base64url').toString()).x * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiry - Date.now() + 5)));
    const expired = await t.post('/signup/verify', { token });
    expect(expired.status).toBe(410);
    expect((await read<ErrorBody>(expired)).error.code).toBe('link_expired');
    expect(await instanceKeys(t)).toEqual([]);
  });

  it('needs a fresh proof of work for every request, and mails nothing without one', async () => {
    t = await makeSignupApp();
    const missing = await t.post('/signup', { email: 'a@example.com' });
    expect(missing.status).toBe(400);
    const bogus = await t.post('/signup', {
      email: 'a@example.com',
      altcha: Buffer.from('{}').toString('base64'),
    });
    expect((await read<ErrorBody>(bogus)).error.code).toBe('proof_of_work_failed');
    const payload = await t.pow();
    expect((await t.post('/signup', { email: 'a@example.com', altcha: payload })).status).toBe(202);
    const reused = await t.post('/signup', { email: 'b@example.com', altcha: payload });
    expect((await read<ErrorBody>(reused)).error.code).toBe('proof_of_work_failed');
    expect(t.inbox.mails.map((m) => m.to)).toEqual([['a@example.com']]);
  });

  it('rejects bad bodies in plain words, writing no instance and sending no mail', async () => {
    t = await makeSignupApp();
    for (const bad of [
      { email: 'nope' },
      { email: 'a@b.co', userId: 'x' },
      { email: 'a@b.co', anthropicApiKey: 'k' },
    ]) {
      const res = await t.post('/signup', { ...bad, altcha: await t.pow() });
      expect(res.status).toBe(400);
      expect((await read<ErrorBody>(res)).error.code).toBe('invalid_body');
    }
    expect(await instanceKeys(t)).toEqual([]);
    expect(t.inbox.mails).toEqual([]);
  });

  it('a verified owner whose instance failed starts it again from the link, instead of a 409', async () => {
    t = await makeSignupApp();
    await t.signup('fay@example.com');
    const created = await read<Opened>(await t.open((await t.inbox.next('fay@example.com')).link));
    await failCreate(t.store, created.id, { step: 'placement', code: 'X', message: 'no capacity' });
    await t.signup('fay@example.com');
    const res = await t.open((await t.inbox.next('fay@example.com', 1)).link);
    expect(res.status).toBe(200);
    expect(await read<Opened>(res)).toMatchObject({ id: created.id, status: 'queued' });
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 2 });
  });

  it('is absent when SIGNUP_PAGE is false', async () => {
    t = await makeSignupApp({ env: { SIGNUP_PAGE: 'false' } });
    expect((await t.app.request('/')).status).toBe(404);
    expect((await t.post('/signup', { email: 'x@example.com' })).status).toBe(404);
  });
});

describe('signup settings in production', () => {
  const base = {
    NODE_ENV: 'production',
    API_TOKEN: 'a'.repeat(24),
    ADMIN_PASSWORD: 'b'.repeat(12),
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    ALB_LISTENER_ARN: 'arn:aws:elasticloadbalancing:us-west-2:0:listener/app/x/1/2',
    ALB_DNS_NAME: 'alb.test',
    SIGNUP_PAGE: 'true',
  };
  it('refuses to start the page without mail settings and a signing key, naming what is missing', () => {
    expect(() => loadApiConfig(base)).toThrow(ConfigError);
    expect(() => loadApiConfig(base)).toThrow(
      /^PUBLIC_URL, SMTP_URL, MAIL_FROM, SIGNUP_SIGNING_KEY: required in production/,
    );
    expect(() =>
      loadApiConfig({
        ...base,
        PUBLIC_URL: 'https://x.test',
        SMTP_URL: 'smtps://u:p@mail.test',
        MAIL_FROM: 'a@x.test',
      }),
    ).toThrow(/^SIGNUP_SIGNING_KEY: required/);
    expect(loadApiConfig({ ...base, SIGNUP_PAGE: 'false' }).SIGNUP_PAGE).toBe(false);
    // Unset, the page is off in production (a deployment turns it on with its mail settings), on elsewhere.
    const { SIGNUP_PAGE: _, ...unset } = base;
    expect(loadApiConfig(unset).SIGNUP_PAGE).toBe(false);
    expect(loadApiConfig({ ...unset, NODE_ENV: 'development' }).SIGNUP_PAGE).toBe(true);
    const complete = {
      PUBLIC_URL: 'https://x.test',
      SMTP_URL: 'smtps://u:p@mail.test',
      MAIL_FROM: 'a@x.test',
      SIGNUP_SIGNING_KEY: 'k'.repeat(32),
    };
    expect(loadApiConfig({ ...base, ...complete }).SIGNUP_PAGE).toBe(true);
  });
});
