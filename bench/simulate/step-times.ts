import { STEP_IDS } from '../../shared/domain.js';
import { makeKeys } from '../../shared/store/keys.js';
import type { BenchNamespace } from '../support/redis-namespace.js';
import { percentile } from '../support/stats.js';

/**
 * Where signup-to-reachable went, as the median (simulated seconds) of each step's startedAt to
 * endedAt, and of `queued`: createdAt until the first step started.
 */
export async function medianStepSeconds(
  ns: BenchNamespace,
  ids: readonly string[],
  scale: number,
): Promise<Record<string, number>> {
  const keys = makeKeys(ns.prefix);
  const pipe = ns.redis.pipeline();
  for (const id of ids) pipe.hmget(keys.instance(id), 'createdAt', ...STEP_IDS.map((s) => `step:${s}`));
  const rows = ((await pipe.exec()) ?? []).map(([, v]) => v as (string | null)[]);
  const spans: Record<string, number[]> = Object.fromEntries(['queued', ...STEP_IDS].map((id) => [id, []]));
  for (const row of rows) {
    const steps = row
      .slice(1)
      .map((raw) => (raw ? (JSON.parse(raw) as { startedAt?: string; endedAt?: string }) : {}));
    const first = steps[0]?.startedAt;
    if (row[0] && first) spans.queued!.push(Date.parse(first) - Date.parse(row[0]));
    STEP_IDS.forEach((id, i) => {
      const s = steps[i];
      if (s?.startedAt && s.endedAt) spans[id]!.push(Date.parse(s.endedAt) - Date.parse(s.startedAt));
    });
  }
  return Object.fromEntries(
    Object.entries(spans).map(([id, ms]) => [id, Math.round(percentile(ms, 50) / scale / 100) / 10]),
  );
}
