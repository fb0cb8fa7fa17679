import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeRulesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInstanceId, resourceNames } from '../../shared/naming.js';
import { inventoryOf } from '../support/cloud-inventory.js';
import { makeByHand } from './by-hand.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

/**
 * Resources deleted between the List calls that found them and the reads that judge them (tags): the
 * run finishes, reports them as vanished, and still judges the rest. localcloud holds the tag reads
 * in flight (a `hold` fault, released per operation) while the test deletes, so the order is fixed, not raced.
 */
describe('reconciler: resources that vanish during a run', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  const callsOf = async (operation: string) =>
    (await p.inspect<Record<string, number>>('calls'))[operation] ?? 0;

  it('reports a target group, a rule and a task definition deleted mid-run as gone and deletes what is left', async () => {
    const id = newInstanceId();
    const listenerArn = p.config.routing.listeners[1]!.listenerArn;
    const { targetGroupArn } = await makeByHand(p.aws, p.config, id, { listenerArn, priority: 4000 });
    const names = resourceNames(id);
    const { taskDefinition } = await p.aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: names.taskFamily }),
    );
    const { Rules } = await p.aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    const ruleArn = Rules!.find((r) => r.Priority === '4000')!.RuleArn!;

    await p.inspect('calls/reset', {});
    await p.inspect('faults', {
      rules: [
        { operation: 'elasticloadbalancing:DescribeTags', hold: true },
        { operation: 'ecs:ListTagsForResource', hold: true },
      ],
    });
    const run = p.reconcile({ graceMs: 0 });

    // The ELB tag read is in flight: its rule and target group go.
    await waitFor(
      async () => (await callsOf('elasticloadbalancing:DescribeTags')) >= 1,
      10_000,
      'DescribeTags',
    );
    await p.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    await p.aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }));
    await p.inspect('faults', { rules: [{ operation: 'ecs:ListTagsForResource', hold: true }] });
    // The task definition's tag read is in flight: the revision is deleted (ECS answers its tags with
    // ClientException then, an error the classifier calls fatal).
    await waitFor(async () => (await callsOf('ecs:ListTagsForResource')) >= 1, 10_000, 'ListTagsForResource');
    const arn = taskDefinition!.taskDefinitionArn!;
    await p.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    await p.aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [arn] }));
    await p.inspect('faults', { rules: [] });

    const report = await run;
    expect(report.vanished?.sort()).toEqual(
      [`${id}:listener-rule`, `${id}:target-group`, `${id}:task-definition`].sort(),
    );
    // What was still there (secret, service) was judged and removed in the same run.
    expect(report).toMatchObject({ deleted: 1, errors: 0 });
    expect(report.actions).toEqual([
      expect.objectContaining({
        kind: 'delete-orphan',
        instanceId: id,
        applied: true,
        detail: 'secret,service',
      }),
    ]);
    const left = inventoryOf(await p.inspect('state'), id);
    expect({ secrets: left.secrets, liveServices: left.liveServices }).toEqual({
      secrets: 0,
      liveServices: 0,
    });
    const { last } = await p.report();
    expect(last?.vanished).toHaveLength(3);
    expect(p.logLines.some((l) => l.includes(id) && l.includes('resource vanished during the scan'))).toBe(
      true,
    );
  });

  it("finishes when a running instance's target group vanishes while its health is read", async () => {
    const { id } = await p.submit('health-vanish');
    const [record] = await p.waitForStatus([id], ['running'], 20_000);
    await p.inspect('calls/reset', {});
    await p.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:DescribeTargetHealth', hold: true }],
    });
    const run = p.reconcile();
    await waitFor(
      async () => (await callsOf('elasticloadbalancing:DescribeTargetHealth')) >= 1,
      10_000,
      'DescribeTargetHealth',
    );
    await p.aws.elbv2.send(
      new DeleteRuleCommand({ RuleArn: record!.steps['listener-rule'].output!.ruleArn! }),
    );
    await p.aws.elbv2.send(
      new DeleteTargetGroupCommand({ TargetGroupArn: record!.steps['target-group'].output!.targetGroupArn! }),
    );
    await p.inspect('faults', { rules: [] });

    const report = await run;
    expect(report.vanished).toContain(`${id}:target-group`);
    expect(report.errors).toBe(0);
    // Nothing is decided on a health this run could not read; the next run finds the group missing.
    expect(report.actions.filter((a) => a.instanceId === id)).toEqual([]);
    const next = await p.reconcile();
    expect(next.actions).toEqual([
      expect.objectContaining({ kind: 'repair', instanceId: id, detail: 'target-group', applied: true }),
    ]);
  });
});
