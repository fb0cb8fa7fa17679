import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/start-api.js';
import { startPipelineApi } from '../support/pipeline-api.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from './harness.js';

const API_TOKEN = `token-${randomUUID()}`;

/** POST /v1/reconcile through a real API: a job on the reconcile queue that the worker runs. */
describe('reconcile on demand', () => {
  let p: ReconcilerPipeline;
  let api: RunningApi;
  const call = async (method: string, path: string, body?: unknown, token = API_TOKEN) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    p = await startReconcilerPipeline();
    ({ api } = await startPipelineApi(p, { API_TOKEN }));
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
  });

  it('refuses bad input and unknown runs, and changes nothing then', async () => {
    const runsBefore = (await p.report()).totals.runs;
    expect((await call('POST', '/v1/reconcile', { dryRun: true }, 'wrong-token-0123456789')).status).toBe(
      401,
    );
    const bad = await call('POST', '/v1/reconcile', { dryRun: 'yes' });
    expect(bad.status).toBe(400);
    expect((await call('POST', '/v1/reconcile', { dryRun: true, waitMs: 600_000 })).status).toBe(400);
    expect((await call('POST', '/v1/reconcile', { dryRun: true, extra: 1 })).status).toBe(400);
    expect((await call('GET', '/v1/reconcile/nope')).status).toBe(400);
    expect((await call('GET', `/v1/reconcile/on-demand-${randomUUID()}`)).status).toBe(404);
    expect(await p.ns.redis.keys(`${p.ns.prefix}:reconcile:on-demand-*`)).toEqual([]);
    expect((await p.report()).totals.runs).toBe(runsBefore);
  });

  it('returns the report of a run, at once or through the job link', async () => {
    const now = await call('POST', '/v1/reconcile', { dryRun: true });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ dryRun: true, driftFound: 0, actions: [] });
    expect(String(now.body.jobId)).toMatch(/^on-demand-/);
    expect((await p.report()).last).toMatchObject({ dryRun: true });

    // waitMs 0: the API answers before the worker finishes, with the run to poll.
    const later = await call('POST', '/v1/reconcile', { dryRun: false, waitMs: 0 });
    expect(later.status).toBe(202);
    const self = (later.body.links as { self: string }).self;
    const deadline = Date.now() + 15_000;
    let polled = await call('GET', self);
    while (polled.status === 202 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      polled = await call('GET', self);
    }
    expect(polled.status, 'the run to report within 15 s').toBe(200);
    expect(polled.body).toMatchObject({ jobId: later.body.jobId, dryRun: false });
  });
});
