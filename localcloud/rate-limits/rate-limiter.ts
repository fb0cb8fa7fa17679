import { AWS_RATE_FAMILIES, type RateFamily } from './aws-limits.js';
import { type BucketLimits, TokenBucket } from './token-bucket.js';

/**
 * 'aws': AWS's buckets (aws-limits.ts); 'off': no limits (the default, so existing tests and the
 * simulation's speed are unchanged); an object: AWS's buckets with some families replaced.
 * The buckets run on real time, not the simulation's scaled clock: a time scale of 0.02 would shrink
 * every refill 50-fold and make the limits meaningless locally.
 */
export type RateLimitsOption = 'aws' | 'off' | { overrides: Record<string, BucketLimits> };

export interface RateLimiter {
  readonly mode: 'aws' | 'off';
  /** True when the call may proceed; false when AWS would throttle it (counted). */
  allow(operation: string): boolean;
  /** Throttled calls so far, by family and by operation. */
  throttles(): { total: number; byFamily: Record<string, number>; byOperation: Record<string, number> };
  resetCounts(): void;
}

export function parseRateLimitsEnv(value: string | undefined): RateLimitsOption | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'aws' || value === 'off') return value;
  throw new Error(`LOCALCLOUD_RATE_LIMITS must be "aws" or "off", got "${value}"`);
}

function familiesOf(option: RateLimitsOption): Map<string, RateFamily> {
  const byOperation = new Map<string, RateFamily>();
  if (option === 'off') return byOperation;
  const overrides = option === 'aws' ? {} : option.overrides;
  for (const name of Object.keys(overrides)) {
    if (!AWS_RATE_FAMILIES.some((f) => f.name === name))
      throw new Error(`rateLimits.overrides: unknown family "${name}"`);
    const o = overrides[name];
    if (!(o && o.burst >= 1 && o.refillPerSecond > 0))
      throw new Error(`rateLimits.overrides["${name}"] needs burst >= 1 and refillPerSecond > 0`);
  }
  for (const f of AWS_RATE_FAMILIES) {
    const family = { ...f, ...overrides[f.name] };
    for (const op of f.operations) byOperation.set(op, family);
  }
  return byOperation;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function makeRateLimiter(
  option: RateLimitsOption,
  now: () => number = performance.now.bind(performance),
): RateLimiter {
  const families = familiesOf(option);
  const buckets = new Map<string, TokenBucket>();
  const byFamily = new Map<string, number>();
  const byOperation = new Map<string, number>();
  return {
    mode: option === 'off' ? 'off' : 'aws',
    allow(operation) {
      const family = families.get(operation);
      // Operations without a published or assumed bucket (CloudWatch Logs, for one) are not limited.
      if (!family) return true;
      let bucket = buckets.get(family.name);
      if (!bucket) {
        bucket = new TokenBucket(family, now);
        buckets.set(family.name, bucket);
      }
      if (bucket.take()) return true;
      bump(byFamily, family.name);
      bump(byOperation, operation);
      return false;
    },
    throttles() {
      let total = 0;
      for (const n of byFamily.values()) total += n;
      return { total, byFamily: Object.fromEntries(byFamily), byOperation: Object.fromEntries(byOperation) };
    },
    resetCounts() {
      byFamily.clear();
      byOperation.clear();
    },
  };
}
