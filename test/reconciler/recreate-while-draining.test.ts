import { DeleteServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNames } from '../../shared/naming.js';
import { inventoryOf, REPAIRED_ONCE } from '../support/cloud-inventory.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

/**
 * The service's deregistration delay while the test deletes it: far longer than a reconcile run and the
 * job it enqueues take to reach CreateService, so that call meets a service still DRAINING.
 */
const DRAIN_MS = 8_000;

/**
 * A running instance's service is deleted by hand and the reconciler re-creates it at once, while the old
 * one still drains: ECS refuses the name ("Unable to Start a service that is still Draining."), the
 * classifier's draining verdict makes the step wait and look again, and once the old service is INACTIVE
 * the step creates a new one with a token ECS has not seen (the first create's token is bound to a
 * service now deleted).
 */
describe('reconciler: re-creates a service while the old one still drains', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('waits out "still Draining" and runs again on a new service', async () => {
    const { id } = await p.submit('drained');
    await p.waitForStatus([id], ['running'], 20_000);
    const cluster = p.config.ECS_CLUSTER;
    const { serviceName } = resourceNames(id);
    const before = (await p.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] })))
      .services![0]!;

    await p.inspect('timing', { serviceDrainMs: DRAIN_MS });
    await p.aws.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }));
    await p.aws.ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true }));
    await p.inspect('timing', { serviceDrainMs: null });
    const deletedAt = Date.now();

    const report = await p.reconcile();
    expect(report.actions).toEqual([
      expect.objectContaining({ kind: 'repair', instanceId: id, detail: 'service', applied: true }),
    ]);
    // The create saga met the draining service: ECS's words, through the classifier's retry-after.
    await waitFor(
      async () =>
        p.logLines.some((l) => l.includes(id) && l.includes('step waits') && l.includes('still Draining')),
      DRAIN_MS,
      'the service step to wait on a service still draining',
    );
    const stillDraining = (
      await p.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }))
    ).services![0]!;
    expect(stillDraining.status).toBe('DRAINING');

    const [after] = await p.waitForStatus([id], ['running'], DRAIN_MS + 20_000);
    expect(Date.parse(after!.runningAt ?? '')).toBeGreaterThan(deletedAt);
    const now = (await p.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] })))
      .services![0]!;
    expect(now.status).toBe('ACTIVE');
    expect(now.createdAt!.getTime()).toBeGreaterThan(before.createdAt!.getTime());
    expect(now.runningCount).toBe(1);
    expect(inventoryOf(await p.inspect('state'), id)).toMatchObject(REPAIRED_ONCE);
    console.info(
      `[reconciler] service re-created after draining: running again in ${((Date.now() - deletedAt) / 1000).toFixed(1)} s`,
    );
  });
});
