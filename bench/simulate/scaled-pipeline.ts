import { WARM_CAPACITY_PROVIDER, WARM_GROUP_NAME } from '../../localcloud/index.js';
import { AWS_RATE_FAMILIES } from '../../localcloud/rate-limits/aws-limits.js';
import type { BucketLimits } from '../../localcloud/rate-limits/token-bucket.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import type { Strategy } from './strategies.js';
import type { Trace } from './traces.js';

/**
 * AWS's buckets for a run `speedup` times faster than real time. localcloud's buckets run on real
 * time, so each refill is multiplied to stay AWS's rate in simulated time. The burst is multiplied
 * too: the worker's shared budget (AWS_RATE_BUDGET_MULTIPLIER) counts whole-second windows and can
 * only follow a bucket whose burst grows with its rate. Simulated, every bucket refills at AWS's rate
 * but holds `speedup` times AWS's burst; the burst trace's bound is computed with the same buckets.
 */
export function scaledBuckets(speedup: number): Record<string, BucketLimits> {
  return Object.fromEntries(
    AWS_RATE_FAMILIES.map((f) => [
      f.name,
      { burst: Math.round(f.burst * speedup), refillPerSecond: f.refillPerSecond * speedup },
    ]),
  );
}

/** Gateway tasks per instance: two task ENIs without trunking (localcloud/README.md, ENIs). */
export const GATEWAY_SLOTS_PER_INSTANCE = 2;

const scaled = (awsMs: number, scale: number, floor: number) =>
  String(Math.max(floor, Math.round(awsMs * scale)));

/**
 * The real pipeline (localcloud in this process with the `in-process` task runtime, the API and one
 * worker as processes) at AWS's timings scaled by the trace's time scale, AWS's rate limits on, and
 * the worker's own AWS-time settings (placement poll, backoff, sampling, predictive lead) scaled alike.
 */
export function startScaledPipeline(trace: Trace, strategy: Strategy): Promise<Pipeline> {
  const scale = trace.timeScale;
  const speedup = 1 / scale;
  const instances = trace.arrivalsMs.length;
  const maxInstances = Math.ceil(instances / GATEWAY_SLOTS_PER_INSTANCE) + 20;
  return startPipeline({
    figure: `sim-${trace.id}`,
    instances,
    localcloud: {
      seed: 16,
      timeScale: scale,
      rateLimits: { overrides: scaledBuckets(speedup) },
      asg: { min: 1, max: maxInstances },
      ...(strategy.targetCapacity ? { targetCapacity: strategy.targetCapacity } : {}),
      // The pool lives on the on-demand group (AWS refuses one on a spot/mixed group): the strategy
      // sends every service there, as `CAPACITY_PROVIDER=openclaw-warm` would (see strategies.ts).
      ...(strategy.warmPool ? { warmGroup: { min: 0, max: maxInstances, warmPool: strategy.warmPool } } : {}),
    },
    workerEnv: {
      AWS_RATE_BUDGET: 'aws',
      AWS_RATE_BUDGET_MULTIPLIER: String(speedup),
      PLACEMENT_POLL_MS: scaled(5000, scale, 20),
      BACKOFF_BASE_MS: scaled(1000, scale, 20),
      SAMPLE_INTERVAL_MS: scaled(60_000, scale, 100),
      PREDICTIVE_LEAD_MS: scaled(180_000, scale, 100),
      PREDICTIVE_MAX_EXTRA_INSTANCES: String(strategy.predictiveBudget ?? 0),
      ...(strategy.warmPool ? { CAPACITY_PROVIDER: WARM_CAPACITY_PROVIDER, ASG_NAME: WARM_GROUP_NAME } : {}),
    },
  });
}
