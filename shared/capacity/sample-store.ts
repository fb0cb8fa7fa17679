import type { Redis } from 'ioredis';
import { capacityKeys } from '../store/keys.js';
import { type HistoryEntry, type HistoryPoint, historyPointOf } from './history-point.js';
import type { CapacitySample } from './sample-types.js';

/**
 * Capacity samples in Redis, bounded:
 * - `<prefix>:cap:claim:<bucket>`: SET NX, so of several sampler processes exactly one samples a tick;
 * - `<prefix>:cap:raw`: sorted set of history points (JSON) scored by bucket start, 1-minute resolution,
 *   kept `rawRetentionMs` (7 days), then folded into
 * - `<prefix>:cap:coarse`: one point per `coarseStepMs` (15 minutes), kept `coarseRetentionMs` (90 days);
 * - `<prefix>:cap:latest`: the latest full sample (every instance and task), overwritten each tick.
 * A failed tick is a gap point `{ bucket, gap: true, reason }`, never zeros.
 */
export interface SampleStoreOptions {
  prefix: string;
  rawRetentionMs?: number;
  coarseStepMs?: number;
  coarseRetentionMs?: number;
}

const DAY = 24 * 3600_000;

export function makeSampleStore(redis: Redis, options: SampleStoreOptions) {
  const rawRetention = options.rawRetentionMs ?? 7 * DAY;
  const coarseStep = options.coarseStepMs ?? 15 * 60_000;
  const coarseRetention = options.coarseRetentionMs ?? 90 * DAY;
  const keys = capacityKeys(options.prefix);

  async function add(entry: HistoryEntry, now: number): Promise<void> {
    // The claim makes one writer per bucket; removing first keeps a retried tick from doubling it.
    await redis
      .multi()
      .zremrangebyscore(keys.raw, entry.bucket, entry.bucket)
      .zadd(keys.raw, entry.bucket, JSON.stringify(entry))
      .exec();
    await compact(now);
  }

  /** Folds raw points older than the raw window into one coarse point per step, then trims both. */
  async function compact(now: number): Promise<void> {
    const cutoff = Math.floor((now - rawRetention) / coarseStep) * coarseStep;
    const old = await redis.zrangebyscore(keys.raw, '-inf', `(${cutoff}`);
    if (old.length > 0) {
      const multi = redis.multi();
      for (const [w, entries] of byWindow(old, coarseStep)) {
        const folded = fold(w, coarseStep, entries);
        multi.zremrangebyscore(keys.coarse, w, w).zadd(keys.coarse, w, JSON.stringify(folded));
      }
      multi.zremrangebyscore(keys.raw, '-inf', `(${cutoff}`);
      await multi.exec();
    }
    await redis.zremrangebyscore(keys.coarse, '-inf', `(${now - coarseRetention}`);
  }

  return {
    keys,

    /** True for the one process that may sample this bucket; the claim expires after `ttlMs`. */
    async claim(bucket: number, owner: string, ttlMs: number): Promise<boolean> {
      return (await redis.set(keys.claim(bucket), owner, 'PX', Math.max(1000, ttlMs), 'NX')) === 'OK';
    },

    async writeSample(sample: CapacitySample, now = sample.at): Promise<void> {
      await redis.set(keys.latest, JSON.stringify(sample));
      await add(historyPointOf(sample), now);
    },

    /** Adds one history point (what writeSample stores), for imports and tests. */
    addPoint: (p: HistoryPoint, now = p.at) => add(p, now),

    async writeGap(bucket: number, reason: string, resolutionMs: number, now = Date.now()): Promise<void> {
      await add({ bucket, at: now, resolutionMs, gap: true, reason: reason.slice(0, 500) }, now);
    },

    async latest(): Promise<CapacitySample | null> {
      const raw = await redis.get(keys.latest);
      return raw ? (JSON.parse(raw) as CapacitySample) : null;
    },

    /** The newest history entry (a point or a gap), to tell whether `latest()` is stale. */
    async lastEntry(): Promise<HistoryEntry | null> {
      const [raw] = await redis.zrange(keys.raw, -1, -1);
      return raw ? (JSON.parse(raw) as HistoryEntry) : null;
    },

    /** Entries with bucket in [from, to], coarse then raw, thinned to one per `stepMs` (the last). */
    history: (from: number, to: number, stepMs?: number) => readHistory(redis, keys, { from, to, stepMs }),

    async cachedSpotPrices(): Promise<Record<string, number> | null> {
      const raw = await redis.get(keys.spotPrices);
      return raw ? (JSON.parse(raw) as Record<string, number>) : null;
    },

    async cacheSpotPrices(prices: Record<string, number>, ttlMs: number): Promise<void> {
      await redis.set(keys.spotPrices, JSON.stringify(prices), 'PX', ttlMs);
    },
  };
}

