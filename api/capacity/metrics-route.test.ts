import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/start-api.js';
import { makeLogger } from '../../shared/logger.js';
import { auth, makeTestApp, type TestApp, testConfig } from '../../test/api/test-app.js';
import { monitorRedis } from '../../test/support/redis-monitor.js';
import { makeTestNamespace, TEST_REDIS_URL } from '../../test/support/redis-namespace.js';

const TOKEN = 'metrics-token-0123456789';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('/metrics', () => {
  let t: TestApp | undefined;
  let api: RunningApi | undefined;
  afterEach(async () => {
    await t?.close();
    await api?.close();
    t = undefined;
    api = undefined;
  });

  it('is closed when nothing is configured: 401 to every scrape', async () => {
    t = await makeTestApp();
    expect((await t.app.request('/metrics')).status).toBe(401);
    expect((await t.app.request('/metrics', bearer(TOKEN))).status).toBe(401);
  });

  it('wants METRICS_TOKEN as a bearer token when one is set', async () => {
    t = await makeTestApp({ env: { METRICS_TOKEN: TOKEN } });
    const without = await t.app.request('/metrics', { headers: { 'X-Request-Id': 'scrape-request-1' } });
    expect(without.status).toBe(401);
    expect(without.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    // The API's error shape, with the code from the catalog and the request's id.
    expect(await without.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'Authorization: Bearer <METRICS_TOKEN> required',
        details: null,
        requestId: 'scrape-request-1',
      },
    });
    expect(without.headers.get('X-Request-Id')).toBe('scrape-request-1');
    expect((await t.app.request('/metrics', bearer(`${TOKEN}x`))).status).toBe(401);
    const ok = await t.app.request('/metrics', bearer(TOKEN));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('openclaw_queue_jobs');
  });

  it('times requests by route pattern, never the raw path: one series for every instance id', async () => {
    t = await makeTestApp({ env: { METRICS_TOKEN: TOKEN } });
    for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb']) {
      expect((await t.app.request(`/v1/instances/${id}`, { headers: auth })).status).toBe(404);
    }
    expect((await t.app.request('/healthz')).status).toBe(200);
    const text = await (await t.app.request('/metrics', bearer(TOKEN))).text();
    const count = (route: string, status: string) =>
      new RegExp(
        `^openclaw_http_request_duration_seconds_count\\{method="GET",route="${route}",status="${status}"\\} (\\d+)$`,
        'm',
      ).exec(text)?.[1];
    expect(count('/v1/instances/:id', '404')).toBe('2');
    expect(count('/healthz', '200')).toBe('1');
    expect(text).not.toContain('aaaaaaaaaaaa');
  });

  it('a scrape issues no write command to Redis, even with finished jobs to report', async () => {
    t = await makeTestApp({ env: { METRICS_TOKEN: TOKEN } });
    // A finished job: before, each scrape recorded every finished job's duration (SADD + EVAL).
    const worker = new Worker(t.queue.name, async () => 'done', {
      connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: t.ns.prefix,
    });
    await t.instanceQueue.queue.add('create', { instanceId: 'aaaaaaaaaaaa', requestId: 'r', reason: 'test' });
    const deadline = Date.now() + 10_000;
    while (((await t.queue.getJobCounts('completed')).completed ?? 0) < 1) {
      if (Date.now() > deadline) throw new Error('the job did not complete within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.close();
    await worker.disconnect();

    const ns = makeTestNamespace();
    const seen: string[][] = [];
    const sources: string[] = [];
    const monitor = await monitorRedis((args) => {
      if (args.some((a) => a.includes(t!.ns.prefix))) {
        seen.push(args);
        sources.push(args.slice(0, 2).join(' '));
      }
    });
    try {
      const res = await t.app.request('/metrics', bearer(TOKEN));
      expect(res.status).toBe(200);
      // MONITOR shows commands as Redis runs them; a PING after the scrape marks the end.
      await t.redis.ping(`${t.ns.prefix}:end`);
      const until = Date.now() + 10_000;
      while (!seen.some((args) => args[0]?.toLowerCase() === 'ping')) {
        if (Date.now() > until) throw new Error('MONITOR did not show the closing PING within 10 s');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      monitor.close();
    }
    const names = [...new Set(seen.map((args) => args[0]!.toLowerCase()))].filter((n) => n !== 'ping');
    expect(names.length, 'the scrape read something').toBeGreaterThan(0);
    const info = (await ns.redis.command('INFO', ...names)) as [string, number, string[]][];
    const writes = info.filter((entry) => entry?.[2]?.includes('write')).map((entry) => entry[0]);
    expect(writes, `commands seen: ${sources.join(', ')}`).toEqual([]);
    await ns.cleanup();
  });

  it('METRICS_PORT serves /metrics on its own listener and not on the API port', async () => {
    const ns = makeTestNamespace();
    api = await startApi(testConfig(ns.prefix, { METRICS_PORT: '0' }), {
      port: 0,
      logger: makeLogger({ level: 'silent', name: 'api' }),
    });
    try {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      expect(api.metricsUrl).toBeDefined();
      const res = await fetch(`${api.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('openclaw_queue_jobs');
      // The API process's own figures, from prom-client's default metrics.
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      // Only /metrics: the API's routes are not reachable through the metrics port.
      expect((await fetch(`${api.metricsUrl}/v1/instances`)).status).toBe(404);
    } finally {
      await ns.cleanup();
    }
  });

  it('METRICS_PORT with METRICS_TOKEN: a scrape without it gets the API error shape with a request id', async () => {
    const ns = makeTestNamespace();
    api = await startApi(testConfig(ns.prefix, { METRICS_PORT: '0', METRICS_TOKEN: TOKEN }), {
      port: 0,
      logger: makeLogger({ level: 'silent', name: 'api' }),
    });
    try {
      const res = await fetch(`${api.metricsUrl}/metrics`);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('X-Request-Id')).toBe(body.error.requestId);
      expect((await fetch(`${api.metricsUrl}/metrics`, bearer(TOKEN))).status).toBe(200);
    } finally {
      await ns.cleanup();
    }
  });
});
