import type { SignupLatency } from '../cost/headroom.js';
import type { InstanceStore } from '../store/instance-store.js';

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
