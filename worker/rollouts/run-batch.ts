import type { InstanceRollout, RolloutControl, RolloutMeta } from '../../shared/rollouts/rollout.js';
import { readGatewayToken } from '../aws/gateway-token.js';
import { retryable } from '../errors/classified-error.js';
import { waitUntilHealthy } from './health-gate.js';
import { rollBackInstance } from './roll-back-instance.js';
import type { RolloutContext } from './rollout-context.js';
import { updateInstance } from './update-instance.js';

/** How often an instance whose lock another job holds is asked again before it is skipped. */
const LOCK_TRIES = 20;

export type BatchEnd = { kind: 'done' } | { kind: 'stop'; control: Exclude<RolloutControl, 'run'> };

/**
 * One batch: each instance's service is moved to the new revision (the operator's pause or abort is read
 * before each), then every moved instance goes through the health gate together. One that fails the gate
 * is recorded with its `failure` and rolled back at once, so it serves again while the rollout decides.
 * Safe to run again after a crash: every step reads its checkpoint first.
 */
export async function runBatch(ctx: RolloutContext, meta: RolloutMeta, batch: number): Promise<BatchEnd> {
  const ids = meta.batches?.[batch] ?? [];
  for (let tries = 0; ; tries++) {
    const rollout = await ctx.rollouts.get(meta.id);
    const waiting = ids.filter((id) => isToUpdate(rollout?.instances[id]));
    if (waiting.length === 0) break;
    for (const id of waiting) {
      // A stopping worker hands the job back between two instances; the next run resumes from here.
      if (ctx.stopping?.aborted) throw retryable('WorkerStopping', 'the worker is stopping');
      const control = (await ctx.rollouts.get(meta.id))?.control ?? 'abort';
      if (control !== 'run') return { kind: 'stop', control };
      const cp = rollout!.instances[id]!;
      const after = await updateInstance(ctx, meta, id, cp);
      if (after === cp && tries >= LOCK_TRIES)
        await ctx.rollouts.checkpoint(meta.id, id, {
          ...cp,
          state: 'skipped',
          reason: 'another job held it',
        });
    }
    if (tries > 0) await new Promise((r) => setTimeout(r, ctx.config.PLACEMENT_POLL_MS));
  }
  const rollout = await ctx.rollouts.get(meta.id);
  await Promise.all(
    ids.map(async (id) => {
      const cp = rollout?.instances[id];
      if (cp?.state === 'updating' && cp.serviceUpdated) await gate(ctx, meta, id, cp);
      else if (cp?.state === 'failed' && cp.failure) await rollBackUntilDone(ctx, meta, id, cp);
    }),
  );
  return { kind: 'done' };
}

const isToUpdate = (cp: InstanceRollout | undefined) =>
  cp !== undefined && (cp.state === 'pending' || (cp.state === 'updating' && !cp.serviceUpdated));

async function gate(ctx: RolloutContext, meta: RolloutMeta, id: string, cp: InstanceRollout) {
  const record = await ctx.store.get(id);
  const secretArn = record?.steps.secret.output?.secretArn;
  if (!record || !secretArn || record.status !== 'running') {
    await ctx.rollouts.checkpoint(meta.id, id, { ...cp, state: 'skipped', reason: 'instance left running' });
    return;
  }
  const result = await waitUntilHealthy(ctx, record, cp.revisionArn!, await readGatewayToken(ctx, secretArn));
  if (result.kind === 'healthy') {
    await ctx.rollouts.setInstanceImage(id, meta.image);
    await ctx.rollouts.checkpoint(meta.id, id, { ...cp, state: 'healthy' });
    return;
  }
  if (result.kind === 'gone') {
    await ctx.rollouts.checkpoint(meta.id, id, { ...cp, state: 'skipped', reason: 'its service is gone' });
    return;
  }
  ctx.log.warn({ rolloutId: meta.id, instanceId: id, reason: result.reason }, 'rollout: update failed');
  const failed = await ctx.rollouts.checkpoint(meta.id, id, {
    ...cp,
    state: 'failed',
    failure: result.reason,
  });
  await rollBackUntilDone(ctx, meta, id, failed);
}

/** Rolls one instance back, asking again while another job holds its lock. */
export async function rollBackUntilDone(
  ctx: RolloutContext,
  meta: RolloutMeta,
  id: string,
  cp: InstanceRollout,
): Promise<InstanceRollout> {
  let current = cp;
  for (let tries = 0; tries < LOCK_TRIES; tries++) {
    const after = await rollBackInstance(ctx, meta, id, current);
    if (after !== current) return after;
    if (!after.serviceUpdated || after.state === 'rolled-back' || after.state === 'skipped') return after;
    await new Promise((r) => setTimeout(r, ctx.config.PLACEMENT_POLL_MS));
    current = after;
  }
  return current;
}
