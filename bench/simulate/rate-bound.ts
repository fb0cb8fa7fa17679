import { AWS_RATE_FAMILIES } from '../../localcloud/rate-limits/aws-limits.js';

export interface RateBound {
  family: string;
  callsPerSignup: number;
  burst: number;
  refillPerSecond: number;
  /** Seconds the family's bucket needs for every signup's calls: (calls - burst) / refill. */
  seconds: number;
}

/**
 * The floor AWS's buckets put under a burst of `signups`: for each mutating family, the calls the
 * run made per signup (measured from localcloud's call counts, retries included) beyond the bucket's
 * burst, at its refill rate. The tightest family is the bound. `burstMultiplier` gives the bound for
 * the simulation's buckets (scaled-pipeline.ts); 1 gives AWS's own.
 */
export function rateBounds(calls: Record<string, number>, signups: number, burstMultiplier = 1): RateBound[] {
  return AWS_RATE_FAMILIES.filter((f) => /modify|create/.test(f.name))
    .map((f) => {
      const total = f.operations.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
      const burst = f.burst * burstMultiplier;
      return {
        family: f.name,
        callsPerSignup: total / signups,
        burst,
        refillPerSecond: f.refillPerSecond,
        seconds: Math.max(0, total - burst) / f.refillPerSecond,
      };
    })
    .filter((b) => b.callsPerSignup > 0)
    .sort((a, b) => b.seconds - a.seconds);
}
