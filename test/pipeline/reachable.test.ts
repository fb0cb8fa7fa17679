import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../shared/aws-clients.js';
import type { InstanceRecord } from '../../shared/domain.js';
import { jobIds } from '../../shared/job-catalog.js';
import { resourceNames } from '../../shared/naming.js';
import { errorCode } from '../../worker/http/probe-url.js';
import { waitFor } from '../localcloud/helpers.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

/** One request as a user makes it: the status (0 when the connection failed), the body, the error code. */
async function get(url: string, token?: string): Promise<{ status: number; body: string; code?: string }> {
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    return { status: 0, body: '', code: errorCode(error) };
  }
}

interface DataPlaneTask {
  taskArn: string;
  serviceName?: string;
  lastStatus: string;
  pid?: number;
  port?: number;
}

/** The gateway processes localcloud runs for one instance (`/_localcloud/state`). */
async function gatewayProcesses(p: Pipeline, id: string): Promise<DataPlaneTask[]> {
  const state = await p.inspect<{ dataPlane: { tasks: DataPlaneTask[] } }>('state');
  return state.dataPlane.tasks.filter(
    (t) => t.serviceName === resourceNames(id).serviceName && t.pid !== undefined,
  );
}

describe('running means reachable: the URL answers through the load balancer', () => {
  let p: Pipeline;
  let aws: ReturnType<typeof makeAwsClients>;
  const made: { id: string; gatewayToken: string; record: InstanceRecord }[] = [];

  beforeAll(async () => {
    p = await startPipeline({ env: { REACHABLE_DEADLINE_MS: '20000' } });
    aws = makeAwsClients(p.config);
    const submitted = [await p.submit('reach-a'), await p.submit('reach-b')];
    const records = await p.waitForStatus(
      submitted.map((s) => s.id),
      ['running', 'failed'],
      60_000,
    );
    made.push(...submitted.map((s, i) => ({ ...s, record: records[i]! })));
  });
  afterAll(async () => {
    aws?.destroy();
    await p?.close();
  });

  it('is running only after the gate saw its URL answer, and the URL wants the token', async () => {
    console.info(
      `[reachable] gate waits: ${made.map((m) => `${m.record.steps.reachable.output?.reachableWaitMs} ms`).join(', ')}`,
    );
    for (const { id, gatewayToken, record } of made) {
      expect(record.status, JSON.stringify(record.error)).toBe('running');
      expect(record.steps.reachable).toMatchObject({ state: 'done', output: { answer: 'HTTP 200' } });
      expect(Date.parse(record.runningAt!)).toBeGreaterThanOrEqual(
        Date.parse(record.steps.reachable.endedAt!),
      );
      expect(record.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[a-z2-7]{12}\/$/);

      expect((await get(record.url)).status).toBe(401);
      expect((await get(`${record.url}health`)).status).toBe(401);
      const page = await get(record.url, gatewayToken);
      expect(page.status).toBe(200);
      expect(page.body).toContain(id);
      expect((await get(`${record.url}?token=${encodeURIComponent(gatewayToken)}`)).status).toBe(200);
    }
    // The token never reached a log line of the worker (it read it back from the secret).
    const logs = p.logLines.join('');
    for (const { gatewayToken } of made) expect(logs).not.toContain(gatewayToken);
  });

  it("reaches each instance at its own process, and neither accepts the other one's token", async () => {
    const [a, b] = made;
    expect((await get(a!.record.url, b!.gatewayToken)).status).toBe(401);
    expect((await get(b!.record.url, a!.gatewayToken)).status).toBe(401);
    const [pa, pb] = [await gatewayProcesses(p, a!.id), await gatewayProcesses(p, b!.id)];
    expect(pa).toHaveLength(1);
    expect(pb).toHaveLength(1);
    expect(pa[0]!.pid).not.toBe(pb[0]!.pid);
    const bodyA = (await get(a!.record.url, a!.gatewayToken)).body;
    expect(bodyA).not.toContain(b!.id);
  });

  it('kill -9 of a gateway: its URL answers 502/503, then answers again, without a new saga run', async () => {
    const { id, gatewayToken, record } = made[0]!;
    const other = made[1]!;
    const [victim] = await gatewayProcesses(p, id);
    const killedAt = Date.now();
    process.kill(victim!.pid!, 'SIGKILL');

    const outage = await waitFor(
      async () => {
        const res = await get(record.url, gatewayToken);
        return res.status === 502 || res.status === 503 ? res.status : false;
      },
      {
        timeoutMs: 15_000,
        intervalMs: 10,
        what: `${record.url} to answer 502/503 after its gateway was killed`,
      },
    );
    expect([502, 503]).toContain(outage);
    const outageAt = Date.now();
    // The other instance does not notice.
    expect((await get(other.record.url, other.gatewayToken)).status).toBe(200);

    await waitFor(async () => (await get(record.url, gatewayToken)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: `${record.url} to answer 200 again (ECS replaces the task)`,
    });
    console.info(
      `[reachable] kill -9: ${outage} after ${outageAt - killedAt} ms, 200 again after ${Date.now() - killedAt} ms`,
    );
    const [replacement] = await gatewayProcesses(p, id);
    expect(replacement!.pid).not.toBe(victim!.pid);

    // ECS replaced the task; the saga did not run again.
    const after = await p.store.get(id);
    expect(after!.status).toBe('running');
    expect(after!.steps.reachable.endedAt).toBe(record.steps.reachable.endedAt);
    expect(after!.runningAt).toBe(record.runningAt);
    const jobs = await p.instanceQueue.queue.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed']);
    const creates = jobs.filter((j) => j.name === 'create' && j.data.instanceId === id).map((j) => j.id);
    expect(creates).toEqual([jobIds.create(id, 1)]);
  });

  it('a throttled GetSecretValue is retried by the classifier, and the gate still opens', async () => {
    await p.inspect('faults', {
      rules: [{ operation: 'secretsmanager:GetSecretValue', errorRate: 1, error: 'throttle', maxErrors: 2 }],
    });
    try {
      const { id, gatewayToken } = await p.submit('reach-throttled');
      const [record] = await p.waitForStatus([id], ['running', 'failed'], 30_000);
      expect(record!.status, JSON.stringify(record!.error)).toBe('running');
      // Both throttled answers go to the step's first attempt (the SDK's one quick retry takes the second);
      // the classifier retries the step, and its second attempt reads the token.
      expect(record!.steps.reachable).toMatchObject({ state: 'done', attempts: 2 });
      expect((await get(record!.url, gatewayToken)).status).toBe(200);
      await p.remove(id);
      await p.waitForStatus([id], ['deleted'], 30_000);
    } finally {
      await p.inspect('faults', { rules: [] });
    }
  });

  it("a secret without the token's JSON key: the task stops with ECS's reason and the instance fails with it", async () => {
    await p.stopWorker();
    const { id } = await p.submit('reach-no-key');
    // The secret exists before the saga runs: its create step adopts it (ResourceExists) as it finds it.
    await aws.secrets.send(
      new CreateSecretCommand({
        Name: resourceNames(id).secretName,
        SecretString: JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-test' }),
      }),
    );
    await p.startWorker();
    const [failed] = await p.waitForStatus([id], ['failed', 'running'], 30_000);
    expect(failed!.status).toBe('failed');
    expect(failed!.error).toMatchObject({ step: 'placement', code: 'TaskFailedToStart' });
    expect(failed!.error!.message).toMatch(
      /^ResourceInitializationError: unable to pull secrets or registry auth/,
    );
    expect(failed!.steps.reachable.state).toBe('pending');
    await p.remove(id);
    await p.waitForStatus([id], ['deleted'], 30_000);
  });

  it('delete: the URL answers the default 404, and no process or target is left', async () => {
    const { id, gatewayToken, record } = made[1]!;
    await p.remove(id);
    await p.waitForStatus([id], ['deleted'], 30_000);
    await waitUntilNothingLeft(() => p.inspect('state'), [id]);
    await waitFor(async () => (await gatewayProcesses(p, id)).length === 0, {
      what: `no gateway process left for ${id}`,
    });
    const gone = await get(record.url, gatewayToken);
    expect(gone.status).toBe(404);
    const state = await p.inspect<{ targetGroups: { name: string; targets?: unknown[] }[] }>('state');
    expect(state.targetGroups.filter((tg) => tg.name === resourceNames(id).targetGroupName)).toEqual([]);
  });
});
