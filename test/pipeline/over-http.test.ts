import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/start-api.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { startPipelineApi } from '../support/pipeline-api.js';

const API_TOKEN = `token-${randomUUID()}`;

interface InstanceBody {
  id: string;
  status: string;
  gatewayToken?: string;
  error: { step: string; code: string; message: string } | null;
  steps: { id: string; state: string; attempts: number }[];
}

/** The whole pipeline as a signup backend sees it: HTTP in, AWS resources out. */
describe('pipeline over HTTP', () => {
  let p: Pipeline;
  let api: RunningApi;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as InstanceBody };
  };
  const waitForHttpStatus = async (id: string, wanted: string[]) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { body } = await call('GET', `/v1/instances/${id}`);
      if (wanted.includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`instance ${id} stuck at ${body.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    p = await startPipeline({ env: { JOB_ATTEMPTS: '2' } });
    const started = await startPipelineApi(p, { API_TOKEN });
    api = started.api;
    // The API stamps the retry policy on the jobs it enqueues, from the same variables the worker reads.
    expect(started.config.JOB_ATTEMPTS).toBe(p.config.JOB_ATTEMPTS);
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
  });

  it('creates once per user, retries a failed create from the failed step, and deletes', async () => {
    const created = await call('POST', '/v1/instances', { userId: 'http-user', email: 'h@example.test' });
    expect(created.status).toBe(202);
    const again = await call('POST', '/v1/instances', { userId: 'http-user', email: 'h@example.test' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    const id = created.body.id;
    expect((await waitForHttpStatus(id, ['running', 'failed'])).status).toBe('running');

    // A second user's create fails at the service step (every CreateService answers 500)...
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:CreateService', errorRate: 1, error: 'internal' }],
    });
    await p.inspect('calls/reset', {});
    const second = await call('POST', '/v1/instances', { userId: 'http-user-2', email: 'h2@example.test' });
    const failed = await waitForHttpStatus(second.body.id, ['failed', 'running']);
    expect(failed.error).toMatchObject({ step: 'service', code: 'InternalFailure' });
    expect(failed.steps.find((s) => s.id === 'service')).toMatchObject({ state: 'failed', attempts: 2 });

    // ...and a retry resumes there: nothing made before it is made again.
    await p.inspect('faults', { rules: [] });
    expect((await call('POST', `/v1/instances/${second.body.id}/retry`)).status).toBe(202);
    const retried = await waitForHttpStatus(second.body.id, ['running', 'failed']);
    expect(retried.status).toBe('running');
    expect(retried.error).toBeNull();
    const calls = await p.inspect<Record<string, number>>('calls');
    expect(calls).toMatchObject({
      'secretsmanager:CreateSecret': 1,
      'ecs:RegisterTaskDefinition': 1,
      'elasticloadbalancing:CreateTargetGroup': 1,
      'elasticloadbalancing:CreateRule': 1,
    });

    for (const target of [id, second.body.id])
      expect((await call('DELETE', `/v1/instances/${target}`)).status).toBe(202);
    await waitForHttpStatus(id, ['deleted']);
    await waitForHttpStatus(second.body.id, ['deleted']);
    await waitUntilNothingLeft(() => p.inspect('state'), [id, second.body.id]);
  });
});
