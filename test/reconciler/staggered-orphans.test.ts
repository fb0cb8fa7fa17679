import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInstanceId } from '../../shared/naming.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { inventoryOf } from '../support/cloud-inventory.js';
import { makeByHand } from './by-hand.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from './harness.js';

const GRACE_MS = 10 * 60_000;

/**
 * An orphan whose resources have different ages: its secret, task definition and service carry a
 * creation time from when they were made, while its target group and rule (ELBv2 reports no creation
 * time) age from the first run that saw them, which here comes long after. The grace period counts from
 * the youngest: a create still under way must not lose its older half. The reconciler's clock is
 * injected, so the runs happen at chosen moments without waiting.
 */
describe('reconciler: an orphan whose resources have staggered ages', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('waits for the grace period of its youngest resource, then removes all of it', async () => {
    const orphan = newInstanceId();
    const madeAt = Date.now();
    await makeByHand(p.aws, p.config, orphan, {
      listenerArn: p.config.routing.listeners[0]!.listenerArn,
      priority: 4100,
    });
    const at = (ms: number) => runReconcile({ ...p.ctx({ graceMs: GRACE_MS }), clock: { now: () => ms } });

    // The dated resources are well past the grace period; the target group and the rule are first seen now.
    const firstSeen = madeAt + 3 * GRACE_MS;
    expect(await at(firstSeen)).toMatchObject({ deleted: 0, waitingForGrace: 1 });
    expect(await at(firstSeen + GRACE_MS - 1_000)).toMatchObject({ deleted: 0, waitingForGrace: 1 });
    expect(inventoryOf(await p.inspect('state'), orphan)).toMatchObject({
      secrets: 1,
      taskDefinitions: 1,
      targetGroups: 1,
      rules: 1,
      liveServices: 1,
    });

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
