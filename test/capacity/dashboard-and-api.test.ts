import { copyFile, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCapacityRoutes } from '../../api/capacity/capacity-routes.js';
import { makeAdminAuth, protectAdminPaths } from '../../api/middleware/admin-auth.js';
import { Secret } from '../../shared/config.js';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { makeQueue } from '../../shared/queues.js';
import { writeReconcileReport } from '../../shared/reconcile-report.js';
import { launchChromium, runBrowserTests, updateScreenshots } from '../support/browser.js';
import { startFleetHarness } from './fleet-harness.js';
import { parsePrometheusText } from './prometheus-text.js';

const ADMIN = { user: 'admin', password: 'dashboard-pass' };
const METRICS_TOKEN = 'metrics-token-0123456789';
const scrape = { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } };

/**
 * The operator surfaces on a fleet with busy and idle instances: the JSON routes in-process, the
 * dashboard in headless Chromium through a real listening server behind basic auth, /metrics parsed
 * as Prometheus text.
 */
describe('capacity API, dashboard and metrics', () => {
  let h: Awaited<ReturnType<typeof startFleetHarness>>;
  let app: Hono;
  let queue: ReturnType<typeof makeQueue>;
  let spotId = '';
  let onDemandId = '';

  beforeAll(async () => {
    h = await startFleetHarness(23);
    queue = makeQueue(QUEUE_NAMES.capacity, h.ns.redis, h.ns.prefix);
    await queue.add('sample-capacity', {}, { jobId: 'done-1' });
    // A finished signup (for step and signup-to-running histograms, and the headroom table).
    // One reading of the clock: the step must last exactly 180 s to land in the le=180 bucket.
    const now = Date.now();
    const id = await h.waitingSignup(new Date(now - 240_000));
    const started = new Date(now - 240_000).toISOString();
    await h.store.recordStep(
      id,
      'placement',
      {
        state: 'done',
        attempts: 1,
        startedAt: started,
        endedAt: new Date(now - 60_000).toISOString(),
        output: { taskArn: 'arn:t', waitedForCapacity: 'true', placementWaitMs: '180000' },
      },
      'provisioning',
    );
    await h.store.transition(id, 'running', '*', { runningAt: new Date().toISOString() });

    await h.sample();
    for (const u of ['u1', 'u2', 'u3']) await h.deploy(u);
    await h.waitFor(
      async () => (await h.state()).tasks.filter((t) => t.lastStatus === 'RUNNING').length === 3,
      { what: '3 running', timeoutMs: 15_000 },
    );
    await h.sample();
    await h.deploy('u4');
    await h.remove('u3');
    await h.waitFor(
      async () => {
        const st = await h.state();
        return (
          st.tasks.filter((t) => t.lastStatus === 'RUNNING').length === 3 &&
          st.tasks.every((t) => t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED')
        );
      },
      { what: 'u4 placed where u3 was', timeoutMs: 15_000 },
    );
    await h.remove('u4');
    await h.waitFor(
      async () => (await h.state()).tasks.filter((t) => t.lastStatus === 'RUNNING').length === 2,
      { what: 'u4 gone' },
    );
    await h.waitFor(
      async () =>
        (await h.state()).tasks.every((t) => t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED'),
      { what: 'stopped' },
    );
    await h.waitingSignup(new Date(Date.now() - 45_000));
    await h.sample();
    const s = await h.sample();
    spotId = s.idle[0]!.ec2InstanceId;
    onDemandId = s.fleet.asg.instances.find((i) => i.purchaseOption === 'on-demand')!.instanceId;
    // What a reconciler run that repaired one instance writes; the API shows it.
    await writeReconcileReport(h.ns.redis, h.ns.prefix, {
      at: new Date().toISOString(),
      durationMs: 42,
      dryRun: false,
      driftFound: 1,
      repaired: 1,
      deleted: 0,
      reenqueued: 0,
      failed: 0,
      errors: 0,
      slotsFreed: 0,
      scanned: { instances: 2, secrets: 2, taskFamilies: 2, targetGroups: 2, rules: 2, services: 1 },
      waitingForGrace: 0,
      actions: [{ kind: 'repair', instanceId: 'abcdefghijkl', reason: 'service missing', applied: true }],
    });
    app = makeCapacityRoutes({
      redis: h.ns.redis,
      prefix: h.ns.prefix,
      store: h.store,
      queues: [queue],
      refreshSeconds: 30,
      metrics: { token: METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await queue?.close();
    await h?.close();
  });

  it('GET /v1/capacity: the latest sample and routing slots used and left', async () => {
    const res = await app.request('/v1/capacity');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      sample: { reservation: unknown; idle: unknown[] };
      routing: { used: number; capacity: number; left: number };
      stale: unknown;
      reconcile: { last: { repaired: number; actions: { instanceId: string }[] }; totals: { runs: number } };
    };
    expect(body.reconcile.last.repaired).toBe(1);
    expect(body.reconcile.last.actions[0]!.instanceId).toBe('abcdefghijkl');
    expect(body.reconcile.totals.runs).toBe(1);
    expect(body.sample.reservation).toEqual({ m: 1, n: 2, value: 50 });
    expect(body.sample.idle).toHaveLength(1);
    expect(body.routing).toMatchObject({ used: 2, capacity: 98, left: 96 });
    expect(body.stale).toBeNull();
  });

  it('GET /v1/capacity/history: points in range, thinned by step; bad input is a 400 JSON error', async () => {
    const res = await app.request(
      `/v1/capacity/history?from=${Date.now() - 7 * 86_400_000}&to=${Date.now() + 4 * 3600_000}`,
    );
    const body = (await res.json()) as { points: { reservation: number }[] };
    expect(body.points.map((p) => p.reservation)).toEqual([0, 100, 50, 50]);
    const thinned = (await (
      await app.request(`/v1/capacity/history?from=${Date.now() - 86_400_000}&to=${Date.now()}&step=86400000`)
    ).json()) as { points: unknown[] };
    expect(thinned.points.length).toBeLessThanOrEqual(2);
    for (const q of ['step=5', 'from=abc', 'from=10&to=5', 'bogus=1']) {
      const bad = await app.request(`/v1/capacity/history?${q}`);
      expect(bad.status, q).toBe(400);
      const err = (await bad.json()) as { error: { code: string; message: string; details: unknown } };
      expect(Object.keys(err.error).sort()).toEqual(['code', 'details', 'message']);
    }
  });

  it('GET /v1/cost: components, per user, waste and the headroom table', async () => {
    const body = (await (await app.request('/v1/cost')).json()) as {
      report: { users: number; waste: { idleInstances: number }; perUser: { perMonth: number } };
      headroom: { rows: { targetCapacity: number; spareInstances: number; waited: number }[] };
    };
    expect(body.report.users).toBe(2);
    expect(body.report.waste.idleInstances).toBe(1);
    expect(body.headroom.rows.map((r) => [r.targetCapacity, r.spareInstances])).toEqual([
      [100, 0],
      [90, 1],
      [80, 1],
    ]);
    expect(body.headroom.rows[0]!.waited).toBe(1);
  });

  it('GET /v1/cost/projection: cost at N users with today packing; validated', async () => {
    const p = (await (await app.request('/v1/cost/projection?users=10')).json()) as {
      instances: number;
      usersPerInstance: number;
      report: { users: number };
    };
    expect(p).toMatchObject({ instances: 5, usersPerInstance: 2 });
    expect(p.report.users).toBe(10);
    for (const q of ['users=-1', 'users=abc', '', 'users=1.5']) {
      const bad = await app.request(`/v1/cost/projection?${q}`);
      expect(bad.status, q).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
    }
  });

  it('/metrics parses as Prometheus text with queue counts, capacity gauges and histograms', async () => {
    expect((await app.request('/metrics')).status).toBe(401);
    const res = await app.request('/metrics', scrape);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    const value = (family: string, labels: Record<string, string> = {}) =>
      families.get(family)!.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(value('openclaw_queue_jobs', { queue: 'capacity', state: 'waiting' })).toBe(1);
    expect(value('openclaw_capacity_provider_reservation_percent')).toBe(50);
    expect(value('openclaw_instances', { purchase_option: 'spot' })).toBe(1);
    expect(value('openclaw_instances', { purchase_option: 'on-demand' })).toBe(1);
    expect(value('openclaw_idle_instances')).toBe(1);
    expect(value('openclaw_cost_per_hour_dollars')).toBeGreaterThan(0);
    expect(value('openclaw_routing_slots', { state: 'used' })).toBe(2);
    expect(value('openclaw_reconcile_total', { kind: 'repaired' })).toBe(1);
    expect(value('openclaw_reconcile_last_run', { field: 'duration_ms' })).toBe(42);
    expect(families.get('openclaw_step_duration_seconds')!.type).toBe('histogram');
    expect(value('openclaw_step_duration_seconds', { step: 'placement', le: '180' })).toBe(1);
    expect(value('openclaw_step_duration_seconds', { step: 'placement', le: '120' })).toBe(0);
    expect(value('openclaw_signup_to_running_seconds', { le: '300' })).toBe(1);
    // Scraping again counts nothing twice.
    const again = parsePrometheusText(await (await app.request('/metrics', scrape)).text());
    expect(
      again.get('openclaw_step_duration_seconds')!.samples.find((s) => s.name.endsWith('_count'))!.value,
    ).toBe(1);
  });

  it.skipIf(!runBrowserTests())(
    '/dashboard in Chromium: boxes per instance with tasks, spot/on-demand and idle marked, charts, headroom',
    async () => {
      const parent = new Hono();
      protectAdminPaths(
        parent,
        makeAdminAuth({ ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: new Secret(ADMIN.password) }),
        ['/dashboard'],
      );
      parent.route('/', app);
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: parent.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard`;
      const browser = await launchChromium();
      try {
        expect((await fetch(url)).status).toBe(401);
        const page = await (
          await browser.newContext({
            httpCredentials: { username: ADMIN.user, password: ADMIN.password },
            viewport: { width: 1280, height: 900 },
          })
        ).newPage();
        const res = await page.goto(url);
        expect(res!.status()).toBe(200);
        const boxes = page.locator('#fleet .instance[data-instance]');
        expect(await boxes.count()).toBe(2);
        const busy = page.locator(`[data-instance="${onDemandId}"]`);
        expect(await busy.getAttribute('data-purchase')).toBe('on-demand');
        expect(await busy.getAttribute('data-idle')).toBe('false');
        expect(await busy.locator('.task').count()).toBe(2);
        expect(await busy.locator('.task').allTextContents()).toEqual(
          expect.arrayContaining([expect.stringContaining('u1'), expect.stringContaining('u2')]),
        );
        const idle = page.locator(`[data-instance="${spotId}"]`);
        expect(await idle.getAttribute('data-purchase')).toBe('spot');
        expect(await idle.getAttribute('data-idle')).toBe('true');
        expect(await idle.locator('.idle-badge').textContent()).toMatch(/^idle /);
        expect(await page.locator('#reservation').textContent()).toBe('50%');
        for (const id of ['#chart-reservation', '#chart-instances', '#chart-cost-per-user']) {
          expect(await page.locator(id).getAttribute('data-points')).toBe('4');
          expect(await page.locator(`${id} path[data-series]`).first().getAttribute('d')).toMatch(
            /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/,
          );
        }
        expect(await page.locator('#waiting-signups li').count()).toBe(1);
        expect(await page.locator('#headroom tr[data-target]').count()).toBe(3);
        expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('30');
        await mkdir('artifacts', { recursive: true });
        await page.screenshot({ path: 'artifacts/dashboard.png', fullPage: true });
        if (updateScreenshots) {
          await mkdir('docs/screenshots', { recursive: true });
          await copyFile('artifacts/dashboard.png', 'docs/screenshots/dashboard.png');
        }
      } finally {
        await browser.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});
