import { describe, expect, it } from 'vitest';
import { planBatches } from './rollout.js';

describe('planBatches', () => {
  it('takes the canary first, then batches of batchSize, the last one shorter', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `i${i}`);
    expect(planBatches(ids, 1, 5).map((b) => b.length)).toEqual([1, 5, 5, 5, 5, 5, 4]);
    expect(planBatches(ids, 1, 5).flat()).toEqual(ids);
    expect(planBatches(ids.slice(0, 2), 3, 5)).toEqual([['i0', 'i1']]);
    expect(planBatches([], 1, 5)).toEqual([]);
  });
});
