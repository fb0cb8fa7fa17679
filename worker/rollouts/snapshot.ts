import type { InstanceRecord } from '../../shared/domain.js';
import { planBatches, type RolloutMeta } from '../../shared/rollouts/rollout.js';
import type { RolloutContext } from './rollout-context.js';

const PAGE = 500;

/** Every `running` instance, oldest first: the order a rollout takes them in. */
export async function runningInstances(ctx: RolloutContext): Promise<InstanceRecord[]> {
  const all: InstanceRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.list({ status: 'running', limit: PAGE, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Fixes which instances the rollout takes, in which batches: every instance running when it starts. Their
 * checkpoints are written `pending` before the batches are saved, so a worker killed in between takes a
 * fresh snapshot (nothing has been changed yet) and one killed later finds every checkpoint.
 */
export async function takeSnapshot(ctx: RolloutContext, meta: RolloutMeta): Promise<RolloutMeta> {
  const ids = (await runningInstances(ctx)).map((r) => r.id);
  const batches = planBatches(ids, meta.canary, meta.batchSize);
  await addPending(ctx, meta, batches, 0);
  return ctx.rollouts.saveMeta({ ...meta, batches });
}

/** Records `pending` checkpoints for the instances of batches numbered from `first`. */
export async function addPending(ctx: RolloutContext, meta: RolloutMeta, batches: string[][], first: number) {
  await Promise.all(
    batches.flatMap((ids, i) =>
      ids.map((id) => ctx.rollouts.checkpoint(meta.id, id, { state: 'pending', batch: first + i })),
    ),
  );
}

/**
 * Instances the snapshot missed that still run another image: ones that were being created when the
 * rollout started and took their task definition before the fleet image moved. One more batch takes them.
 */
export async function stragglers(ctx: RolloutContext, meta: RolloutMeta): Promise<string[]> {
  const known = new Set((meta.batches ?? []).flat());
  return (await runningInstances(ctx))
    .filter((r) => !known.has(r.id) && r.image !== meta.image)
    .map((r) => r.id);
}
