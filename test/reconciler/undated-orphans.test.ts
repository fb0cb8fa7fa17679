import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInstanceId, resourceNames } from '../../shared/naming.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { inventoryOf } from '../support/cloud-inventory.js';
import { makeByHand } from './by-hand.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from './harness.js';

const GRACE_MS = 10 * 60_000;

/**
 * Another implementation sent services without `createdAt` and task definitions without `registeredAt`:
 * such an orphan looked brand new on every run and was never removed. It ages from first sight now. The
 * reconciler's clock is injected, so the grace period passes without waiting for it.
 */
describe('reconciler: orphans without a creation time', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('removes a createdAt-less orphan once it has been seen for longer than the grace period', async () => {
    const orphan = newInstanceId();
    await makeByHand(p.aws, p.config, orphan, {
      listenerArn: p.config.routing.listeners[0]!.listenerArn,
      priority: 4000,
    });
    await p.inspect('faults', {
      rules: [
        { operation: 'ecs:DescribeServices', omitFields: ['createdAt'] },
        { operation: 'ecs:DescribeTaskDefinition', omitFields: ['registeredAt'] },
      ],
    });
    // The answers do come without them.
    const names = resourceNames(orphan);
    const described = await p.aws.ecs.send(
      new DescribeServicesCommand({ cluster: p.config.ECS_CLUSTER, services: [names.serviceName] }),
    );
    expect(described.services?.[0]?.serviceName).toBe(names.serviceName);
    expect(described.services?.[0]?.createdAt).toBeUndefined();
    const family = await p.aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: names.taskFamily }),
    );
    expect(family.taskDefinition?.family).toBe(names.taskFamily);
    expect(family.taskDefinition?.registeredAt).toBeUndefined();

    const firstSeen = Date.now();
    const at = (ms: number) => runReconcile({ ...p.ctx({ graceMs: GRACE_MS }), clock: { now: () => ms } });

    expect(await at(firstSeen)).toMatchObject({ deleted: 0, waitingForGrace: 1 });
    // Still inside the grace period counted from the first run that saw it.
    expect(await at(firstSeen + GRACE_MS - 1_000)).toMatchObject({ deleted: 0, waitingForGrace: 1 });
    const past = await at(firstSeen + GRACE_MS + 1_000);
    expect(past).toMatchObject({ deleted: 1, errors: 0, waitingForGrace: 0 });
    expect(past.actions).toEqual([
      expect.objectContaining({ kind: 'delete-orphan', instanceId: orphan, applied: true }),
    ]);
    expect(inventoryOf(await p.inspect('state'), orphan)).toMatchObject({
      secrets: 0,
      taskDefinitions: 0,
      targetGroups: 0,
      rules: 0,
      liveServices: 0,
    });
  });
});
