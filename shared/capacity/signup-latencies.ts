import type { SignupLatency } from '../cost/headroom.js';
import { STEP_IDS } from '../domain.js';
import type { InstanceStore } from '../store/instance-store.js';
import type { DurationHistograms } from './duration-histograms.js';

/**
 * Signups of a window, newest first from the store's index, with what the worker recorded: createdAt,
 * runningAt, and the placement step's output (`waitedForCapacity`, `placementWaitMs`).
 */
export async function recentSignups(
  store: Pick<InstanceStore, 'list'>,
  since: number,
  pageSize = 200,
  maxPages = 50,
) {
  const out = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { items, nextCursor } = await store.list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
    let older = false;
    for (const r of items) {
      const createdAt = Date.parse(r.createdAt);
      if (createdAt < since) {
        older = true;
        break;
      }
      out.push(r);
    }
    if (older || !nextCursor) break;
    cursor = nextCursor;
  }
  return out;
}

export function signupLatencyOf(r: {
  id: string;
  createdAt: string;
  runningAt: string | null;
  steps: { placement: { output?: Record<string, string> } };
}): SignupLatency {
  const out = r.steps.placement.output ?? {};
  return {
    instanceId: r.id,
    createdAt: Date.parse(r.createdAt),
    runningAt: r.runningAt ? Date.parse(r.runningAt) : null,
    waitedForCapacity: out.waitedForCapacity === 'true',
    placementWaitMs: Number(out.placementWaitMs ?? 0) || 0,
  };
}

/** Feeds the step and signup-to-running histograms from step records; each is counted once. */
export async function observeStepDurations(
  histograms: DurationHistograms,
  records: Awaited<ReturnType<typeof recentSignups>>,
): Promise<number> {
  let added = 0;
  for (const r of records) {
    for (const id of STEP_IDS) {
      const s = r.steps[id];
      if (s.state !== 'done' || !s.startedAt || !s.endedAt) continue;
      const ms = Date.parse(s.endedAt) - Date.parse(s.startedAt);
      if (Number.isNaN(ms)) continue;
      if (await histograms.observe(`step:${id}`, `${r.id}:${s.startedAt}`, ms / 1000)) added++;
    }
    if (r.runningAt) {
      const ms = Date.parse(r.runningAt) - Date.parse(r.createdAt);
      if (!Number.isNaN(ms) && (await histograms.observe('signup-to-running', r.id, ms / 1000))) added++;
    }
  }
  return added;
}
