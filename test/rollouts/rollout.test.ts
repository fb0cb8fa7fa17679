import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNames } from '../../shared/naming.js';
import {
  BAD,
  callsPerResource,
  type RolloutAnswer,
  type RolloutWorld,
  startRolloutWorld,
  V1,
  V2,
  watchReachability,
} from './harness.js';

/** A generous bound on how long any instance may not answer during a rollout (the figure is printed). */
const UNREACHABLE_BOUND_MS = 10_000;

/**
 * 30 running instances on real localcloud (gateways in-process, behind its ALB), a real worker and a real
 * API: a good release rolls across all of them, a bad one stops at the canary and is rolled back.
 */
describe('rollouts: 30 instances', () => {
  let w: RolloutWorld;
  let fleet: { id: string; url: string; token: string }[];

  beforeAll(async () => {
    w = await startRolloutWorld({ taskRuntime: 'in-process', asgMax: 40 });
    fleet = await w.running(30, 'fleet');
  }, 240_000);
  afterAll(async () => {
    await w?.close();
  });

  it('rolls v1 -> v2 with a canary of 1 and batches of 5: every instance reaches v2 and keeps answering', async () => {
    expect(new Set((await w.serviceImages(fleet.map((i) => i.id))).values())).toEqual(new Set([V1]));
    const watch = watchReachability(fleet);
    const started = await w.api('POST', '/v1/rollouts', { image: V2, canary: 1, batchSize: 5 });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect((await w.api('POST', '/v1/rollouts', { image: V2 })).status).toBe(409);

    // An instance created while the rollout runs gets the image it is heading to.
    const late = await w.p.submit('late-user');
    const done = await w.finished(started.body.id);
    const reach = await watch.stop();
    console.log(
      `rollout of 30 instances: longest time any instance was unreachable ${reach.longestUnreachableMs} ms ` +
        `(${reach.failed} failed of ${reach.probes} probes, ${reach.instancesEverDown} instances ever down)`,
    );

    expect(done.state, done.reason ?? '').toBe('completed');
    expect(done.batches.map((b) => b.size).slice(0, 7)).toEqual([1, 5, 5, 5, 5, 5, 4]);
    expect(done.totals.healthy).toBe(done.totals.instances);
    const images = await w.serviceImages(fleet.map((i) => i.id));
    expect(
      [...images.values()].every((image) => image === V2),
      JSON.stringify([...images]),
    ).toBe(true);
    for (const i of fleet) expect((await w.p.store.get(i.id))?.image).toBe(V2);
    expect(reach.longestUnreachableMs).toBeLessThan(UNREACHABLE_BOUND_MS);

    const [lateRecord] = await w.p.waitForStatus([late.id], ['running'], 60_000);
    expect(lateRecord!.image).toBe(V2);
    expect((await w.serviceImages([late.id])).get(late.id)).toBe(V2);
  }, 300_000);

  it('stops a bad image at the canary and rolls it back; the other 29 never change', async () => {
    await w.resetCalls();
    const started = await w.api('POST', '/v1/rollouts', { image: BAD, canary: 1, batchSize: 5 });
    expect(started.status).toBe(202);
    const done: RolloutAnswer = await w.finished(started.body.id);

    expect(done.state).toBe('failed');
    expect(done.reason).toMatch(/canary failed: .*tasks failed to start/);
    const canary = done.instances.filter((i) => i.batch === 0);
    expect(canary).toHaveLength(1);
    expect(canary[0]).toMatchObject({ state: 'rolled-back' });
    expect(canary[0]!.failure).toMatch(/deployment failed|circuit breaker/);
    expect(done.instances.filter((i) => i.batch > 0).every((i) => i.state === 'pending')).toBe(true);

    // ECS: only the canary's service was updated and only its family got a revision.
    const log = await w.callLog();
    const canaryService = resourceNames(canary[0]!.id).serviceName;
    expect([...callsPerResource(log, 'ecs:UpdateService').keys()]).toEqual([canaryService]);
    expect([...callsPerResource(log, 'ecs:RegisterTaskDefinition').keys()]).toEqual([
      resourceNames(canary[0]!.id).taskFamily,
    ]);
    const ids = done.instances.map((i) => i.id);
    const images = await w.serviceImages(ids);
    expect(
      [...images.values()].every((image) => image === V2),
      JSON.stringify([...images]),
    ).toBe(true);
    for (const id of ids) expect((await w.p.store.get(id))?.image).toBe(V2);

    // New instances are back on the fleet image the failed rollout started from.
    const after = await w.p.submit('after-bad');
    const [record] = await w.p.waitForStatus([after.id], ['running'], 60_000);
    expect(record!.image).toBe(V2);
  }, 300_000);
});
