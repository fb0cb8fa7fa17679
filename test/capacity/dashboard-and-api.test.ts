import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCapacityRoutes } from '../../api/capacity/capacity-routes.js';
import { makeAdminAuth, protectAdminPaths } from '../../api/middleware/admin-auth.js';
import { PAGE_POLICIES, pageHeaders } from '../../api/middleware/page-headers.js';
import { Secret } from '../../shared/config.js';
import { QUEUE_NAMES } from '../../shared/job-catalog.js';
import { publishWorkerSnapshot } from '../../shared/metrics/worker-snapshots.js';
import { makeQueue } from '../../shared/queues.js';
import { writeReconcileReport } from '../../shared/reconcile-report.js';
import { makeWorkerMetrics } from '../../worker/metrics/worker-metrics.js';
import { checkEveryResponse } from '../api/response-contract.js';
import { launchChromium, runBrowserTests, screenshotPath } from '../support/browser.js';
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
  let app: ReturnType<typeof makeCapacityRoutes>;
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
    await h.store.markRunning(id, {
      instance: (await h.store.get(id))!,
      runningAt: new Date().toISOString(),
    });

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
    // What two worker processes publish: their registries, summed by /metrics.
    for (const processId of ['worker-a', 'worker-b']) {
      const metrics = makeWorkerMetrics();
      metrics.stepDone('secret', 0.3);
      metrics.awsCall('secretsmanager', 'CreateSecret');
      if (processId === 'worker-a') {
        metrics.stepDone('placement', 180);
        metrics.instanceRunning(240);
        metrics.stepFailed('service', 'Throttling', false);
      }
      const json = JSON.stringify(await metrics.registry.getMetricsAsJSON());
      await publishWorkerSnapshot(h.ns.redis, h.ns.prefix, processId, json);
    }
    app = makeCapacityRoutes({
      redis: h.ns.redis,
      prefix: h.ns.prefix,
      store: h.store,
      queues: [queue],
      dashboardPollMs: 200,
      metrics: { token: METRICS_TOKEN },
    });
    checkEveryResponse(app);
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
      expect(Object.keys(err.error).sort()).toEqual(['code', 'details', 'message', 'requestId']);
    }
  });

  it('GET /v1/cost: components, per user, waste and the headroom table', async () => {
    const body = (await (await app.request('/v1/cost')).json()) as {
      report: {
        users: number;
        waste: { idleInstances: number; stranded: { byType: unknown[]; freeSlots: number } };
        perUser: { perMonth: number };
      };
      headroom: { rows: { targetCapacity: number; spareInstances: number; waited: number }[] };
    };
    expect(body.report.users).toBe(2);
    expect(body.report.waste.idleInstances).toBe(1);
    // Both instances are c7i-flex.large (3,828 MiB registered): 2 task ENIs hold 2 tasks, 756 MiB and
    // 1,024 CPU units are stranded on each; the busy one has no free slot (2 users).
    expect(body.report.waste.stranded.byType).toEqual([
      expect.objectContaining({
        instanceType: 'c7i-flex.large',
        instances: 2,
        tasksPerInstance: 2,
        limit: 'eni',
        strandedPerInstance: { cpu: 1024, memory: 756 },
      }),
    ]);
    expect(body.report.waste.stranded.freeSlots).toBe(0);
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
    // Never capped at the group's max_size (20): 1000 users need 500 instances and 11 ALBs.
    const big = (await (await app.request('/v1/cost/projection?users=1000')).json()) as {
      instances: number;
      asg: { maxSizeRequired: number; maxSizeTooLow: boolean };
      routing: { albs: number };
      binding: { id: string; maxUsers: number };
    };
    expect(big).toMatchObject({ instances: 500, asg: { maxSizeRequired: 500, maxSizeTooLow: true } });
    expect(big.routing.albs).toBe(11);
    expect(big.binding).toMatchObject({ id: 'target-groups-per-region', maxUsers: 2999 });
    for (const q of ['users=-1', 'users=abc', '', 'users=1.5']) {
      const bad = await app.request(`/v1/cost/projection?${q}`);
      expect(bad.status, q).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
    }
  });

  it('GET /v1/cost/options: each choice priced at N users; validated', async () => {
    const body = (await (await app.request('/v1/cost/options?users=100')).json()) as {
      options: { choice: string; option: string; current: boolean; perMonth: number }[];
    };
    const choices = new Set(body.options.map((o) => o.choice));
    expect([...choices]).toEqual([
      'egress',
      'trunking',
      'instance-mix',
      'savings-plan',
      'container-insights',
    ]);
    for (const choice of choices) {
      expect(
        body.options.filter((o) => o.choice === choice && o.current),
        choice,
      ).toHaveLength(1);
    }
    for (const q of ['users=-1', 'users=x', '']) {
      expect((await app.request(`/v1/cost/options?${q}`)).status, q).toBe(400);
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
    expect(value('openclaw_capacity_provider_reservation_ratio')).toBe(0.5);
    expect(value('openclaw_instances', { purchase_option: 'spot' })).toBe(1);
    expect(value('openclaw_instances', { purchase_option: 'on-demand' })).toBe(1);
    expect(value('openclaw_idle_instances')).toBe(1);
    expect(value('openclaw_cost_per_hour_dollars')).toBeGreaterThan(0);
    expect(value('openclaw_routing_slots', { state: 'used' })).toBe(2);
    expect(families.get('openclaw_reconcile_total')!.type).toBe('counter');
    expect(value('openclaw_reconcile_total', { kind: 'repaired' })).toBe(1);
    expect(value('openclaw_reconcile_last_run_duration_seconds')).toBe(0.042);
    // The two worker processes' snapshots, summed: one 0.3 s step each, one 180 s placement.
    expect(families.get('openclaw_step_duration_seconds')!.type).toBe('histogram');
    expect(value('openclaw_step_duration_seconds', { step: 'secret', le: '0.5' })).toBe(2);
    expect(value('openclaw_step_duration_seconds', { step: 'secret', le: '0.25' })).toBe(0);
    expect(value('openclaw_step_duration_seconds', { step: 'placement', le: '300' })).toBe(1);
    expect(value('openclaw_step_duration_seconds', { step: 'placement', le: '120' })).toBe(0);
    expect(value('openclaw_signup_to_running_seconds', { le: '300' })).toBe(1);
    expect(value('openclaw_step_failures_total', { step: 'service', code: 'Throttling' })).toBe(1);
    expect(value('openclaw_aws_calls_total', { operation: 'CreateSecret' })).toBe(2);
    // Scraping again counts nothing twice.
    const again = parsePrometheusText(await (await app.request('/metrics', scrape)).text());
    const count = again
      .get('openclaw_step_duration_seconds')!
      .samples.find((s) => s.name.endsWith('_count') && s.labels.step === 'secret');
    expect(count?.value).toBe(2);
  });

  it('/dashboard and its stream answer 400 invalid_query to a range outside 1h, 24h, 7d', async () => {
    // `toString` is on every object's prototype: a range lookup with `in` took it for a range.
    for (const path of ['/dashboard', '/dashboard/events']) {
      for (const range of ['2h', 'toString', '__proto__']) {
        const res = await app.request(`${path}?range=${range}`);
        expect(res.status, `${path} ${range}`).toBe(400);
        const body = (await res.json()) as { error: { code: string; requestId: string } };
        expect(body.error.code).toBe('invalid_query');
      }
    }
  });

  it.skipIf(!runBrowserTests())(
    '/dashboard in Chromium: boxes per instance with tasks, spot/on-demand and idle marked, charts, headroom',
    async () => {
      const parent = new Hono();
      // The app's own CSP for the dashboard: the live update below must work under it.
      for (const path of ['/dashboard', '/dashboard/*'])
        parent.use(path, pageHeaders(PAGE_POLICIES.dashboard));
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
        expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
        // Stranded capacity and idle waste, per component.
        expect(await page.locator('#waste tr[data-stranded="c7i-flex.large"]').textContent()).toContain(
          'eni limit',
        );
        expect(await page.locator('#cost tr[data-component="elasticache"]').count()).toBe(1);
        // Axis ticks are whole instances and 0-100 %.
        const ticks = async (id: string) => page.locator(`${id} text.axis`).allTextContents();
        expect(await ticks('#chart-reservation')).toEqual(
          expect.arrayContaining(['0%', '25%', '50%', '75%', '100%']),
        );
        for (const t of await ticks('#chart-instances')) expect(t).toMatch(/^(\d+|\d\d:\d\d)$/);
        // Values on focus: the readout names time and value.
        await page.locator('#chart-instances .pt').first().focus();
        expect(
          await page
            .locator('#chart-instances + .readout, figure:has(#chart-instances) .readout')
            .first()
            .textContent(),
        ).toMatch(/\d\d:\d\d UTC · instances: \d+/);

        // Live: the stream's first update arrives, then a new sample updates the page without a reload.
        await page.evaluate(() => {
          (window as unknown as { sameDocument: boolean }).sameDocument = true;
        });
        await page.waitForFunction(() => Number(document.body.dataset.updates) >= 1, undefined, {
          timeout: 10_000,
        });
        const atBefore = await page.locator('#summary').getAttribute('data-at');
        const updatesBefore = Number(await page.locator('body').getAttribute('data-updates'));
        await h.deploy('u5');
        const next = await h.sample();
        await page.waitForFunction(
          (at) => document.querySelector('#summary')?.getAttribute('data-at') === String(at),
          next.at,
          { timeout: 10_000 },
        );
        expect(await page.locator('#summary').getAttribute('data-at')).not.toBe(atBefore);
        expect(Number(await page.locator('body').getAttribute('data-updates'))).toBeGreaterThan(
          updatesBefore,
        );
        expect(
          await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
        ).toBe(true);
        expect(await page.locator('#chart-instances').getAttribute('data-points')).toBe('5');

        // The time range changes in place too.
        await page.locator('a[data-range="24h"]').click();
        await page.waitForFunction(() => location.search === '?range=24h');
        expect(await page.locator('a[data-range="24h"]').getAttribute('aria-current')).toBe('true');
        expect(
          await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
        ).toBe(true);

        // Back to the last hour: the drop from 3 users to 2 raised cost per user by half, and a marker says so.
        // The 24h markers stay on screen, marked busy, until the 1h stream's first update replaces them.
        await page.locator('a[data-range="1h"]').click();
        await page.waitForFunction(() => location.search === '?range=1h');
        await page.waitForFunction(
          () => !document.querySelector('[data-section="charts"]')!.hasAttribute('aria-busy'),
          undefined,
          { timeout: 10_000 },
        );
        expect(await page.locator('#cost-markers li').first().textContent()).toMatch(
          /per user: .*users 3 → 2/,
        );
        expect(await page.locator('#chart-cost-per-user g.marker').count()).toBeGreaterThan(0);

        const shots: string[] = [];
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 900 });
          const layout = await page.evaluate(() => {
            const tooSmall: string[] = [];
            for (const el of Array.from(document.querySelectorAll('body *'))) {
              const own = Array.from(el.childNodes).some(
                (n) => n.nodeType === 3 && n.textContent!.trim() !== '',
              );
              if (!own) continue;
              const size = Number.parseFloat(getComputedStyle(el).fontSize);
              const svg = el instanceof SVGGraphicsElement ? (el.getScreenCTM()?.a ?? 1) : 1;
              if (size * svg < 10.95)
                tooSmall.push(`${el.tagName}:${el.textContent!.slice(0, 20)}:${(size * svg).toFixed(1)}`);
            }
            return {
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth: window.innerWidth,
              tooSmall,
            };
          });
          expect(layout.scrollWidth, `no horizontal overflow at ${width} px`).toBeLessThanOrEqual(
            layout.innerWidth,
          );
          expect(layout.tooSmall, `text of at least 11 px at ${width} px`).toEqual([]);
          const name = `dashboard-${width}`;
          for (const path of screenshotPath(name, { docs: true }))
            await page.screenshot({ path, fullPage: true });
          shots.push(name);
        }
        expect(shots).toEqual(['dashboard-1280', 'dashboard-390']);
      } finally {
        await browser.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});
