import type { RolloutMeta, RolloutState } from '../../shared/rollouts/rollout.js';
import type { RolloutContext } from './rollout-context.js';
import { rollBackUntilDone } from './run-batch.js';

/**
 * Stops a rollout for good: every instance whose service it moved goes back to its previous revision (a
 * batch at a time, each waited for until healthy and reachable), then the rollout ends `failed` or
 * `aborted` and the fleet image goes back to what it was. Safe to run again after a crash: an instance
 * already back is not touched.
 */
export async function rollBackAndFinish(
  ctx: RolloutContext,
  meta: RolloutMeta,
  state: Extract<RolloutState, 'failed' | 'aborted'>,
  reason: string,
): Promise<RolloutMeta> {
  ctx.log.warn({ rolloutId: meta.id, reason }, `rollout ${state}: rolling back`);
  const rollout = await ctx.rollouts.get(meta.id);
  const changed = Object.entries(rollout?.instances ?? {}).filter(
    ([, cp]) => cp.serviceUpdated && cp.state !== 'rolled-back' && cp.state !== 'skipped',
  );
  const width = Math.max(meta.batchSize, 5);
  for (let i = 0; i < changed.length; i += width) {
    await Promise.all(changed.slice(i, i + width).map(([id, cp]) => rollBackUntilDone(ctx, meta, id, cp)));
  }
  return ctx.rollouts.finish(meta, state, reason);
}
