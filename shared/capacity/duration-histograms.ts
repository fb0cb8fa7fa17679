import type { Redis } from 'ioredis';
import { capacityKeys } from '../store/keys.js';
import { storeScripts } from '../store/scripts.js';

/**
 * Duration histograms kept in Redis, so every worker and API process adds to the same counts and any
 * API process can serve them on /metrics. One hash per series (`count`, `sum`, and one counter per
 * bucket, not cumulative); an observation carries an id and is counted once (ZADD NX on a bounded
 * set of seen ids, in one script), so re-reading the same step record on the next tick adds nothing.
 */
export const DURATION_BUCKETS_SECONDS = [1, 5, 10, 30, 60, 120, 180, 300, 600, 1800] as const;
const SEEN_RETENTION_MS = 3 * 24 * 3600_000;

export interface HistogramSnapshot {
  labels: Record<string, string>;
  /** Cumulative counts per upper bound, +Inf last. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

export function makeDurationHistograms(redis: Redis, prefix: string) {
  const keys = capacityKeys(prefix);
  const seriesIndex = keys.histogramSeries;
  const seriesKey = keys.histogram;
  const scripts = storeScripts(redis);

  return {
    /** Adds one duration to `series` (e.g. `step:placement`) unless `id` was counted before. */
    async observe(series: string, id: string, seconds: number, at = Date.now()): Promise<boolean> {
      const v = Math.max(0, seconds);
      const index = DURATION_BUCKETS_SECONDS.findIndex((b) => v <= b);
      const field = index === -1 ? 'b:inf' : `b:${index}`;
      await redis.sadd(seriesIndex, series);
      const added = (await scripts.observeDuration(
        keys.histogramSeen,
        seriesKey(series),
        String(at),
        `${series}|${id}`,
        String(v),
        field,
        String(at - SEEN_RETENTION_MS),
      )) as number;
      return added === 1;
    },

    async snapshot(): Promise<Map<string, HistogramSnapshot>> {
      const names = await redis.smembers(seriesIndex);
      const out = new Map<string, HistogramSnapshot>();
      for (const name of names.sort()) {
        const hash = await redis.hgetall(seriesKey(name));
        let running = 0;
        const buckets: { le: number; count: number }[] = DURATION_BUCKETS_SECONDS.map((le, i) => {
          running += Number(hash[`b:${i}`] ?? 0);
          return { le, count: running };
        });
        const count = Number(hash.count ?? 0);
        buckets.push({ le: Number.POSITIVE_INFINITY, count });
        out.set(name, { labels: {}, buckets, count, sum: Number(hash.sum ?? 0) });
      }
      return out;
    },
  };
}

export type DurationHistograms = ReturnType<typeof makeDurationHistograms>;
