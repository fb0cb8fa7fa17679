import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNamespace } from '../../test/support/redis-namespace.js';
import type { HistoryPoint } from './history-point.js';
import { fold, makeSampleStore } from './sample-store.js';

const MIN = 60_000;
const point = (bucket: number, reservation: number): HistoryPoint => ({
  bucket,
  at: bucket,
  resolutionMs: MIN,
  reservation,
  m: 1,
  n: 1,
  desired: 1,
  action: 'hold',
  instances: { total: 1, spot: 0, onDemand: 1 },
  idle: 0,
  tasks: { running: 1, pending: 0, waitingForCapacity: 0 },
  waitingSignups: 0,
  utilisation: { cpu: reservation / 2, memory: reservation },
  cost: { perHour: 0.2, perUserPerMonth: 146, idlePerMonth: 0, users: 1 },
});

describe('fold (downsampling)', () => {
  it('keeps the last real point, averages reservation and utilisation', () => {
    const f = fold(0, 15 * MIN, [
      point(0, 100),
      point(MIN, 50),
      { bucket: 2 * MIN, at: 2 * MIN, resolutionMs: MIN, gap: true, reason: 'x' },
    ]);
    expect(f).toMatchObject({
      bucket: 0,
      resolutionMs: 15 * MIN,
      reservation: 75,
      utilisation: { cpu: 37.5, memory: 75 },
    });
  });
  it('an all-gap window stays a gap', () => {
    const f = fold(0, 15 * MIN, [{ bucket: 0, at: 0, resolutionMs: MIN, gap: true, reason: 'Throttling' }]);
    expect(f).toMatchObject({ gap: true, reason: 'Throttling', resolutionMs: 15 * MIN });
  });
});

describe('sample store: bounded series in Redis', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  beforeEach(() => {
    ns = makeTestNamespace();
  });
  afterEach(async () => {
    await ns.cleanup();
  });

  it('claims a bucket once across callers', async () => {
    const store = makeSampleStore(ns.redis, { prefix: ns.prefix });
    const claims = await Promise.all([1, 2, 3].map((i) => store.claim(MIN, `p${i}`, MIN)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('folds points older than the raw window into coarse ones and trims both windows', async () => {
    const store = makeSampleStore(ns.redis, {
      prefix: ns.prefix,
      rawRetentionMs: 30 * MIN,
      coarseStepMs: 15 * MIN,
      coarseRetentionMs: 120 * MIN,
    });
    const t0 = 1_000 * 15 * MIN;
    // 4 hours of one-minute samples, one gap every 10 minutes.
    for (let i = 0; i < 240; i++) {
      const bucket = t0 + i * MIN;
      if (i % 10 === 9) await store.writeGap(bucket, 'Throttling: Rate exceeded', MIN, bucket);
      else await store.addPoint(point(bucket, i % 2 ? 100 : 50), bucket);
    }
    const now = t0 + 240 * MIN;
    await store.writeGap(now, 'endpoint down', MIN, now);
    const raw = await ns.redis.zcard(store.keys.raw);
    const coarse = await ns.redis.zcard(store.keys.coarse);
    expect(raw).toBeLessThanOrEqual(30 + 15 + 1);
    expect(coarse).toBeLessThanOrEqual(120 / 15 + 1);
    const history = await store.history(0, now);
    const coarsePoints = history.filter((p) => p.resolutionMs === 15 * MIN);
    expect(coarsePoints.length).toBeGreaterThan(0);
    for (const p of coarsePoints) expect(p.bucket % (15 * MIN)).toBe(0);
    expect(history[history.length - 1]).toMatchObject({ bucket: now, gap: true, reason: 'endpoint down' });
    // Nothing older than the coarse window survives.
    expect(Math.min(...history.map((p) => p.bucket))).toBeGreaterThanOrEqual(now - 120 * MIN - 15 * MIN);
  });
});
