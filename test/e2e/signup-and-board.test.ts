import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/start-api.js';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { loadApiConfig, loadWorkerConfig } from '../../shared/config.js';
import { type RunningWorker, startWorker } from '../../worker/start-worker.js';
import { seriousAxeViolations } from '../support/axe-scan.js';
import { launchChromium, runBrowserTests, screenshotPath } from '../support/browser.js';
import { lowContrastTexts } from '../support/contrast.js';
import { makeTestNamespace } from '../support/redis-namespace.js';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

const anthropicKey = `sk-ant-browser-${randomBytes(12).toString('hex')}`;
const admin = { username: 'admin', password: randomBytes(9).toString('base64url') };

/**
 * A person's path through the product: the signup page in a real browser against the whole stack
 * (API, worker, localcloud, Redis, a real SMTP server that receives the link), then Bull Board, which must show that instance's job and no secret.
 */
describe.skipIf(!runBrowserTests())('signup page and Bull Board in a browser', () => {
  const ns = makeTestNamespace();
  let cloud: Localcloud;
  let worker: RunningWorker;
  let api: RunningApi;
  let browser: Browser;
  let inbox: SmtpInbox;

  beforeAll(async () => {
    // Slow enough that the progress list is visible mid-way, fast enough for CI (about 2 s to running).
    inbox = await startSmtpInbox();
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
      SMTP_URL: inbox.url,
      MAIL_FROM: 'OpenClaw <no-reply@fleet.test>',
      PUBLIC_URL: 'https://fleet.test',
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
    await inbox?.close();
    await ns.cleanup();
  });

  it('signs up by mail, shows live steps, the URL and one-time token; reload resumes; a lost token is replaced', async () => {
    // Reduced motion: the page then skips its progress-bar transition, so the screenshot shows the state.
    // A page of its own context: axe-core's Playwright builder needs one.
    const context = await browser.newContext({
      viewport: { width: 900, height: 900 },
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${api.url}/`);
    // Text contrast at least 4.5:1 in both colour schemes, and no serious or critical axe-core finding.
    await page.click('#lost summary');
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await lowContrastTexts(page), colorScheme).toEqual([]);
      expect(await seriousAxeViolations(page), colorScheme).toEqual([]);
    }
    await page.click('#lost summary');
    await page.fill('#email', 'Grace@Example.com');
    await page.fill('#anthropic-key', anthropicKey);
    // The widget solves the proof of work in a worker (the page's CSP allows only this origin), then posts.
    await page.click('#submit');
    await page.waitForSelector('#mailed:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#mailed')).toContain('Check your email');
    expect(inbox.mails.length).toBe(1);

    // The mail's link, opened on this origin (PUBLIC_URL names the deployment's).
    const mail = await inbox.next('grace@example.com');
    await page.goto(`${api.url}/${new URL(mail.link!).hash}`);
    // The page takes the token out of the address bar as it opens it.
    await page.waitForFunction(() => location.hash === '', undefined, { timeout: 10_000 });

    // Mid-provisioning: the step list is visible and at least one step has finished.
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForSelector('#steps li[data-state="done"]');
    const [midShot, midDocs] = screenshotPath('signup-provisioning', { docs: true });
    await page.screenshot({ path: midShot! });
    if (midDocs) copyFileSync(midShot!, midDocs);
    expect(await page.locator('#steps li').count()).toBe(7);
    expect(await page.locator('#step-reachable').textContent()).toBe('Checking your gateway answers');

    await page.waitForSelector('#done:not([hidden])', { timeout: 30_000 });
    const url = await page.inputValue('#instance-url');
    const token = await page.inputValue('#gateway-token');
    expect(url).toMatch(/^http:\/\/[^/]+\/[a-z2-7]{12}\/$/);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(await page.locator('#steps li[data-state="done"]').count()).toBe(7);
    for (const colorScheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await lowContrastTexts(page), colorScheme).toEqual([]);
      expect(await seriousAxeViolations(page), colorScheme).toEqual([]);
    }
    const [doneShot, doneDocs] = screenshotPath('signup-running', { docs: true });
    await page.screenshot({ path: doneShot!, fullPage: true });
    if (doneDocs) copyFileSync(doneShot!, doneDocs);
    const instanceId = url.split('/')[3]!;
    // The link opens the gateway itself, through the load balancer, with the token.
    const [gateway] = await Promise.all([page.context().waitForEvent('page'), page.click('#open-gateway')]);
    await gateway.waitForLoadState();
    expect(gateway.url().startsWith(url)).toBe(true);
    expect(await gateway.textContent('body')).toContain(instanceId);
    await gateway.close();

    // A reload keeps the view (the link itself worked once).
    await page.reload();
    await page.waitForSelector('#done:not([hidden])', { timeout: 15_000 });
    expect(await page.inputValue('#gateway-token')).toBe(token);

    // Lost token: a link to the verified address; opening it issues a new one and the old one stops.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
    await phone.goto(`${api.url}/`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const [phoneShot] = screenshotPath('signup-390px');
    await phone.screenshot({ path: phoneShot!, fullPage: true });
    await phone.click('#lost summary');
    await phone.fill('#lost-email', 'grace@example.com');
    await phone.fill('#lost-key', anthropicKey);
    await phone.click('#lost-submit');
    await phone.waitForSelector('#mailed:not([hidden])', { timeout: 30_000 });
    const lost = await inbox.next('grace@example.com', 1);
    await phone.goto(`${api.url}/${new URL(lost.link!).hash}`);
    await phone.waitForSelector('#done:not([hidden])', { timeout: 60_000 });
    const newToken = await phone.inputValue('#gateway-token');
    expect(newToken).not.toBe(token);
    const answer = async (t: string) => (await fetch(`${url}health?token=${encodeURIComponent(t)}`)).status;
    expect(await answer(newToken)).toBe(200);
    expect(await answer(token)).toBe(401);
    await phone.close();
    expect(failures).toEqual([]);

    const boardContext = await browser.newContext({
      httpCredentials: admin,
      viewport: { width: 1280, height: 900 },
    });
    const board = await boardContext.newPage();
    await board.goto(`${api.url}/admin/queues/queue/instances?status=completed`);
    // The completed list shows each job's id, name and data; wait until it has rendered this one's.
    await board.waitForFunction((id) => document.body.textContent?.includes(`create-${id}-1`), instanceId, {
      timeout: 45_000,
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
    // Swagger UI renders the whole document in the browser: more than 15 s on a loaded 2-core machine.
    await page.waitForSelector('.opblock', { timeout: 45_000 });
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
