import { afterEach, describe, expect, it } from 'vitest';
import { RULE_PRIORITY_BASE } from '../../shared/naming.js';
import { inventoryOf, RUNNING_ONCE } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

/** Every instance has each resource exactly once (a duplicate service would show even after draining). */
async function expectEachOnce(p: Pipeline, ids: string[]) {
  const state = await p.inspect('state');
  for (const id of ids) {
    expect(inventoryOf(state, id), id).toMatchObject({ ...RUNNING_ONCE, liveServices: 1 });
  }
}

describe('pipeline under load', () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('runs 50 concurrent creates to running with 50 distinct priorities and no duplicate resource', async () => {
    // Two tasks fit a .large instance (ENIs), so 50 need 25 instances: room for the ASG to grow.
    p = await startPipeline({ asgMax: 30 });
    const started = Date.now();
    const made = await Promise.all(Array.from({ length: 50 }, (_, i) => p!.submit(`load-${i}`)));
    const ids = made.map((m) => m.id);
    const records = await p.waitForStatus(ids, ['running'], 90_000);
    const seconds = (Date.now() - started) / 1000;

    const priorities = records.map((r) => r.steps['listener-rule'].output?.priority);
    expect(new Set(priorities).size).toBe(50);
    for (const r of records)
      expect(r.steps['listener-rule'].output?.priority).toBe(String(RULE_PRIORITY_BASE + r.routingSlot));
    await expectEachOnce(p, ids);
    const waited = records.filter((r) => r.steps.placement.output?.waitedForCapacity === 'true').length;
    const calls = await p.inspect<Record<string, number>>('calls');
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    console.info(
      `[pipeline] 50 concurrent creates: running in ${seconds.toFixed(1)} s, ${waited} waited for capacity, ` +
        `${(total / 50).toFixed(1)} AWS calls per create`,
    );
  }, 120_000);

  it('brings every instance to running through 20% injected throttling and 500s', async () => {
    p = await startPipeline({ asgMax: 20 });
    await p.inspect('faults', {
      seed: 7,
      rules: [
        { operation: 'secretsmanager:*', errorRate: 0.2, error: 'throttle' },
        { operation: 'elasticloadbalancing:*', errorRate: 0.2, error: 'internal' },
        { operation: 'ecs:CreateService', errorRate: 0.2, error: 'unavailable' },
        { operation: 'ecs:*', errorRate: 0.2, error: 'throttle' },
      ],
    });
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => p!.submit(`flaky-${i}`)));
    const ids = made.map((m) => m.id);
    const records = await p.waitForStatus(ids, ['running', 'failed'], 90_000);
    const failed = records.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error: r.error }));
    expect(failed).toEqual([]);
    await p.inspect('faults', { rules: [] });
    await expectEachOnce(p, ids);
    const retried = records.filter((r) => Object.values(r.steps).some((s) => s.attempts > 1)).length;
    const warnings = p.logLines.filter((l) => l.includes('"willRetry":true')).length;
    console.info(
      `[pipeline] 20% faults: 20/20 running, ${retried} instances retried a step, ${warnings} retries logged`,
    );
    expect(warnings).toBeGreaterThan(0);
  }, 120_000);
});
