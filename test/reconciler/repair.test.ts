import {
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeRulesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../shared/domain.js';
import { resourceNames } from '../../shared/naming.js';
import { inventoryOf, REPAIRED_ONCE } from '../support/cloud-inventory.js';
import { waitFor as waitForValue } from '../support/wait-for.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

const INTERVAL_MS = 2_000;

/**
 * The reconciler the worker schedules (RECONCILE_INTERVAL_MS = 2 s), not one the test calls: a resource
 * of a running instance deleted by hand is found and the create saga resumed from that step, so the
 * instance is running again, with each resource once, within two intervals. A service left with no
 * healthy task past RECONCILE_UNHEALTHY_MS is put back to one task and waited for again.
 */
describe('reconciler: repairs a running instance', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline({
      // Unhealthy at one run, repaired at the next: "no healthy task for longer than the threshold".
      env: { RECONCILE_INTERVAL_MS: String(INTERVAL_MS), RECONCILE_UNHEALTHY_MS: '1' },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  /** Running again after `since`: a repair ran the saga to its end once more. */
  async function runningAgain(
    id: string,
    since: number,
    // Where reads lag writes (the .eventual variant), a run may still see what was deleted by hand, and
    // the next one repairs it: one interval more.
    withinMs = (Number(process.env.LOCALCLOUD_EVENTUAL_CONSISTENCY_MS || 0) > 0 ? 3 : 2) * INTERVAL_MS,
  ): Promise<InstanceRecord> {
    let record: InstanceRecord | null = null;
    await waitFor(
      async () => {
        record = await p.store.get(id);
        return record?.status === 'running' && Date.parse(record.runningAt ?? '') > since;
      },
      withinMs,
      `${id} running again`,
    );
    return record!;
  }

  it('recreates a service deleted by hand', async () => {
    const { id } = await p.submit('svc-victim');
    const [before] = await p.waitForStatus([id], ['running'], 20_000);
    const cluster = p.config.ECS_CLUSTER;
    const { serviceName } = resourceNames(id);
    await p.aws.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
    await p.aws.ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true }));
    const deletedAt = Date.now();

    const after = await runningAgain(id, deletedAt);
    const seconds = (Date.now() - deletedAt) / 1000;
    expect(after.error).toBeNull();
    expect(after.steps.service.output?.serviceArn).toBeTruthy();
    expect(after.steps.placement.output?.taskArn).not.toBe(before!.steps.placement.output?.taskArn);
    const { services } = await p.aws.ecs.send(
      new DescribeServicesCommand({ cluster, services: [serviceName] }),
    );
    expect(services?.[0]?.status).toBe('ACTIVE');
    expect(inventoryOf(await p.inspect('state'), id)).toMatchObject(REPAIRED_ONCE);
    const { totals } = await p.report();
    expect(totals.repaired).toBeGreaterThanOrEqual(1);
    expect(p.logLines.some((l) => l.includes(id) && l.includes('service resource is missing'))).toBe(true);
    console.info(`[reconciler] service deleted by hand: running again in ${seconds.toFixed(1)} s`);
  });

  it('recreates a target group deleted by hand (its rule first, as ELB requires), rebinding rule and service', async () => {
    const { id, gatewayToken } = await p.submit('tg-victim');
    const [before] = await p.waitForStatus([id], ['running'], 20_000);
    const oldTg = before!.steps['target-group'].output!.targetGroupArn!;
    await p.aws.elbv2.send(
      new DeleteRuleCommand({ RuleArn: before!.steps['listener-rule'].output!.ruleArn! }),
    );
    await p.aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: oldTg }));
    const deletedAt = Date.now();

    const after = await runningAgain(id, deletedAt);
    const seconds = (Date.now() - deletedAt) / 1000;
    const newTg = after.steps['target-group'].output!.targetGroupArn!;
    expect(newTg).not.toBe(oldTg);
    // The rule forwards to the new group on the instance's own listener, and the service is bound to it.
    // Read back with a bounded wait: where reads lag writes (the .eventual variant) a rule made moments
    // ago may not be listed yet.
    const ruleArn = after.steps['listener-rule'].output?.ruleArn;
    const rule = await waitForValue(
      async () =>
        (await p.aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: after.listenerArn }))).Rules?.find(
          (r) => r.RuleArn === ruleArn,
        ),
      { what: `rule ${ruleArn} in DescribeRules` },
    );
    expect(rule?.Actions?.[0]?.TargetGroupArn).toBe(newTg);
    expect(rule?.Priority).toBe(before!.steps['listener-rule'].output?.priority);
    const { services } = await p.aws.ecs.send(
      new DescribeServicesCommand({
        cluster: p.config.ECS_CLUSTER,
        services: [resourceNames(id).serviceName],
      }),
    );
    expect(services?.[0]?.loadBalancers?.[0]?.targetGroupArn).toBe(newTg);
    expect(inventoryOf(await p.inspect('state'), id)).toMatchObject(REPAIRED_ONCE);
    // The gate ran again after the repair, and the URL answers through the new rule and group.
    expect(Date.parse(after.steps.reachable.endedAt ?? '')).toBeGreaterThan(deletedAt);
    const res = await fetch(`${after.url}health`, { headers: { authorization: `Bearer ${gatewayToken}` } });
    expect(res.status).toBe(200);
    console.info(`[reconciler] target group deleted by hand: running again in ${seconds.toFixed(1)} s`);
  });

  it('re-registers a task definition deregistered by hand and moves the service onto it', async () => {
    const { id } = await p.submit('td-victim');
    const [before] = await p.waitForStatus([id], ['running'], 20_000);
    const oldArn = before!.steps['task-definition'].output!.taskDefinitionArn!;
    await p.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: oldArn }));
    const deregisteredAt = Date.now();

    const after = await runningAgain(id, deregisteredAt);
    const newArn = after.steps['task-definition'].output!.taskDefinitionArn!;
    expect(newArn).not.toBe(oldArn);
    // Read back with a bounded wait: where reads lag writes (the .eventual variant) a revision registered
    // moments ago may not be described yet.
    const { taskDefinition } = await waitForValue(
      () =>
        p.aws.ecs
          .send(new DescribeTaskDefinitionCommand({ taskDefinition: newArn }))
          .catch(() => false as const),
      { what: `DescribeTaskDefinition of ${newArn}` },
    );
    expect(taskDefinition?.status).toBe('ACTIVE');
    const { services } = await p.aws.ecs.send(
      new DescribeServicesCommand({
        cluster: p.config.ECS_CLUSTER,
        services: [resourceNames(id).serviceName],
      }),
    );
    // The same service (no downtime from a delete), now on the new revision.
    expect(services?.[0]?.serviceArn).toBe(before!.steps.service.output?.serviceArn);
    expect(services?.[0]?.taskDefinition).toBe(newArn);
  });

  it('puts a service scaled to zero by hand back to one task once it has had no healthy task too long', async () => {
    const { id } = await p.submit('scaled-to-zero');
    const [before] = await p.waitForStatus([id], ['running'], 20_000);
    const cluster = p.config.ECS_CLUSTER;
    const { serviceName } = resourceNames(id);
    await p.aws.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
    const scaledAt = Date.now();

    // One run sees no healthy task and stamps it, the next repairs: three intervals cover the task stopping.
    const after = await runningAgain(id, scaledAt, 3 * INTERVAL_MS);
    const seconds = (Date.now() - scaledAt) / 1000;
    const { services } = await p.aws.ecs.send(
      new DescribeServicesCommand({ cluster, services: [serviceName] }),
    );
    // The same service, scaled back, with a new task that runs.
    expect(services?.[0]?.serviceArn).toBe(before!.steps.service.output?.serviceArn);
    expect(services?.[0]).toMatchObject({ desiredCount: 1, runningCount: 1 });
    expect(after.steps.placement.output?.taskArn).not.toBe(before!.steps.placement.output?.taskArn);
    expect(p.logLines.some((l) => l.includes(id) && l.includes('no healthy task for'))).toBe(true);
    console.info(`[reconciler] service scaled to zero by hand: running again in ${seconds.toFixed(1)} s`);
  });
});
