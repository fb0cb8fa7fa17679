import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AwsClients } from '../../shared/aws-clients.js';
import { computeSample } from '../../shared/capacity/compute-sample.js';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { findWaitingSignups } from '../../shared/capacity/waiting-signups.js';
import type { WorkerConfig } from '../../shared/config.js';
import { loadPriceBook, type PriceBook } from '../../shared/cost/prices.js';
import { fetchSpotPrices } from '../../shared/cost/spot-refresh.js';
import { withSpotPrices } from '../../shared/cost/with-spot-prices.js';
import { jobCatalog } from '../../shared/job-catalog.js';
import type { Logger } from '../../shared/logger.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { collectFleet, type MarketLookup } from './collect-fleet.js';
import { scaleOutAhead } from './scale-out-ahead.js';

export type CapacityConfig = Pick<
  WorkerConfig,
  | 'QUEUE_PREFIX'
  | 'ECS_CLUSTER'
  | 'CAPACITY_PROVIDER'
  | 'ASG_NAME'
  | 'SAMPLE_INTERVAL_MS'
  | 'COST_PRICES_FILE'
> &
  Partial<Pick<WorkerConfig, 'PREDICTIVE_MAX_EXTRA_INSTANCES' | 'PREDICTIVE_LEAD_MS'>>;

export interface CapacityContext {
  aws: AwsClients;
  redis: Redis;
  store: InstanceStore;
  config: CapacityConfig;
  log: Logger;
  clock?: { now(): number };
}

const SPOT_PRICE_TTL_MS = 3600_000;
/**
 * A bucket's claim outlives any late duplicate of its tick: a second process's scheduler upsert can
 * make one, and on a loaded machine it ran after a claim of 3 intervals (1.5 s in a test) had expired,
 * so the tick was sampled twice. One small key per tick for 10 minutes costs nothing.
 */
const CLAIM_MIN_MS = 10 * 60_000;

export interface SampleOutcome {
  bucket: number;
  result: 'sampled' | 'gap' | 'skipped';
  reason?: string;
}

/** The tick a job stands for: a scheduler job is created `delay` before its slot. */
export function bucketOf(job: Pick<Job, 'timestamp' | 'delay'>, intervalMs: number, now: number): number {
  const at = job.timestamp ? job.timestamp + (job.delay ?? 0) : now;
  return Math.floor(at / intervalMs) * intervalMs;
}

/**
 * The `sample-capacity` processor. Of several worker processes exactly one samples each tick (SET NX
 * on the bucket); a read that fails is recorded as a gap and not retried (the next tick samples
 * again). Spot prices come from DescribeSpotPriceHistory at most hourly, cached in Redis.
 */
export function makeCapacityProcessor(ctx: CapacityContext): (job: Job) => Promise<SampleOutcome> {
  const clock = ctx.clock ?? { now: () => Date.now() };
  const interval = ctx.config.SAMPLE_INTERVAL_MS;
  const samples = makeSampleStore(ctx.redis, { prefix: ctx.config.QUEUE_PREFIX });
  const owner = randomUUID();
  const lookup: MarketLookup = { describeInstancesWorks: null };
  let book: Promise<PriceBook> | undefined;

  async function prices(types: readonly string[], azs: readonly string[]): Promise<PriceBook> {
    book ??= loadPriceBook(ctx.config.COST_PRICES_FILE);
    const base = await book;
    let spot = await samples.cachedSpotPrices();
    if (!spot) {
      try {
        spot = await fetchSpotPrices((await ctx.aws.fleet()).ec2, types, { availabilityZones: azs });
        await samples.cacheSpotPrices(spot, SPOT_PRICE_TTL_MS);
      } catch (err) {
        ctx.log.warn({ err }, 'spot price refresh failed; using the price book');
        return base;
      }
    }
    return withSpotPrices(base, spot);
  }

  return async (job) => {
    const parsed = jobCatalog['sample-capacity'].schema.safeParse(job.data ?? {});
    if (!parsed.success)
      throw new UnrecoverableError(`sample-capacity: bad payload: ${parsed.error.message}`);
    const now = clock.now();
    const bucket = bucketOf(job, interval, now);
    const log = ctx.log.child({ jobId: job.id, bucket: new Date(bucket).toISOString() });
    if (!(await samples.claim(bucket, owner, Math.max(interval * 3, CLAIM_MIN_MS))))
      return { bucket, result: 'skipped', reason: 'claimed' };
    try {
      const fleet = await collectFleet(
        ctx.aws,
        {
          cluster: ctx.config.ECS_CLUSTER,
          capacityProvider: ctx.config.CAPACITY_PROVIDER,
          asgName: ctx.config.ASG_NAME,
        },
        () => clock.now(),
        lookup,
      );
      const provisioning = await ctx.store.list({ status: 'provisioning', limit: 1000 });
      const sample = computeSample({
        bucket,
        resolutionMs: interval,
        fleet,
        previous: await samples.latest(),
        waitingSignups: findWaitingSignups(provisioning.items, fleet.at),
        prices: await prices(fleet.asg.instanceTypes, [
          ...new Set(fleet.asg.instances.map((i) => i.availabilityZone)),
        ]),
      });
      await samples.writeSample(sample, now);
      log.debug({ reservation: sample.reservation, action: sample.scaling.action }, 'capacity sampled');
      await scaleOutAhead({ ...ctx, log }, sample, now).catch((err) =>
        log.warn({ err }, 'predictive scale-out skipped this tick'),
      );
    } catch (err) {
      const e = err as Error;
      const reason = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
      await samples.writeGap(bucket, reason, interval, now);
      log.warn({ err: e }, 'capacity sample failed; recorded a gap');
      return { bucket, result: 'gap', reason };
    }
    return { bucket, result: 'sampled' };
  };
}
