import type { PriceBook } from '../../shared/cost/prices.js';
import { apiCall, instanceTimes, statusCounts } from '../support/pipeline.js';
import { percentile } from '../support/stats.js';
import { meterFleet } from './fleet-meter.js';
import { startScaledPipeline } from './scaled-pipeline.js';
import { medianStepSeconds } from './step-times.js';
import type { Strategy } from './strategies.js';
import type { Trace } from './traces.js';

/** What one strategy did on one trace; times in simulated AWS seconds. */
export interface Cell {
  trace: Trace['id'];
  strategy: string;
  signups: number;
  reachable: number;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  /** First signup until the last one reachable. */
  allReachableS: number;
  instanceHours: number;
  dollarsPerMonth: number;
  peakInstances: number;
  throttles: number;
  /** Median simulated seconds per step (step-times.ts). */
  steps: Record<string, number>;
  /** Calls localcloud received per operation, for the rate bound. */
  calls: Record<string, number>;
  unavailable?: string;
}

/** How long a cell may run past its window before the stragglers are reported as not reachable. */
const GRACE_SIM_MS = 20 * 60_000;

async function submitAt(url: string, trace: Trace, tag: string, t0: number): Promise<string[]> {
  const ids: string[] = [];
  const sent = trace.arrivalsMs.map(async (atMs, i) => {
    const delay = t0 + atMs * trace.timeScale - Date.now();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const reply = await apiCall(url, 'POST', '/v1/instances', {
      userId: `${tag}-${i}`,
      email: `${tag}-${i}@sim.example`,
    });
    if (reply.status !== 202)
      throw new Error(`create refused: ${reply.status} ${JSON.stringify(reply.json)}`);
    ids.push(String(reply.json.id));
  });
  await Promise.all(sent);
  return ids;
}

/** Replays one trace under one strategy on a fresh pipeline and measures it. */
export async function runCell(trace: Trace, strategy: Strategy, book: PriceBook): Promise<Cell> {
  const p = await startScaledPipeline(trace, strategy);
  try {
    const scale = trace.timeScale;
    const windowRealMs = trace.windowMs * scale;
    const t0 = Date.now();
    const meter = meterFleet(p.cloudUrl, book, {
      scale,
      windowRealMs,
      everyRealMs: Math.max(250, Math.min(2000, windowRealMs / 60)),
    });
    const ids = await submitAt(p.api.url, trace, `${trace.id}-${strategy.id}`, t0);
    const deadline = t0 + windowRealMs + GRACE_SIM_MS * scale;
    const windowEnd = t0 + windowRealMs;
    let counts = await statusCounts(p.ns, ids);
    // Every strategy is metered over the same window, so cells run to its end even when done earlier.
    while (
      ((counts.running ?? 0) + (counts.failed ?? 0) < ids.length || Date.now() < windowEnd) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 250));
      counts = await statusCounts(p.ns, ids);
    }
    const fleet = await meter.stop();
    const times = await instanceTimes(p.ns, ids, ['createdAt', 'runningAt']);
    const latencies = times
      .filter((t) => Number.isFinite(t.runningAt))
      .map((t) => (t.runningAt! - t.createdAt!) / scale / 1000);
    const lastReachable = Math.max(...times.map((t) => t.runningAt!).filter(Number.isFinite));
    const throttles = (await (await fetch(`${p.cloudUrl}/_localcloud/throttles`)).json()) as {
      total: number;
    };
    const calls = (await (await fetch(`${p.cloudUrl}/_localcloud/calls`)).json()) as Record<string, number>;
    return {
      trace: trace.id,
      strategy: strategy.id,
      signups: ids.length,
      reachable: latencies.length,
      failed: counts.failed ?? 0,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      allReachableS:
        latencies.length === ids.length ? (lastReachable - t0) / scale / 1000 : Number.POSITIVE_INFINITY,
      ...fleet,
      throttles: throttles.total,
      steps: await medianStepSeconds(p.ns, ids, scale),
      calls,
    };
  } finally {
    await p.close();
  }
}
