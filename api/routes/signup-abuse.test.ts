import { afterEach, describe, expect, it } from 'vitest';
import { makeSignupApp, type SignupApp } from '../../test/api/signup-harness.js';
import { type ErrorBody, json, read } from '../../test/api/test-app.js';
import { forceStatus, runToRunning } from '../../test/support/instance-status.js';

interface Opened {
  id: string;
  status: string;
  links: { events: string };
}

const instanceCount = async (t: SignupApp) => (await t.keys()).filter((k) => k.includes(':inst:')).length;
const from = (address: string) => ({ 'x-forwarded-for': address });
/** 10 routing slots less the margin of 2: 8, half of them (4) for the public page. */
const SMALL_POOL = { ALB_RULES_PER_LISTENER: '10', TRUSTED_PROXY_HOPS: '1' };

describe('signup under a flood', () => {
  let t: SignupApp;
  afterEach(() => t.close());

  it('10 addresses x 10 signups: every one answered alike, no instance, and API creates still get slots', async () => {
    t = await makeSignupApp({ env: SMALL_POOL });
    const statuses: number[] = [];
    for (let a = 0; a < 10; a++)
      for (let i = 0; i < 10; i++)
        statuses.push((await t.signup(`bot${a}-${i}@example.com`, {}, from(`198.51.100.${a}`))).status);
    expect(statuses).toEqual(Array(100).fill(202));
    expect(await instanceCount(t)).toBe(0);
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0, prioritized: 0 });

    // Even if every mailbox were the flooder's and every link opened, the page holds only its share.
    const opened: number[] = [];
    for (const mail of t.inbox.mails.slice(0, 6)) opened.push((await t.open(mail.link)).status);
    expect(opened).toEqual([200, 200, 200, 200, 503, 503]);
    const full = await t.open(t.inbox.mails[6]!.link);
    expect((await read<ErrorBody>(full)).error).toMatchObject({ code: 'signup_full' });
    expect(await instanceCount(t)).toBe(4);

    // The API's creates keep the rest of the pool.
    for (let i = 0; i < 4; i++) {
      const res = await t.app.request('/v1/instances', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId: `api-${i}`, email: `api-${i}@example.com` }),
      });
      expect(res.status).toBe(202);
    }
  });

  it('one address x 100 emails: 10 mailed, the rest 429 with Retry-After, nothing created', async () => {
    t = await makeSignupApp({ env: SMALL_POOL });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await t.signup(`victim${i}@example.com`, {}, from('203.0.113.7'));
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('Retry-After');
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(t.inbox.mails).toHaveLength(10);
    expect(await instanceCount(t)).toBe(0);
  });

  it('proof-of-work challenges: 30 a minute per client address, then 429 with Retry-After', async () => {
    t = await makeSignupApp({ env: SMALL_POOL });
    const ask = (address: string) => t.app.request('/signup-challenge', { headers: from(address) });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await ask('203.0.113.9')).status);
    expect(statuses).toEqual([...Array(30).fill(200), 429]);
    const refused = await ask('203.0.113.9');
    expect((await read<ErrorBody>(refused)).error).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Another address is not held back by the first one's count.
    expect((await ask('203.0.113.10')).status).toBe(200);
  });

  it('one email from many addresses: mailed 5 times an hour, then silently not (same 202)', async () => {
    t = await makeSignupApp({ env: SMALL_POOL });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await t.signup('ada@example.com', {}, from(`192.0.2.${i}`))).status);
    expect(statuses).toEqual(Array(8).fill(202));
    expect(t.inbox.mails).toHaveLength(5);
  });
});

