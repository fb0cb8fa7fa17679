import { afterEach, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

interface Throttles {
  mode: string;
  total: number;
  byFamily: Record<string, number>;
}

/** 30 concurrent creates against localcloud with AWS's rate limits on; returns what localcloud throttled. */
async function burstOf30(p: Pipeline): Promise<Throttles> {
  await p.inspect('rate-limits', { mode: 'aws' });
  const made = await Promise.all(Array.from({ length: 30 }, (_, i) => p.submit(`budget-${i}`)));
  const records = await p.waitForStatus(
    made.map((m) => m.id),
    ['running', 'failed'],
    100_000,
  );
  expect(records.filter((r) => r.status !== 'running').map((r) => ({ id: r.id, error: r.error }))).toEqual(
    [],
  );
  return p.inspect<Throttles>('throttles');
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
      `[rate budget] 30 concurrent creates, localcloud at AWS's limits: ${without.total} throttles without the ` +
        `budget ${JSON.stringify(without.byFamily)}, ${withBudget.total} with it`,
    );
    expect(without.total).toBeGreaterThan(0);
    expect(withBudget).toMatchObject({ mode: 'aws', total: 0 });
  }, 240_000);
});
