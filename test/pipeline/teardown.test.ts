import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMetricsRegistry } from '../../api/capacity/metrics.js';
import type { CallLogEntry } from '../../localcloud/inspection.js';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { resourceNames } from '../../shared/naming.js';
import { ClassifiedError } from '../../worker/errors/classified-error.js';
import { secretStep } from '../../worker/steps/secret.js';
import { serviceStep } from '../../worker/steps/service.js';
import { makeResponseContract } from '../api/response-contract.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from '../reconciler/harness.js';
import { API_TOKEN, apiOnPipeline } from '../routing/api-on-pipeline.js';

interface State {
  taskDefinitions: { family: string; status: string; arn?: string; taskDefinitionArn?: string }[];
}

/** Every secret Secrets Manager lists, through the SDK (what an operator would see). */
async function listedSecretNames(p: ReconcilerPipeline): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await p.aws.secrets.send(new ListSecretsCommand({ MaxResults: 100, NextToken: token }));
    names.push(...(page.SecretList ?? []).map((s) => s.Name ?? ''));
    token = page.NextToken;
  } while (token);
  return names;
}

const liveRevisions = (state: State, id: string) =>
  state.taskDefinitions.filter(
    (t) => t.family === resourceNames(id).taskFamily && t.status !== 'DELETE_IN_PROGRESS',
  ).length;

