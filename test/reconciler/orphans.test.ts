import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInstanceId } from '../../shared/naming.js';
import { runReconcile } from '../../worker/reconciler/run-reconcile.js';
import { inventoryOf, NOTHING } from '../support/cloud-inventory.js';
import { makeByHand } from './by-hand.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from './harness.js';

const GRACE_MS = 10 * 60_000;

describe('reconciler: orphans', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('removes tagged resources with no instance after the grace period, not before, and never untagged ones', async () => {
    const orphan = newInstanceId();
    const foreign = newInstanceId();
    const listenerB = p.config.routing.listeners[1]!.listenerArn;
    await makeByHand(p.aws, p.config, orphan, { listenerArn: listenerB, priority: 5000 });
    await makeByHand(p.aws, p.config, foreign, { listenerArn: listenerB, priority: 5001, tagged: false });
    const all = { secrets: 1, taskDefinitions: 1, targetGroups: 1, rules: 1, liveServices: 1 };
    // The reconciler's clock is injected: each run happens at a chosen moment, without waiting for it.
    const madeAt = Date.now();
    const at = (ms: number) => runReconcile({ ...p.ctx({ graceMs: GRACE_MS }), clock: { now: () => ms } });

    // Inside the grace period: seen, counted as waiting, left alone.
    await p.inspect('calls/reset', {});
    const first = await at(madeAt);
    const calls = await p.inspect<Record<string, number>>('calls');
    expect(first).toMatchObject({ deleted: 0, driftFound: 0, waitingForGrace: 1 });
    expect(inventoryOf(await p.inspect('state'), orphan)).toMatchObject(all);
    expect((await at(madeAt + GRACE_MS - 1_000)).deleted).toBe(0);
    expect(inventoryOf(await p.inspect('state'), orphan)).toMatchObject(all);

    // Past it (target group and rule count from the first run that saw them): removed, and counted.
    const later = await at(madeAt + GRACE_MS + 1_000);
    expect(later).toMatchObject({ deleted: 1, driftFound: 1, errors: 0 });
    expect(later.actions).toEqual([
      expect.objectContaining({ kind: 'delete-orphan', instanceId: orphan, applied: true }),
    ]);
    const { liveServices, secrets, taskDefinitions, targetGroups, rules } = inventoryOf(
      await p.inspect('state'),
      orphan,
    );
    expect({ liveServices, secrets, taskDefinitions, targetGroups, rules }).toEqual({
      liveServices: NOTHING.liveServices,
      secrets: 0,
      taskDefinitions: 0,
      targetGroups: 0,
      rules: 0,
    });
    // Not tagged with its id: not ours to delete, whatever its name.
    expect(inventoryOf(await p.inspect('state'), foreign)).toMatchObject(all);
    expect(p.logLines.some((l) => l.includes(orphan) && l.includes('drift repaired'))).toBe(true);

    const { last, totals } = await p.report();
    expect(last?.deleted).toBe(1);
    expect(totals.deleted).toBe(1);
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    console.info(
      `[reconciler] AWS calls, one run with 2 orphan ids and no instance: ${total} ${JSON.stringify(calls)}`,
    );
  });
});
