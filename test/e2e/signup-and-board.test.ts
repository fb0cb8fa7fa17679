import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/start-api.js';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { loadApiConfig, loadWorkerConfig } from '../../shared/config.js';
import { type RunningWorker, startWorker } from '../../worker/start-worker.js';
import { launchChromium, runBrowserTests, screenshotPath } from '../support/browser.js';
import { makeTestNamespace } from '../support/redis-namespace.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

const anthropicKey = `sk-ant-browser-${randomBytes(12).toString('hex')}`;
const admin = { username: 'admin', password: randomBytes(9).toString('base64url') };

/**
 * A person's path through the product: the signup page in a real browser against the whole stack
 * (API, worker, localcloud, Redis), then Bull Board, which must show that instance's job and no secret.
 */
describe.skipIf(!runBrowserTests())('signup page and Bull Board in a browser', () => {
  const ns = makeTestNamespace();
  let cloud: Localcloud;
  let worker: RunningWorker;
  let api: RunningApi;
  let browser: Browser;

  beforeAll(async () => {
    // Slow enough that the progress list is visible mid-way, fast enough for CI (about 2 s to running).
    cloud = await startLocalcloud({ port: 0, timeScale: 0.004 });
    const env = {
      ...cloud.ids,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: ns.prefix,
      API_TOKEN: randomBytes(24).toString('base64url'),
      ADMIN_USER: admin.username,
      ADMIN_PASSWORD: admin.password,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DEFAULT_ANTHROPIC_API_KEY: 'sk-ant-platform-default',
      GATEWAY_IMAGE: 'ghcr.io/openclaw/gateway:2026.11.1',
      PLACEMENT_POLL_MS: '100',
      BACKOFF_BASE_MS: '50',
    };
    worker = await startWorker(loadWorkerConfig(env));
    api = await startApi(loadApiConfig(env), { port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await worker?.close();
    await cloud?.close();
    await ns.cleanup();
  });

  it('signs up, shows live steps, then the URL and one-time token; Bull Board shows the job and no secret', async () => {
    // Reduced motion: the page then skips its progress-bar transition, so the screenshot shows the state.
    const page = await browser.newPage({ viewport: { width: 900, height: 900 }, reducedMotion: 'reduce' });
    await page.goto(`${api.url}/`);
    await page.fill('#email', 'grace@example.com');
    await page.fill('#anthropic-key', anthropicKey);
    await page.click('#submit');

    // Mid-provisioning: the step list is visible and at least one step has finished.
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForSelector('#steps li[data-state="done"]');
    const [midShot, midDocs] = screenshotPath('signup-provisioning', { docs: true });
    await page.screenshot({ path: midShot! });
    if (midDocs) copyFileSync(midShot!, midDocs);
    expect(await page.locator('#steps li').count()).toBe(7);
    // The last step is the gate: the page says the gateway is checked before it says "running".
    expect(await page.locator('#step-reachable').textContent()).toBe('Checking your gateway answers');

    await page.waitForSelector('#done:not([hidden])', { timeout: 30_000 });
    const url = await page.inputValue('#instance-url');
    const token = await page.inputValue('#gateway-token');
    expect(url).toMatch(/^http:\/\/[^/]+\/[a-z2-7]{12}\/$/);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(await page.locator('#steps li[data-state="done"]').count()).toBe(7);
    const [doneShot] = screenshotPath('signup-running');
    await page.screenshot({ path: doneShot! });
    const instanceId = url.split('/')[3]!;
    // The link opens the gateway itself, through the load balancer, with the token.
    const [gateway] = await Promise.all([page.context().waitForEvent('page'), page.click('#open-gateway')]);
    await gateway.waitForLoadState();
    expect(gateway.url().startsWith(url)).toBe(true);
    expect(await gateway.textContent('body')).toContain(instanceId);
    await gateway.close();

    const boardContext = await browser.newContext({
      httpCredentials: admin,
      viewport: { width: 1280, height: 900 },
    });
    const board = await boardContext.newPage();
    await board.goto(`${api.url}/admin/queues/queue/instances?status=completed`);
    // The completed list shows each job's id, name and data; wait until it has rendered this one's.
    await board.waitForFunction((id) => document.body.textContent?.includes(`create-${id}-1`), instanceId, {
      timeout: 15_000,
    });
    const [boardShot, boardDocs] = screenshotPath('bull-board', { docs: true });
    await board.screenshot({ path: boardShot!, fullPage: true });
    if (boardDocs) copyFileSync(boardShot!, boardDocs);
    const text = await board.evaluate(() => document.body.textContent);
    expect(text).toContain(instanceId);
    expect(text).not.toContain(anthropicKey);
    expect(text).not.toContain(token);
    // Bull Board's own API, which the page renders from, holds neither secret either.
    const raw = await board.evaluate(async () =>
      (await fetch('/admin/queues/api/queues?activeQueue=instances&status=completed')).text(),
    );
    expect(raw).toContain(instanceId);
    expect(raw).not.toContain(anthropicKey);
    expect(raw).not.toContain(token);
    await boardContext.close();
  });

  it('renders the interactive API docs from local assets, every /v1 operation listed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url)) external.push(request.url());
    });
    await page.goto(`${api.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const text = (await page.textContent('body')) ?? '';
    for (const path of [
      '/v1/instances',
      '/v1/instances/{id}',
      '/v1/instances/{id}/retry',
      '/v1/capacity',
      '/v1/cost',
    ]) {
      expect(text).toContain(path);
    }
    expect(await page.locator('.btn.authorize').count()).toBe(1);
    expect(external).toEqual([]);
    const [shot] = screenshotPath('api-docs');
    await page.screenshot({ path: shot! });
  });
});
