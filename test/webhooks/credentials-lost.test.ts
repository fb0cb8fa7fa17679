import {
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../shared/domain.js';
import { resourceNames } from '../../shared/naming.js';
import { makeWebhookQueue } from '../../shared/queues.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { webhookEndpoints } from '../../shared/webhooks/endpoints.js';
import { instancesWithLiveJobs } from '../../worker/reconciler/live-jobs.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { makeLifecycleEventHook } from '../../worker/webhooks/lifecycle-hook.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from '../reconciler/harness.js';
import { API_TOKEN, apiOnPipeline } from '../routing/api-on-pipeline.js';
import { newWebhookSecret, type Receiver, startReceiver, waitUntil } from './receiver.js';

/**
 * A running instance's secret deleted behind the platform's back: the reconciler marks it degraded with
 * credentials_lost (never failed) and the backend hears of it by webhook; PUT .../credentials gives it a
 * new gateway token (shown once), the saga writes the secret anew and rolls the service onto a revision
 * that reads it, and the instance is running again. Through HTTP, Redis and localcloud.
 */
describe('credentials lost', () => {
  const secret = newWebhookSecret();
  let receiver: Receiver;
  let p: ReconcilerPipeline;
  let api: Awaited<ReturnType<typeof apiOnPipeline>>;
  let webhookQueue: ReturnType<typeof makeWebhookQueue>;
  let reconcile: () => ReturnType<typeof runReconcile>;
  const headers = { Authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    receiver = await startReceiver(secret);
    p = await startReconcilerPipeline({
      env: { WEBHOOK_URLS: receiver.url(), WEBHOOK_SECRET: secret, WEBHOOK_BACKOFF_BASE_MS: '50' },
    });
    api = await apiOnPipeline(p);
    // The reconciler as a worker runs it: its store enqueues the webhooks of the transitions it makes.
    const endpoints = webhookEndpoints(p.config.WEBHOOK_URLS);
    webhookQueue = makeWebhookQueue(p.ns.redis, p.ns.prefix, endpoints);
    const store = makeInstanceStore(p.ns.redis, {
      prefix: p.ns.prefix,
      routing: p.config.routing,
      onLifecycleEvent: makeLifecycleEventHook(webhookQueue, endpoints.length, p.logger),
    });
    reconcile = () => runReconcile({ ...p.ctx(), store });
  });
  afterAll(async () => {
    await webhookQueue?.close();
    await api?.close();
    await p?.close();
    await receiver?.close();
  });

  const typesOf = (id: string) =>
    receiver.accepted.filter((e) => e.data.instanceId === id).map((e) => e.type);
  const secretValue = async (id: string) => {
    const { SecretString } = await p.aws.secrets.send(
      new GetSecretValueCommand({ SecretId: resourceNames(id).secretName }),
    );
    return JSON.parse(SecretString!) as { ANTHROPIC_API_KEY: string; OPENCLAW_GATEWAY_TOKEN: string };
  };
  const service = async (id: string) => {
    const { services } = await p.aws.ecs.send(
      new DescribeServicesCommand({
        cluster: p.config.ECS_CLUSTER,
        services: [resourceNames(id).serviceName],
      }),
    );
    return services![0]!;
  };

  /** Reconciles, and answers the record once the reconciler found the secret gone and said so. */
  async function loseAndReport(id: string): Promise<InstanceRecord> {
    // The reconciler leaves an instance with a live job alone: the create job may still be finishing.
    await waitUntil(
      async () => !(await instancesWithLiveJobs(p.instanceQueue.queue)).has(id),
      10_000,
      `the create job of ${id} to finish`,
    );
    const report = await reconcile();
    expect(report.actions).toContainEqual(
      expect.objectContaining({ kind: 'credentials-lost', instanceId: id, applied: true }),
    );
    const [record] = await p.waitForStatus([id], ['degraded'], 5_000);
    expect(record!.error).toMatchObject({ step: 'secret', code: 'credentials_lost' });
    await waitUntil(
      () => typesOf(id).at(-1) === 'instance.credentials_lost',
      10_000,
      'the instance.credentials_lost webhook',
    );
    // A second run neither fails it nor re-enqueues its create: only the backend can give credentials.
    const again = await reconcile();
    expect(again.actions.filter((a) => a.instanceId === id)).toEqual([]);
    expect((await p.store.get(id))!.status).toBe('degraded');
    return record!;
  }

  /** PUT .../credentials: the new token, shown this once; a second PUT finds nothing lost. */
  async function restore(id: string, body: Record<string, string>): Promise<string> {
    const put = () =>
      api.app.request(`/v1/instances/${id}/credentials`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(body),
      });
    const first = await put();
    expect(first.status).toBe(202);
    const { gatewayToken, status } = (await first.json()) as { gatewayToken: string; status: string };
    expect(status).toBe('degraded');
    const second = await put();
    expect(second.status).toBe(409);
    expect(JSON.stringify(await second.json())).not.toContain(gatewayToken);
    return gatewayToken;
  }

  it('a secret force-deleted: degraded and reported, then restored with the platform key and a new token', async () => {
    const created = await api.submit('lost-forced');
    const { id, gatewayToken: firstToken } = (await created.json()) as { id: string; gatewayToken: string };
    const [before] = await p.waitForStatus([id], ['running'], 30_000);
    const oldTaskDefinition = (await service(id)).taskDefinition;
    // A running instance cannot take new credentials.
    const early = await api.app.request(`/v1/instances/${id}/credentials`, {
      method: 'PUT',
      headers,
      body: '{}',
    });
    expect(early.status).toBe(409);

    await p.aws.secrets.send(
      new DeleteSecretCommand({ SecretId: resourceNames(id).secretName, ForceDeleteWithoutRecovery: true }),
    );
    await loseAndReport(id);

    const newToken = await restore(id, {});
    expect(newToken).not.toBe(firstToken);
    await waitUntil(
      async () => {
        const r = await p.store.get(id);
        return (
          r?.status === 'running' && r.updatedAt > before!.updatedAt && r.steps.placement.state === 'done'
        );
      },
      30_000,
      `${id} running again`,
    );
    const after = (await p.store.get(id))!;
    expect(after.error).toBeNull();
    // A new secret holds the new token and the platform key.
    expect(await secretValue(id)).toEqual({
      ANTHROPIC_API_KEY: p.env.DEFAULT_ANTHROPIC_API_KEY,
      OPENCLAW_GATEWAY_TOKEN: newToken,
    });
    // The service was rolled onto a revision that reads the new secret: new tasks, the new values.
    const svc = await service(id);
    expect(svc.taskDefinition).toBe(after.steps['task-definition'].output?.taskDefinitionArn);
    expect(svc.taskDefinition).not.toBe(oldTaskDefinition);
    const { taskDefinition } = await p.aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }),
    );
    const valueFrom = taskDefinition!.containerDefinitions![0]!.secrets!.map((s) => s.valueFrom);
    expect(valueFrom.every((v) => v!.startsWith(`${after.steps.secret.output!.secretArn}:`))).toBe(true);
    expect(after.steps.placement.output?.taskArn).not.toBe(before!.steps.placement.output?.taskArn);
    // No copy of the new credentials stays in Redis once the secret holds them.
    expect(await p.store.sealedCredentials(id)).toBeNull();

    await waitUntil(() => typesOf(id).length >= 3, 10_000, 'the instance.recovered webhook');
    expect(typesOf(id)).toEqual(['instance.running', 'instance.credentials_lost', 'instance.recovered']);
    for (const event of receiver.accepted) {
      for (const value of [firstToken, newToken, p.env.DEFAULT_ANTHROPIC_API_KEY!]) {
        expect(event.raw).not.toContain(value);
      }
    }
  });

  it('a secret scheduled for deletion: restored and given the new key and token as its current version', async () => {
    const created = await api.submit('lost-scheduled');
    const { id } = (await created.json()) as { id: string };
    const [before] = await p.waitForStatus([id], ['running'], 30_000);
    const { secretName } = resourceNames(id);
    await p.aws.secrets.send(new DeleteSecretCommand({ SecretId: secretName, RecoveryWindowInDays: 7 }));
    await loseAndReport(id);

    const ownKey = `sk-ant-api03-restored-${'k'.repeat(24)}`;
    const newToken = await restore(id, { anthropicApiKey: ownKey });
    await waitUntil(
      async () => {
        const r = await p.store.get(id);
        return (
          r?.status === 'running' && r.steps.placement.state === 'done' && r.updatedAt > before!.updatedAt
        );
      },
      30_000,
      `${id} running again`,
    );
    const described = await p.aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName }));
    expect(described.DeletedDate).toBeUndefined();
    // The same secret (restored), its current version the new credentials.
    expect((await p.store.get(id))!.steps.secret.output?.secretArn).toBe(
      before!.steps.secret.output?.secretArn,
    );
    expect(await secretValue(id)).toEqual({ ANTHROPIC_API_KEY: ownKey, OPENCLAW_GATEWAY_TOKEN: newToken });
    await waitUntil(() => typesOf(id).length >= 3, 10_000, 'the instance.recovered webhook');
    expect(typesOf(id)).toEqual(['instance.running', 'instance.credentials_lost', 'instance.recovered']);
    expect(receiver.accepted.some((e) => e.raw.includes(ownKey) || e.raw.includes(newToken))).toBe(false);
  });

  it('a repaired drift is reported as degraded, then recovered', async () => {
    const created = await api.submit('drifted');
    const { id } = (await created.json()) as { id: string };
    await p.waitForStatus([id], ['running'], 30_000);
    await waitUntil(
      async () => !(await instancesWithLiveJobs(p.instanceQueue.queue)).has(id),
      10_000,
      `the create job of ${id} to finish`,
    );
    const cluster = p.config.ECS_CLUSTER;
    const { serviceName } = resourceNames(id);
    await p.aws.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
    await p.aws.ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true }));
    const report = await reconcile();
    expect(report.actions).toContainEqual(expect.objectContaining({ kind: 'repair', instanceId: id }));
    await waitUntil(() => typesOf(id).length >= 3, 30_000, 'the degraded and recovered webhooks');
    expect(typesOf(id)).toEqual(['instance.running', 'instance.degraded', 'instance.recovered']);
    const degraded = receiver.accepted.find(
      (e) => e.type === 'instance.degraded' && e.data.instanceId === id,
    );
    expect(degraded?.data).toMatchObject({ step: 'service', reason: 'service resource is missing' });
  });
});
