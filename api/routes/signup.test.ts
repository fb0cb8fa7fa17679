import { afterEach, describe, expect, it } from 'vitest';
import { INSTANCE_ID_PATTERN } from '../../shared/naming.js';
import { sseReader } from '../../test/api/sse-reader.js';
import { type ErrorBody, makeTestApp, read, type TestApp } from '../../test/api/test-app.js';

const KEY = 'sk-ant-api03-SIGNUPPAGEKEY_0123456789abcdef';
const post = (t: TestApp, body: unknown) =>
  t.app.request('/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

interface SignupBody {
  id: string;
  status: string;
  url: string;
  gatewayToken: string;
  steps: string[];
  links: { events: string };
}

describe('signup page and its same-origin backend', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('serves the page, its CSS and JS, with no external assets', async () => {
    t = await makeTestApp();
    const page = await t.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="anthropic-key">');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toContain('test-api-token');
    for (const asset of ['/signup.css', '/signup.js']) {
      const res = await t.app.request(asset);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toMatch(/https?:\/\//);
    }
  });

  it('creates an instance without API_TOKEN, keyed by the normalized email, and refuses a second one', async () => {
    t = await makeTestApp();
    const res = await post(t, { email: 'Ada@Example.COM', anthropicApiKey: KEY });
    expect(res.status).toBe(202);
    const body = await read<SignupBody>(res);
    expect(body).toMatchObject({
      id: expect.stringMatching(INSTANCE_ID_PATTERN),
      status: 'queued',
      gatewayToken: expect.any(String),
      steps: [
        'secret',
        'task-definition',
        'target-group',
        'listener-rule',
        'service',
        'placement',
        'reachable',
      ],
      links: { events: `/signup/${body.id}/events` },
    });
    expect(await t.store.get(body.id)).toMatchObject({ userId: 'ada@example.com', email: 'ada@example.com' });
    const jobs = await t.queue.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([
      { instanceId: body.id, requestId: expect.any(String), reason: 'signup-page' },
    ]);
    const everything = await t.dump();
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(body.gatewayToken);

    const again = await post(t, { email: 'ada@example.com' });
    expect(again.status).toBe(409);
    const error = await read<ErrorBody>(again);
    expect(error.error.code).toBe('already_signed_up');
    expect(JSON.stringify(error)).not.toContain(body.id);
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('rejects bad bodies with the error shape and writes nothing but the rate counter', async () => {
    t = await makeTestApp();
    for (const bad of [
      { email: 'nope' },
      { email: 'a@b.co', userId: 'x' },
      { email: 'a@b.co', anthropicApiKey: 'k' },
    ]) {
      const before = (await t.keys()).filter((k) => !k.includes(':ratelimit:'));
      const res = await post(t, bad);
      expect(res.status).toBe(400);
      expect((await read<ErrorBody>(res)).error.code).toBe('invalid_body');
      expect((await t.keys()).filter((k) => !k.includes(':ratelimit:'))).toEqual(before);
    }
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 0 });
  });

  it('limits signups to 10 a minute per address, answering 429 with Retry-After', async () => {
    t = await makeTestApp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post(t, { email: `user${i}@example.com` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(statuses[10]).toBe(429);
    const limited = await post(t, { email: 'late@example.com' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await read<ErrorBody>(limited)).error.code).toBe('rate_limited');
    expect(await t.queue.getJobCounts()).toMatchObject({ waiting: 10 });
  });

  it('mirrors progress with states only: no email, URL, error text or checkpoint', async () => {
    t = await makeTestApp();
    const created = await read<SignupBody>(await post(t, { email: 'eve@example.com' }));
    const events = sseReader(await t.app.request(created.links.events));
    const snapshot = await events.nextEvent();
    expect(snapshot).toEqual({
      event: 'snapshot',
      comment: false,
      data: {
        status: 'queued',
        currentStep: null,
        steps: created.steps.map((id) => ({ id, state: 'pending' })),
      },
    });
    await t.store.recordStep(
      created.id,
      'secret',
      {
        state: 'failed',
        attempts: 2,
        lastError: { code: 'X', message: 'internal detail' },
        output: { a: 'arn:x' },
      },
      'provisioning',
    );
    expect(await events.nextEvent()).toEqual({
      event: 'step',
      comment: false,
      data: { status: 'provisioning', currentStep: 'secret', step: { id: 'secret', state: 'failed' } },
    });
    await t.store.transition(created.id, 'failed', '*');
    expect(await events.nextEvent()).toMatchObject({ event: 'status', data: { status: 'failed' } });
    expect(await events.nextEvent()).toBeNull();
  });

  it('is absent when SIGNUP_PAGE is false', async () => {
    t = await makeTestApp({ env: { SIGNUP_PAGE: 'false' } });
    expect((await t.app.request('/')).status).toBe(404);
    expect((await post(t, { email: 'x@example.com' })).status).toBe(404);
  });
});
