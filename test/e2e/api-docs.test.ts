import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST } from '../../api/error-codes.js';
import { makeTestApp, type TestApp } from '../api/test-app.js';
import { launchChromium, runBrowserTests, screenshotPath } from '../support/browser.js';

/** /docs as a reader sees it: Swagger UI from this process, rendering our document, offline. */
describe.skipIf(!runBrowserTests())('API docs in a browser', () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let url = '';
  let browser: Browser;

  beforeAll(async () => {
    t = await makeTestApp();
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/docs`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it('shows the tags, each operation with its id, the error codes, and an error example', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(url);
    // Swagger UI builds the page from the whole document in the browser: on a loaded 2-core machine
    // that took more than 15 s, so the bound is the test's own; a failed asset says why it never came.
    await page.waitForSelector('.opblock-tag-section', { timeout: 90_000 }).catch((err: Error) => {
      throw new Error(
        `Swagger UI rendered no operation (failed requests: ${failed.join(', ') || 'none'}): ${err.message}`,
      );
    });

    const tags = await page.locator('.opblock-tag').allInnerTexts();
    for (const tag of ['instances', 'capacity', 'signup', 'health']) {
      expect(tags.some((text) => text.startsWith(tag))).toBe(true);
    }
    const ids = await page.locator('.opblock-summary-operation-id').allInnerTexts();
    expect(ids).toEqual(expect.arrayContaining(['createInstance', 'getCapacity', 'getCostProjection']));
    // The description's table lists every code.
    const info = await page.locator('.info .info__description').textContent();
    for (const code of ERROR_CODE_LIST) expect(info).toContain(code);

    // Open getInstance: its 404 answer shows the not_found example.
    await page.locator('#operations-instances-getInstance .opblock-summary-control').click();
    const responses = page.locator('#operations-instances-getInstance .responses-table');
    await responses.waitFor();
    expect(await responses.textContent()).toContain('"code": "not_found"');
    // The picture: the operation's error answers, each code with its example.
    await page.evaluate(() => {
      const row = document.querySelector('#operations-instances-getInstance tr.response[data-code="400"]');
      window.scrollTo(0, (row?.getBoundingClientRect().top ?? 0) + window.scrollY - 160);
    });
    for (const path of screenshotPath('api-docs', { docs: true })) {
      await page.screenshot({ path, fullPage: false });
    }
    expect(failed).toEqual([]);
  }, 120_000);
});
