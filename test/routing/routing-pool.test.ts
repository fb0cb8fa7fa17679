import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_PRIORITY_BASE } from '../../shared/naming.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { apiOnPipeline } from './api-on-pipeline.js';
import { cloudCounts, keysOutsideQueues, type Listed, rulesPerListener } from './routing-helpers.js';

/**
 * The routing pool through the API and a real worker on localcloud with two ALBs. The quota is lowered
 * to 12 rules / 12 target groups with a margin of 2, so each listener takes 10 instances: the same
 * shape as 100 - margin, small enough to fill twice in a few seconds.
 */
describe('routing pool: two listeners, 10 slots each', () => {
  let p: Pipeline;
  let api: Awaited<ReturnType<typeof apiOnPipeline>>;
  const PER_LISTENER = 10;

  beforeAll(async () => {
    p = await startPipeline({
      albs: 2,
      asgMax: 16,
      quotas: { rulesPerListener: 12, targetGroupsPerAlb: 12 },
      env: { ALB_RULES_PER_LISTENER: '12', ALB_TARGET_GROUPS_PER_ALB: '12', ALB_QUOTA_MARGIN: '2' },
    });
    api = await apiOnPipeline(p);
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
  });

  it('fills both listeners, spread over both ALBs, and refuses the next submission with nothing created', async () => {
    const [listenerA, listenerB] = p.config.routing.listeners;
    expect(listenerA && listenerB && listenerA.listenerArn !== listenerB.listenerArn).toBe(true);

    const responses = await Promise.all(
      Array.from({ length: 2 * PER_LISTENER }, (_, i) => api.submit(`fill-${i}`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(2 * PER_LISTENER).fill(202));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Listed[];
    const records = await p.waitForStatus(
      bodies.map((b) => b.id),
      ['running'],
      45_000,
    );

    // Spread: 10 on each listener, slots 0..9 on each, URLs on the listener's own ALB.
    for (const listener of [listenerA!, listenerB!]) {
      const mine = records.filter((r) => r.listenerArn === listener.listenerArn);
      expect(mine).toHaveLength(PER_LISTENER);
      expect(mine.map((r) => r.routingSlot).sort((a, b) => a - b)).toEqual([...Array(PER_LISTENER).keys()]);
      for (const r of mine) {
        expect(r.url).toBe(`http://${listener.dnsName}/${r.id}/`);
        expect(r.steps['listener-rule'].output?.priority).toBe(String(RULE_PRIORITY_BASE + r.routingSlot));
      }
    }
    for (const b of bodies) expect(records.find((r) => r.id === b.id)?.url).toBe(b.url);
    const state = await p.inspect('state');
    expect(rulesPerListener(state)).toEqual({
      [listenerA!.listenerArn]: PER_LISTENER,
      [listenerB!.listenerArn]: PER_LISTENER,
    });
    expect((await p.store.routingUsage()).map((u) => [u.used, u.free])).toEqual([
      [PER_LISTENER, 0],
      [PER_LISTENER, 0],
    ]);

    // The 21st: 503 no_routing_capacity, and nothing in Redis, the queue or localcloud.
    const keysBefore = await keysOutsideQueues(p);
    const countsBefore = cloudCounts(await p.inspect('state'));
    const jobsBefore = await p.instanceQueue.queue.getJobCounts();
    const refused = await api.submit('one-too-many');
    expect(refused.status).toBe(503);
    const problem = (await refused.json()) as { error: { code: string; details: unknown } };
    expect(problem.error.code).toBe('no_routing_capacity');
    expect(problem.error.details).toMatchObject({ listeners: 2, used: 20, capacity: 20 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await keysOutsideQueues(p)).toEqual(keysBefore);
    expect(await p.ns.redis.exists(`${p.ns.prefix}:user:one-too-many`)).toBe(0);
    expect(await p.instanceQueue.queue.getJobCounts()).toEqual(jobsBefore);
    expect(cloudCounts(await p.inspect('state'))).toEqual(countsBefore);
  });

  it('frees the slots of deleted instances, and new submissions take exactly those', async () => {
    const running = (await p.store.list({ status: 'running', limit: 100 })).items;
    expect(running).toHaveLength(2 * PER_LISTENER);
    // Three from the first listener, two from the second.
    const [listenerA, listenerB] = p.config.routing.listeners;
    const victims = [
      ...running.filter((r) => r.listenerArn === listenerA!.listenerArn).slice(0, 3),
      ...running.filter((r) => r.listenerArn === listenerB!.listenerArn).slice(0, 2),
    ];
    for (const v of victims) expect((await api.remove(v.id)).status).toBe(202);
    await p.waitForStatus(
      victims.map((v) => v.id),
      ['deleted'],
      30_000,
    );
    expect((await p.store.routingUsage()).map((u) => u.free)).toEqual([3, 2]);

    const freed = victims.map((v) => `${v.listenerArn}#${v.routingSlot}`).sort();
    const responses = await Promise.all(victims.map((_, i) => api.submit(`refill-${i}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(victims.length).fill(202));
    const ids = ((await Promise.all(responses.map((r) => r.json()))) as Listed[]).map((b) => b.id);
    const records = await p.waitForStatus(ids, ['running'], 30_000);
    expect(records.map((r) => `${r.listenerArn}#${r.routingSlot}`).sort()).toEqual(freed);
    expect(rulesPerListener(await p.inspect('state'))).toEqual({
      [listenerA!.listenerArn]: PER_LISTENER,
      [listenerB!.listenerArn]: PER_LISTENER,
    });

    // Full again.
    const refused = await api.submit('still-too-many');
    expect(refused.status).toBe(503);
  });
});
