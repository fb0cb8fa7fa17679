import { describe, expect, it } from 'vitest';
import { windowOf } from './aws-rate-budget.js';
import { AWS_RATE_FAMILIES, rateFamilyOf } from './aws-rate-families.js';

/**
 * The worst a fixed window can do: its whole allowance at the very end of one window and again at the
 * start of the next. Replays that for a minute against AWS's bucket (continuous refill) and says whether
 * a request would find the bucket empty (a window of the whole burst would: 2 x burst at once).
 */
function wouldThrottle(burst: number, refillPerSecond: number): boolean {
  const { points, seconds } = windowOf({ burst, refillPerSecond });
  let tokens = burst;
  let last = 0;
  // Window 2j's allowance 1 ms before its end, then window 2j+1's at its start; every two windows.
  for (let j = 0; j * 2 * seconds < 60; j++) {
    const boundary = (2 * j + 1) * seconds * 1000;
    for (const at of [boundary - 1, boundary]) {
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * refillPerSecond);
      last = at;
      if (tokens < points) return true;
      tokens -= points;
    }
  }
  return false;
}

describe('the shared AWS rate budget', () => {
  it("stays inside every family's bucket, even across a window boundary", () => {
    for (const f of AWS_RATE_FAMILIES) {
      const { points, seconds } = windowOf(f);
      expect(points, f.name).toBeLessThanOrEqual(f.burst / 2);
      expect(points / seconds, f.name).toBeLessThanOrEqual(f.refillPerSecond);
      expect(wouldThrottle(f.burst, f.refillPerSecond), f.name).toBe(false);
    }
  });

  it('finds the family of the calls a create makes', () => {
    expect(rateFamilyOf('ecs:RegisterTaskDefinition')?.name).toBe('ecs:task-definition-modify');
    expect(rateFamilyOf('ecs:TagResource')?.name).toBe('ecs:tag-modify');
    expect(rateFamilyOf('secretsmanager:TagResource')?.name).toBe('secretsmanager:tag-modify');
    expect(rateFamilyOf('logs:PutLogEvents')).toBeUndefined();
  });
});