export type SampleStore = ReturnType<typeof makeSampleStore>;

/** Entries with bucket in [from, to], coarse then raw (raw wins where both are), thinned when asked. */
async function readHistory(
  redis: Redis,
  keys: ReturnType<typeof capacityKeys>,
  range: { from: number; to: number; stepMs?: number | undefined },
): Promise<HistoryEntry[]> {
  const [coarse, raw] = await Promise.all([
    redis.zrangebyscore(keys.coarse, range.from, range.to),
    redis.zrangebyscore(keys.raw, range.from, range.to),
  ]);
  const rawEntries = raw.map((r) => JSON.parse(r) as HistoryEntry);
  const firstRaw = rawEntries[0]?.bucket ?? Number.POSITIVE_INFINITY;
  const entries = [
    ...coarse.map((r) => JSON.parse(r) as HistoryEntry).filter((e) => e.bucket < firstRaw),
    ...rawEntries,
  ];
  return range.stepMs ? thin(entries, range.stepMs) : entries;
}

/** Raw history entries (JSON) grouped by the coarse window they fall in. */
function byWindow(raw: readonly string[], stepMs: number): Map<number, HistoryEntry[]> {
  const windows = new Map<number, HistoryEntry[]>();
  for (const line of raw) {
    const e = JSON.parse(line) as HistoryEntry;
    const w = Math.floor(e.bucket / stepMs) * stepMs;
    windows.set(w, [...(windows.get(w) ?? []), e]);
  }
  return windows;
}

/** One entry per `stepMs` (the last), a real point preferred over a gap inside one step. */
function thin(entries: readonly HistoryEntry[], stepMs: number): HistoryEntry[] {
  const thinned = new Map<number, HistoryEntry>();
  for (const e of entries) {
    const slot = Math.floor(e.bucket / stepMs) * stepMs;
    const kept = thinned.get(slot);
    if (!kept || kept.gap || !e.gap) thinned.set(slot, e);
  }
  return [...thinned.values()];
}

/** A coarse point: the window's last real point, stamped with the coarse resolution; all gaps stay a gap. */
export function fold(window: number, stepMs: number, entries: readonly HistoryEntry[]): HistoryEntry {
  const points = entries.filter((e): e is HistoryPoint => !e.gap).sort((a, b) => a.bucket - b.bucket);
  const last = points[points.length - 1];
  if (!last) {
    const reasons = [...new Set(entries.map((e) => (e.gap ? e.reason : '')))].join('; ');
    return { bucket: window, at: window, resolutionMs: stepMs, gap: true, reason: reasons };
  }
  const avg = (f: (p: HistoryPoint) => number) =>
    Math.round((points.reduce((s, p) => s + f(p), 0) / points.length) * 100) / 100;
  return {
    ...last,
    bucket: window,
    resolutionMs: stepMs,
    reservation: avg((p) => p.reservation),
    utilisation: { cpu: avg((p) => p.utilisation.cpu), memory: avg((p) => p.utilisation.memory) },
  };
}
