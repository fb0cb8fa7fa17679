import { keyValues, table } from './table.js';

/** A rollout as GET /v1/rollouts/{id} answers it (the parts the CLI shows). */
export interface RolloutView {
  id: string;
  image: string;
  canary: number;
  batchSize: number;
  maxFailures: number;
  state: string;
  control: string;
  reason: string | null;
  totals: Record<string, number> & { instances: number; failures: number };
  batchesDone: number;
  batches: { index: number; canary: boolean; size: number; [state: string]: number | boolean }[];
  instances: { id: string; batch: number; state: string; failure: string | null; reason: string | null }[];
  createdAt: string;
  finishedAt: string | null;
}

export const FINAL_ROLLOUT_STATES = new Set(['completed', 'failed', 'aborted']);
const WIDTH = 24;

/** `[######------------------] 6/30 healthy, batch 2/7, running` (failures and rollbacks when any). */
export function rolloutBar(r: RolloutView): string {
  const settled = r.totals.healthy ?? 0;
  const total = Math.max(r.totals.instances, 1);
  const filled = Math.round((settled / total) * WIDTH);
  const extra = [
    r.totals.failures ? `${r.totals.failures} failed` : '',
    r.totals['rolled-back'] ? `${r.totals['rolled-back']} rolled back` : '',
  ].filter(Boolean);
  const batch = `batch ${Math.min(r.batchesDone + 1, r.batches.length)}/${r.batches.length}`;
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${settled}/${r.totals.instances} healthy, ${batch}, ${r.state}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** The readable form of `rollout status`: the rollout, then one row per batch, then what failed. */
export function rolloutText(r: RolloutView): string {
  const head = keyValues([
    ['rollout', r.id],
    ['image', r.image],
    [
      'state',
      r.control !== 'run' && !FINAL_ROLLOUT_STATES.has(r.state) ? `${r.state} (${r.control} asked)` : r.state,
    ],
    ['reason', r.reason],
    ['plan', `canary ${r.canary}, then batches of ${r.batchSize}; max failures ${r.maxFailures}`],
    ['progress', rolloutBar(r)],
    ['started', r.createdAt],
    ['finished', r.finishedAt],
  ]);
  const batches = table(
    ['batch', 'size', 'healthy', 'updating', 'pending', 'failed', 'rolled back', 'skipped'],
    r.batches.map((b) => [
      b.canary ? `${b.index} (canary)` : b.index,
      b.size,
      b.healthy as number,
      b.updating as number,
      b.pending as number,
      b.failed as number,
      b['rolled-back'] as number,
      b.skipped as number,
    ]),
  );
  const trouble = r.instances.filter((i) => i.failure || i.state === 'failed' || i.state === 'skipped');
  const notes = trouble.length
    ? `\n\n${table(
        ['instance', 'batch', 'state', 'why'],
        trouble.map((i) => [i.id, i.batch, i.state, i.failure ?? i.reason]),
      )}`
    : '';
  return `${head}\n\n${r.batches.length ? batches : 'No instances to roll (none running).'}${notes}`;
}
