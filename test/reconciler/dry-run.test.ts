import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../shared/job-catalog.js';
import { newInstanceId, resourceNames } from '../../shared/naming.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { dumpRedis, inventoryOf } from '../support/cloud-inventory.js';
import { makeByHand } from './by-hand.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

describe('reconciler: dry run (RECONCILE_DRY_RUN)', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('reports every kind of drift and changes nothing in AWS or Redis', async () => {
    // Three kinds of drift: an orphan, a running instance without its service, a provisioning one
    // without its job.
    const orphan = newInstanceId();
    await makeByHand(p.aws, p.config, orphan, {
      listenerArn: p.config.routing.listeners[0]!.listenerArn,
      priority: 5000,
    });
    const { id: broken } = await p.submit('dry-broken');
    const { id: lost } = await p.submit('dry-lost');
    await p.waitForStatus([broken, lost], ['running']);
    await p.stopWorker();
    const cluster = p.config.ECS_CLUSTER;
    const service = resourceNames(broken).serviceName;
    await p.aws.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
    await p.aws.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
    // Its create job lost mid-repair: degraded, then provisioning again, with no job.
    const lostRecord = (await p.store.get(lost))!;
    await p.store.markDegraded(lost, { instance: lostRecord, reason: 'tested by hand', fromStep: 'service' });
    await p.store.startProvisioning(lost);
    await (await p.instanceQueue.queue.getJob(jobIds.create(lost, 1)))?.remove();
    // Let the deleted service drain, so localcloud holds still while we compare.
    await waitFor(
      async () => {
        const left = inventoryOf(await p.inspect('state'), broken);
        return left.liveServices === 0 && left.liveTasks === 0;
      },
      10_000,
      'the deleted service to drain',
    );

    const ids = [orphan, broken, lost];
    const inventories = async () => {
      const state = await p.inspect('state');
      return ids.map((id) => inventoryOf(state, id));
    };
    // Everything under the prefix except the reconciler's own report and bookkeeping, and BullMQ's
    // stalled-check marker, a key with a TTL of its own that comes and goes whatever the reconciler does.
    const redisState = async () => {
      const keys = (await p.ns.redis.keys(`${p.ns.prefix}:*`))
        .filter((key) => !key.startsWith(`${p.ns.prefix}:reconciler:`))
        .filter((key) => !key.endsWith(':stalled-check'))
        .sort();
      return Promise.all(keys.map(async (key) => [key, await dumpRedis(p.ns.redis, key)]));
    };
    // Dry run from configuration, every threshold as eager as it gets. A first run stamps when the target
    // group and rule were first seen (ELB gives no creation time), so the second sees them past grace.
    const ctx = {
      ...p.ctx({ graceMs: 1, staleJobMs: 1, unhealthyMs: 1 }),
      config: { ...p.config, RECONCILE_DRY_RUN: true },
    };
    // The second run's clock is a minute on (injected), so every threshold has surely passed.
    const t0 = Date.now();
    await runReconcile({ ...ctx, clock: { now: () => t0 } });
    const awsBefore = await inventories();
    const redisBefore = await redisState();
    const totalsBefore = (await p.report()).totals;

    const report = await runReconcile({ ...ctx, clock: { now: () => t0 + 60_000 } });
    expect(report.dryRun).toBe(true);
    expect(report.actions.map((a) => [a.kind, a.instanceId, a.applied]).sort()).toEqual(
      [
        ['delete-orphan', orphan, false],
        ['repair', broken, false],
        ['reenqueue', lost, false],
      ].sort(),
    );
    expect(report).toMatchObject({ driftFound: 3, repaired: 0, deleted: 0, reenqueued: 0, failed: 0 });

    expect(await inventories()).toEqual(awsBefore);
    expect(await redisState()).toEqual(redisBefore);
    const { last, totals } = await p.report();
    expect(last).toMatchObject({ dryRun: true, driftFound: 3 });
    expect(totals).toMatchObject({
      runs: totalsBefore.runs + 1,
      driftFound: totalsBefore.driftFound + 3,
      repaired: totalsBefore.repaired,
      deleted: totalsBefore.deleted,
      reenqueued: totalsBefore.reenqueued,
    });
    for (const id of ids) {
      expect(p.logLines.some((l) => l.includes(id) && l.includes('dry run: nothing done'))).toBe(true);
    }
  });
});
