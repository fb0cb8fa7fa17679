import { afterEach, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

interface Throttles {
  mode: string;
  total: number;
  byFamily: Record<string, number>;
}

/**
 * 30 concurrent creates against localcloud with AWS's rate limits on: what localcloud throttled, and the
 * instances that did not end running (with the tests' 50 ms backoff base, a throttled create can run out
 * of attempts; production's base is far longer).
 */
async function burstOf30(p: Pipeline): Promise<{ throttles: Throttles; notRunning: unknown[] }> {
  await p.inspect('rate-limits', { mode: 'aws' });
  const made = await Promise.all(Array.from({ length: 30 }, (_, i) => p.submit(`budget-${i}`)));
  const records = await p.waitForStatus(
    made.map((m) => m.id),
    ['running', 'failed'],
    100_000,
  );
  const notRunning = records.filter((r) => r.status !== 'running').map((r) => ({ id: r.id, error: r.error }));
  return { throttles: await p.inspect<Throttles>('throttles'), notRunning };
}

describe('the workers shared AWS rate budget', () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('keeps a burst of creates under AWS buckets: zero throttles with the budget, some without', async () => {
    p = await startPipeline({ asgMax: 20 });
    const without = await burstOf30(p);
    await p.close();
    p = await startPipeline({ asgMax: 20, env: { AWS_RATE_BUDGET: 'aws' } });
    const withBudget = await burstOf30(p);
    console.info(
      `[rate budget] 30 concurrent creates, localcloud at AWS's limits: ${without.throttles.total} throttles ` +
        `without the budget ${JSON.stringify(without.throttles.byFamily)} (${without.notRunning.length} not ` +
        `running), ${withBudget.throttles.total} with it (${withBudget.notRunning.length} not running)`,
    );
    expect(without.throttles.total).toBeGreaterThan(0);
    expect(withBudget.throttles).toMatchObject({ mode: 'aws', total: 0 });
    expect(withBudget.notRunning).toEqual([]);
  }, 240_000);
});
