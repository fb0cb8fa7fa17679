import type { HistoryEntry, HistoryPoint } from '../../shared/capacity/history-point.js';
import type { ChartMarker } from './svg-chart.js';

/**
 * Why cost per user jumped: each point where it moved by more than `threshold` (a share of the
 * previous value), with what changed between the two samples: instances added (and the signups that
 * were waiting for them), instances removed, users arriving or leaving, or, with none of those, prices.
 * At most `limit` markers, the largest jumps, in time order, numbered.
 */
export function costJumpMarkers(
  history: readonly HistoryEntry[],
  threshold = 0.25,
  limit = 6,
): ChartMarker[] {
  const jumps: { index: number; size: number; text: string }[] = [];
  let prev: HistoryPoint | null = null;
  history.forEach((entry, index) => {
    if (entry.gap) return;
    const before = prev;
    prev = entry;
    if (!before) return;
    const a = before.cost.perUserPerMonth;
    const b = entry.cost.perUserPerMonth;
    if (a === null || b === null || a <= 0) return;
    const size = Math.abs(b - a) / a;
    if (size <= threshold) return;
    jumps.push({ index, size, text: `${money(a)} → ${money(b)} per user: ${reasonOf(before, entry)}` });
  });
  return jumps
    .sort((x, y) => y.size - x.size)
    .slice(0, limit)
    .sort((x, y) => x.index - y.index)
    .map((j, k) => ({ index: j.index, label: String(k + 1), text: j.text }));
}

const money = (v: number) => `$${v.toFixed(2)}`;

function reasonOf(a: HistoryPoint, b: HistoryPoint): string {
  const reasons: string[] = [];
  const dInstances = b.instances.total - a.instances.total;
  if (dInstances > 0) {
    const waiting = Math.max(a.waitingSignups, b.waitingSignups);
    reasons.push(
      `scale-up +${dInstances} instance${dInstances > 1 ? 's' : ''}${waiting > 0 ? ` for ${waiting} waiting signup${waiting > 1 ? 's' : ''}` : ''}`,
    );
  } else if (dInstances < 0) {
    reasons.push(`scale-in ${dInstances} instance${dInstances < -1 ? 's' : ''}`);
  }
  const dUsers = b.cost.users - a.cost.users;
  if (dUsers !== 0) reasons.push(`users ${a.cost.users} → ${b.cost.users}`);
  if (reasons.length === 0) reasons.push('prices changed (spot)');
  return reasons.join('; ');
}
