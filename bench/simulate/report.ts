import { AWS_TIMING } from '../../localcloud/timing.js';
import { rateBounds } from './rate-bound.js';
import type { Cell } from './run-cell.js';
import type { Trace } from './traces.js';

const s = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '—');

/** The one table: every strategy on every trace, cost relative to `none` on the same trace. */
export function renderTable(cells: readonly Cell[]): string {
  const rows = [
    '| trace | strategy | p50 s | p95 s | p99 s | all reachable s | failed | instance-h | $/month | vs none | throttles |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const c of cells) {
    if (c.unavailable) {
      rows.push(`| ${c.trace} | ${c.strategy} | ${c.unavailable} ||||||||| `);
      continue;
    }
    const none = cells.find((x) => x.trace === c.trace && x.strategy === 'none' && !x.unavailable);
    const vs = none ? `${((c.dollarsPerMonth / none.dollarsPerMonth - 1) * 100).toFixed(1)}%` : '—';
    rows.push(
      `| ${c.trace} | ${c.strategy} | ${s(c.p50)} | ${s(c.p95)} | ${s(c.p99)} | ${s(c.allReachableS)} | ${c.failed}${c.reachable + c.failed < c.signups ? ` (+${c.signups - c.reachable - c.failed} unfinished)` : ''} | ${c.instanceHours.toFixed(1)} | ${c.dollarsPerMonth.toFixed(0)} | ${vs} | ${c.throttles} |`,
    );
  }
  return rows.join('\n');
}

/** The burst trace against the tightest bucket's bound (issue 16's first target). */
export function burstVerdict(cells: readonly Cell[], burst: Trace | undefined): string[] {
  if (!burst) return [];
  const out: string[] = [];
  const speedup = 1 / burst.timeScale;
  for (const c of cells.filter((x) => x.trace === 'burst' && !x.unavailable)) {
    const [sim] = rateBounds(c.calls, c.signups, speedup);
    const [aws] = rateBounds(c.calls, c.signups, 1);
    if (!sim || !aws) continue;
    const ratio = c.allReachableS / sim.seconds;
    out.push(
      `burst/${c.strategy}: tightest bucket ${sim.family} (${sim.callsPerSignup.toFixed(2)} calls/signup, refill ${sim.refillPerSecond}/s): bound ${s(sim.seconds)} s with the simulation's burst of ${sim.burst} (AWS's burst ${aws.burst}: ${s(aws.seconds)} s); all reachable after ${s(c.allReachableS)} s = ${ratio.toFixed(2)}x the bound (target <= 1.2x), ${c.failed} failed (target 0): ${ratio <= 1.2 && c.failed === 0 ? 'MET' : 'NOT MET'}`,
    );
  }
  return out;
}

/**
 * The default: among strategies that keep the spike's p95 under 60 s at no more than +15% over
 * `none` on the steady trace, the cheapest on the steady trace.
 */
export function chooseDefault(cells: readonly Cell[]): string[] {
  const find = (trace: string, strategy: string) =>
    cells.find((c) => c.trace === trace && c.strategy === strategy && !c.unavailable);
  const none = find('steady', 'none');
  if (!none || !cells.some((c) => c.trace === 'spike')) return ['default: needs the steady and spike traces'];
  const lines: string[] = [];
  const ok: { strategy: string; cost: number }[] = [];
  for (const strategy of new Set(cells.map((c) => c.strategy))) {
    const spike = find('spike', strategy);
    const steady = find('steady', strategy);
    if (!spike || !steady) continue;
    const extra = steady.dollarsPerMonth / none.dollarsPerMonth - 1;
    const met = spike.p95 < 60 && extra <= 0.15;
    lines.push(
      `${strategy}: spike p95 ${s(spike.p95)} s (target < 60), steady ${(extra * 100).toFixed(1)}% over none (target <= +15%): ${met ? 'MET' : 'NOT MET'}`,
    );
    if (met) ok.push({ strategy, cost: steady.dollarsPerMonth });
  }
  ok.sort((a, b) => a.cost - b.cost);
  if (ok[0]) {
    lines.push(`default chosen: ${ok[0].strategy}`);
    return lines;
  }
  // Neither target can give way to the other silently: within the cost bound, the fastest spike.
  const affordable = [...new Set(cells.map((c) => c.strategy))]
    .map((strategy) => ({ strategy, spike: find('spike', strategy), steady: find('steady', strategy) }))
    .filter((x) => x.spike && x.steady && x.steady.dollarsPerMonth / none.dollarsPerMonth - 1 <= 0.15)
    .sort((a, b) => a.spike!.p95 - b.spike!.p95);
  lines.push(
    affordable[0]
      ? `default chosen: ${affordable[0].strategy} (none meets both targets; the lowest spike p95 within +15% on steady)`
      : 'default chosen: none meets both targets',
  );
  return lines;
}

/**
 * The spike target's floor for any strategy that starts launching when the spike starts: a placed task
 * takes taskProvisioning + taskStart before its first health check, so a signup may wait for a slot
 * only the rest of 60 s; capacity launched at the first signup registers one instance launch later.
 * Every signup arriving before then needs a slot that existed before the spike.
 */
export function spikeFloor(trace: Trace | undefined, slotsPerInstance: number): string[] {
  if (!trace) return [];
  const { instanceLaunchMs, taskProvisioningMs, taskStartMs } = AWS_TIMING;
  const slackMs = 60_000 - taskProvisioningMs - taskStartMs;
  const first = trace.arrivalsMs[0] ?? 0;
  const cutoffMs = instanceLaunchMs - slackMs;
  const early = trace.arrivalsMs.filter((t) => t - first < cutoffMs).length;
  const mayWait = Math.floor(trace.arrivalsMs.length * 0.05);
  const spare = Math.ceil(Math.max(0, early - mayWait) / slotsPerInstance);
  return [
    `spike floor: a placed task takes ${(taskProvisioningMs + taskStartMs) / 1000} s to start, so a signup may wait ${slackMs / 1000} s for a slot; an instance launched at the first signup registers after ${instanceLaunchMs / 1000} s. The ${early} signups (${((early / trace.arrivalsMs.length) * 100).toFixed(0)}%) arriving in the first ${cutoffMs / 1000} s can only use slots that existed before the spike: p95 under 60 s needs ${spare} spare instances (${slotsPerInstance} tasks each) held before it starts.`,
  ];
}

/** Median simulated seconds per step, per cell: where the time went. */
export function renderSteps(cells: readonly Cell[]): string {
  const ids = [...new Set(cells.flatMap((c) => Object.keys(c.steps ?? {})))];
  const rows = [`| trace | strategy | ${ids.join(' | ')} |`, `|---|---|${ids.map(() => '--:').join('|')}|`];
  for (const c of cells.filter((x) => !x.unavailable)) {
    rows.push(
      `| ${c.trace} | ${c.strategy} | ${ids.map((id) => s(c.steps[id] ?? Number.NaN)).join(' | ')} |`,
    );
  }
  return rows.join('\n');
}