describe('teardown: credentials first, housekeeping never blocks', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline({ concurrency: 10 });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('deletes the secret right after the service, before the rule, the target group and the task definitions', async () => {
    const { id } = await p.submit('order-1');
    await p.waitForStatus([id], ['running']);
    await p.inspect('calls/reset', {});
    await p.remove(id);
    await p.waitForStatus([id], ['deleted']);
    const log = await p.inspect<CallLogEntry[]>('calls/log');
    // From the delete's first call, leaving out the capacity sampler's EC2 and Auto Scaling reads.
    const ofDelete = log
      .slice(log.findIndex((c) => c.operation === 'ecs:UpdateService'))
      .filter((c) => !/^(ec2|autoscaling):/.test(c.operation));
    console.info(
      `[teardown] AWS calls of one delete: ${ofDelete.length}: ${ofDelete.map((c) => c.operation.split(':')[1]).join(', ')}`,
    );
    const at = (operation: string) => log.findIndex((c) => c.operation === operation);
    const order = Object.fromEntries(
      [
        'ecs:DeleteService',
        'secretsmanager:DeleteSecret',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:DeleteTargetGroup',
        'ecs:DeleteTaskDefinitions',
      ].map((op) => [op, at(op)]),
    );
    for (const [op, index] of Object.entries(order))
      expect(index, `${op} was called`).toBeGreaterThanOrEqual(0);
    expect(order['secretsmanager:DeleteSecret']).toBeGreaterThan(order['ecs:DeleteService']!);
    expect(order['secretsmanager:DeleteSecret']).toBeLessThan(order['elasticloadbalancing:DeleteRule']!);
    expect(order['secretsmanager:DeleteSecret']).toBeLessThan(
      order['elasticloadbalancing:DeleteTargetGroup']!,
    );
    expect(order['secretsmanager:DeleteSecret']).toBeLessThan(order['ecs:DeleteTaskDefinitions']!);
  });

  it("keeps the secret while the service could still start a task, and deletes it once the service's tasks are told to stop", async () => {
    const { id } = await p.submit('order-2');
    const [running] = await p.waitForStatus([id], ['running']);
    const stepCtx = { ...p.ctx(), note: async () => {} };
    // The service is ACTIVE: a task it starts would read the secret, so the secret's undo waits.
    const early = await secretStep.undo!(stepCtx, running!).then(
      () => null,
      (error: unknown) => error,
    );
    expect(ClassifiedError.is(early)).toBe(true);
    expect((early as ClassifiedError).verdict).toMatchObject({
      action: 'retry-after',
      code: 'SecretStillNeeded',
    });
    expect(await listedSecretNames(p)).toContain(resourceNames(id).secretName);

    // DeleteService tells its task to stop; a long deregistration delay keeps it from STOPPED meanwhile.
    // Nothing can start again, so the secret goes at once, without waiting for the task to stop.
    await p.inspect('timing', { serviceDrainMs: 600_000 });
    expect(await serviceStep.undo!(stepCtx, running!)).toBe('deleted');
    expect(await secretStep.undo!(stepCtx, running!)).toBe('deleted');
    expect(await listedSecretNames(p)).not.toContain(resourceNames(id).secretName);
    const state = await p.inspect<{ tasks: { group: string; lastStatus: string }[] }>('state');
    const task = state.tasks.find((t) => t.group === `service:${resourceNames(id).serviceName}`);
    expect(task?.lastStatus).toBe('DEACTIVATING');
    await p.inspect('timing', { serviceDrainMs: null });

    await p.remove(id);
    await p.waitForStatus([id], ['deleted']);
  });

  it('with DeleteTaskDefinitions unsupported, 20 deletes end deleted with no secret left; the reconciler removes the leftovers once it works', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => p.submit(`teardown-${i}`)));
    const ids = made.map((m) => m.id);
    await p.waitForStatus(ids, ['running'], 90_000);

    // What an implementation without the operation answers, every time.
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:DeleteTaskDefinitions', errorRate: 1, error: 'unsupported' }],
    });
    const deleteStarted = Date.now();
    await Promise.all(ids.map((id) => p.remove(id)));
    const deleted = await p.waitForStatus(ids, ['deleted'], 90_000);
    console.info(
      `[teardown] 20 deletes with DeleteTaskDefinitions unsupported: all deleted in ${((Date.now() - deleteStarted) / 1000).toFixed(1)} s`,
    );

    // No secret is left: neither name is listed by Secrets Manager.
    const listed = new Set(await listedSecretNames(p));
    expect(ids.filter((id) => listed.has(resourceNames(id).secretName))).toEqual([]);

    // The leftover revisions are on each instance, and still in ECS (deregistered, not deleted).
    const state = await p.inspect<State>('state');
    for (const record of deleted) {
      expect(record.leftovers, record.id).toEqual([
        expect.objectContaining({ step: 'task-definition', code: 'UnknownOperation' }),
      ]);
      const resources = record.leftovers[0]!.resources;
      expect(resources.length).toBeGreaterThan(0);
      for (const arn of resources)
        expect(arn).toContain(`:task-definition/${resourceNames(record.id).taskFamily}:`);
      expect(liveRevisions(state, record.id), record.id).toBe(resources.length);
      expect(record.error).toBeNull();
    }
    expect(p.logLines.filter((l) => l.includes('housekeeping left undone')).length).toBe(20);

    // An operator sees them through the API, in a body the OpenAPI document declares.
    const api = await apiOnPipeline(p);
    try {
      const record = deleted[0]!;
      const response = await api.app.request(`/v1/instances/${record.id}`, {
        headers: { Authorization: `Bearer ${API_TOKEN}` },
      });
      const text = await response.text();
      makeResponseContract(api.app)(
        'GET',
        `/v1/instances/${record.id}`,
        response.status,
        'application/json',
        text,
      );
      expect(response.status).toBe(200);
      const view = JSON.parse(text) as { status: string; leftovers: unknown };
      expect(view.status).toBe('deleted');
      expect(view.leftovers).toEqual(record.leftovers);
    } finally {
      await api.close();
    }

    // ...and in the metric.
    const metrics = makeMetricsRegistry({
      redis: p.ns.redis,
      prefix: p.ns.prefix,
      queues: [],
      samples: makeSampleStore(p.ns.redis, { prefix: p.ns.prefix }),
      store: p.store,
    });
    const before = await metrics.render();
    expect(before).toContain('openclaw_delete_leftover_instances{step="task-definition"} 20');
    expect(before).toMatch(/openclaw_delete_leftover_resources\{step="task-definition"\} (2\d|[3-9]\d)/);

    // While the operation still fails, a reconciler run keeps them, with the latest reason.
    await p.reconcile();
    expect((await p.store.pendingLeftovers()).size).toBe(20);

    // Once it works, one run removes them all.
    await p.inspect('faults', { rules: [] });
    await p.reconcile();
    expect((await p.store.pendingLeftovers()).size).toBe(0);
    const after = await p.inspect<State>('state');
    for (const id of ids) {
      expect(liveRevisions(after, id), id).toBe(0);
      expect((await p.store.get(id))?.leftovers).toEqual([]);
    }
    expect(await metrics.render()).not.toContain('openclaw_delete_leftover_instances{');
  }, 180_000);
});
