/**
 * Rollout: moving every running instance to a new gateway image, one batch at a time (the canary batch
 * first), each batch gated on health; see worker/ARCHITECTURE.md, "Rollouts".
 */
export const ROLLOUT_ID_PATTERN = /^ro-[0-9a-f]{12}$/;

/** What an operator asks for (POST /v1/rollouts; validated by api/rollouts/rollout-schemas.ts). */
export interface RolloutRequest {
  image: string;
  canary: number;
  batchSize: number;
  maxFailures: number;
  pauseBetweenMs: number;
}

/**
 * running → completed; running → failed (past maxFailures, or the canary failed: the changed instances are
 * rolled back); running ⇄ paused; running | paused → aborted (rolled back). Only `running` and `paused` are
 * live: one at a time.
 */
export const ROLLOUT_STATES = ['running', 'paused', 'completed', 'failed', 'aborted'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
export const isFinalRollout = (state: RolloutState) => state !== 'running' && state !== 'paused';

/** What an operator last asked for: the processor reads it between instances. */
export type RolloutControl = 'run' | 'pause' | 'abort';

/**
 * One instance's checkpoint: pending → updating (revision registered, service updated) → healthy | failed;
 * failed → rolled-back (back on its previous revision and reachable); healthy → rolled-back when the
 * rollout as a whole is rolled back; skipped when it was deleted or left `running` meanwhile.
 */
export const INSTANCE_ROLLOUT_STATES = [
  'pending',
  'updating',
  'healthy',
  'failed',
  'rolled-back',
  'skipped',
] as const;
export type InstanceRolloutState = (typeof INSTANCE_ROLLOUT_STATES)[number];

export interface InstanceRollout {
  state: InstanceRolloutState;
  batch: number;
  /** The task definition the service ran before: where a rollback goes. */
  previousTaskDefinitionArn?: string;
  previousImage?: string;
  /** The revision with the new image this rollout registered (or found) and set on the service. */
  revisionArn?: string;
  /** Set once UpdateService moved the service to `revisionArn`: only then is there something to undo. */
  serviceUpdated?: boolean;
  /** Why its update failed (kept when it is then rolled back): what counts against maxFailures. */
  failure?: string;
  /** Why it was skipped, or why its rollback did not end healthy. */
  reason?: string;
  updatedAt: string;
}

export interface RolloutMeta {
  id: string;
  image: string;
  canary: number;
  batchSize: number;
  maxFailures: number;
  pauseBetweenMs: number;
  state: RolloutState;
  /** The fleet image before this rollout (null: GATEWAY_IMAGE), put back when it is rolled back. */
  previousFleetImage: string | null;
  /** Instance ids per batch, fixed once the worker took its snapshot (null before). */
  batches: string[][] | null;
  /** Batches finished (all their instances healthy, failed or skipped). */
  batchesDone: number;
  reason: string | null;
  requestId: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A rollout as the API shows it: the record plus every instance's checkpoint. */
export interface Rollout extends RolloutMeta {
  control: RolloutControl;
  instances: Record<string, InstanceRollout>;
}

/** Batches: the first `canary` ids, then runs of `batchSize`. */
export function planBatches(ids: readonly string[], canary: number, batchSize: number): string[][] {
  if (ids.length === 0) return [];
  const batches = [ids.slice(0, canary)];
  for (let i = canary; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
  return batches;
}

/** Per batch: how many instances are in each state (GET /v1/rollouts/{id}, the CLI's bar). */
export function batchProgress(rollout: Rollout) {
  return (rollout.batches ?? []).map((ids, index) => {
    const counts = Object.fromEntries(INSTANCE_ROLLOUT_STATES.map((s) => [s, 0])) as Record<
      InstanceRolloutState,
      number
    >;
    for (const id of ids) counts[rollout.instances[id]?.state ?? 'pending'] += 1;
    return { index, canary: index === 0, size: ids.length, ...counts };
  });
}