describe('signup progress streams', () => {
  let t: SignupApp;
  afterEach(() => t.close());

  const signedUp = async (email: string) => {
    await t.signup(email);
    return read<Opened>(await t.open((await t.inbox.next(email, t.inbox.mails.length - 1)).link));
  };

  it('need the stream token of that very instance', async () => {
    t = await makeSignupApp();
    const ada = await signedUp('ada@example.com');
    const bob = await signedUp('bob@example.com');
    const bare = await t.app.request(`/signup/${ada.id}/events`);
    expect(bare.status).toBe(401);
    const adaToken = new URL(ada.links.events, 'http://x').searchParams.get('token');
    const crossed = await t.app.request(`/signup/${bob.id}/events?token=${adaToken}`);
    expect(crossed.status).toBe(401);
    const own = await t.app.request(ada.links.events);
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('5,000 attempts from one client: 429 past the cap, and the count returns when streams close', async () => {
    t = await makeSignupApp({ signup: { streams: { perClient: 4, total: 100 } } });
    const ada = await signedUp('ada@example.com');
    const open: Response[] = [];
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const res = await t.app.request(ada.links.events);
      if (res.status === 200) open.push(res);
      else {
        expect(res.status).toBe(429);
        refused++;
      }
    }
    expect(open).toHaveLength(4);
    expect(refused).toBe(4996);
    for (const res of open) await res.body?.cancel();
    // A closed stream gives its place back (bounded wait: the cancel reaches the stream's finally).
    for (let i = 0; i < 200; i++) {
      const res = await t.app.request(ada.links.events);
      if (res.status === 200) {
        await res.body?.cancel();
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no stream place came back after every stream was closed');
  });

  it('ends when the instance stops changing (degraded included) and after the maximum duration', async () => {
    t = await makeSignupApp({ signup: { streams: { maxMs: 300 } } });
    const ada = await signedUp('ada@example.com');
    const { sseReader } = await import('../../test/api/sse-reader.js');
    const timed = sseReader(await t.app.request(ada.links.events));
    expect((await timed.nextEvent())?.event).toBe('snapshot');
    expect(await timed.nextEvent(5000)).toBeNull();

    const events = sseReader(await t.app.request(ada.links.events));
    expect((await events.nextEvent())?.event).toBe('snapshot');
    await forceStatus(t.ns.redis, t.store, ada.id, 'degraded');
    expect(await events.nextEvent()).toMatchObject({ event: 'status', data: { status: 'degraded' } });
    expect(await events.nextEvent()).toBeNull();
  });
});

describe('lost token', () => {
  let t: SignupApp;
  afterEach(() => t.close());

  it('mails a link to the verified address; opening it rotates the token of a running instance', async () => {
    t = await makeSignupApp();
    await t.signup('ada@example.com');
    const created = await read<Opened & { gatewayToken: string }>(
      await t.open((await t.inbox.next('ada@example.com')).link),
    );
    await t.store.dropSealedCredentials(created.id);
    await runToRunning(t.store, created.id);

    const known = await t.lostToken('ada@example.com');
    const unknown = await t.lostToken('nobody@example.com');
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    const link = (await t.inbox.next('ada@example.com', 1)).link;
    expect(link).toMatch(/#rotate=/);

    const rotated = await t.open(link);
    expect(rotated.status).toBe(200);
    const body = await read<Opened & { gatewayToken: string }>(rotated);
    expect(body).toMatchObject({ id: created.id, status: 'degraded', gatewayToken: expect.any(String) });
    expect(body.gatewayToken).not.toBe(created.gatewayToken);
    // The new token is sealed for the secret step, the saga resumes from it, with a new job: the
    // signup's create is queued as new work, the rotation's as work in hand, ahead of it.
    const sealed = await t.store.sealedCredentials(created.id);
    expect(t.sealer.open(sealed!.gatewayToken, created.id)).toBe(body.gatewayToken);
    expect((await t.store.get(created.id))?.steps.secret.state).toBe('pending');
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 1, prioritized: 1 });
    expect((await t.open(link)).status).toBe(410);

    const none = await t.open((await t.inbox.next('nobody@example.com')).link);
    expect((await read<ErrorBody>(none)).error.code).toBe('no_gateway');
  });

  it('POST /v1/instances/{id}/token: the signup backend rotates a running instance, 409 otherwise', async () => {
    t = await makeSignupApp();
    const post = (id: string) =>
      t.app.request(`/v1/instances/${id}/token`, { method: 'POST', headers: json, body: '{}' });
    const created = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
    });
    const { id } = await read<{ id: string }>(created);
    const early = await post(id);
    expect(early.status).toBe(409);
    expect((await read<ErrorBody>(early)).error.code).toBe('not_running');
    await runToRunning(t.store, id);
    const res = await post(id);
    expect(res.status).toBe(202);
    expect(await read<{ status: string; gatewayToken: string }>(res)).toMatchObject({
      status: 'degraded',
      gatewayToken: expect.any(String),
    });
    expect((await post('aaaaaaaaaaaa')).status).toBe(404);
  });
});
