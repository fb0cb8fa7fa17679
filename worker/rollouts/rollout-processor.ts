import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { jobCatalog } from '../../shared/job-catalog.js';
import { isFinalRollout, type Rollout, type RolloutMeta } from '../../shared/rollouts/rollout.js';
import { rollBackAndFinish } from './finish-rollout.js';
import type { RolloutContext } from './rollout-context.js';
import { runBatch } from './run-batch.js';
import { addPending, stragglers, takeSnapshot } from './snapshot.js';

/** How often a paused rollout's job wakes to look at its control again (resume also promotes it). */
export const PAUSED_POLL_MS = 5_000;

type Outcome = { state: string; paused?: boolean };

const metaOf = ({ control: _c, instances: _i, ...meta }: Rollout): RolloutMeta => meta;

/**
 * Runs one rollout from wherever its checkpoints say it is: the snapshot, then each batch (the canary
 * first), deciding after each whether to go on. A failure in the canary batch, or more failures in all than
 * `maxFailures`, stops it and rolls back every instance it changed; so does an abort. A pause ends the
 * attempt as a delayed job (no worker slot held while paused).
 */
export async function runRollout(ctx: RolloutContext, rolloutId: string): Promise<Outcome> {
  const found = await ctx.rollouts.get(rolloutId);
  if (!found || isFinalRollout(found.state)) return { state: found?.state ?? 'missing' };
  let meta = metaOf(found);
  if (found.control === 'abort') return finished(await rollBackAndFinish(ctx, meta, 'aborted', ABORTED));
  if (found.control === 'pause') return pause(ctx, meta);
  if (meta.state !== 'running') meta = await ctx.rollouts.saveMeta({ ...meta, state: 'running' });
  if (!meta.batches) meta = await takeSnapshot(ctx, meta);
  for (let b = meta.batchesDone; b < meta.batches!.length; b++) {
    const end = await runBatch(ctx, meta, b);
    if (end.kind === 'stop' && end.control === 'abort')
      return finished(await rollBackAndFinish(ctx, meta, 'aborted', ABORTED));
    if (end.kind === 'stop') return pause(ctx, meta);
    const instances = Object.values((await ctx.rollouts.get(rolloutId))?.instances ?? {});
    const failures = instances.filter((cp) => cp.failure).length;
    const canaryFailed = b === 0 && instances.some((cp) => cp.batch === 0 && cp.failure);
    if (canaryFailed || failures > meta.maxFailures) {
      const why = canaryFailed
        ? `the canary failed: ${instances.find((cp) => cp.batch === 0 && cp.failure)?.failure}`
        : `${failures} instances failed, more than maxFailures ${meta.maxFailures}`;
      return finished(await rollBackAndFinish(ctx, meta, 'failed', why));
    }
    let batches = meta.batches!;
    if (b === batches.length - 1) {
      const late = await stragglers(ctx, meta);
      if (late.length > 0) {
        await addPending(ctx, meta, [late], batches.length);
        batches = [...batches, late];
      }
    }
    meta = await ctx.rollouts.saveMeta({ ...meta, batches, batchesDone: b + 1 });
    ctx.log.info({ rolloutId, batch: b, of: batches.length, failures }, 'rollout: batch done');
    if (b < batches.length - 1) await waitBetweenBatches(ctx, meta);
  }
  return finished(await ctx.rollouts.finish(meta, 'completed', null));
}

const ABORTED = 'aborted by an operator';

/**
 * `pauseBetweenMs`, cut short by a pause or abort (the next batch then reads it) or a stopping worker, so
 * a long wait never keeps an operator waiting or a shutdown hanging.
 */
async function waitBetweenBatches(ctx: RolloutContext, meta: RolloutMeta): Promise<void> {
  const until = Date.now() + meta.pauseBetweenMs;
  while (Date.now() < until && !ctx.stopping?.aborted) {
    if ((await ctx.rollouts.get(meta.id))?.control !== 'run') return;
    await new Promise((r) => setTimeout(r, Math.min(1_000, until - Date.now())));
  }
}
const finished = (meta: RolloutMeta): Outcome => ({ state: meta.state });

async function pause(ctx: RolloutContext, meta: RolloutMeta): Promise<Outcome> {
  if (meta.state !== 'paused') await ctx.rollouts.saveMeta({ ...meta, state: 'paused' });
  return { state: 'paused', paused: true };
}

/** The `rollouts` processor: parses the payload again, runs the rollout, parks a paused one as delayed. */
export function makeRolloutProcessor(ctx: RolloutContext) {
  return async (job: Job, token?: string) => {
    const parsed = jobCatalog.rollout.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad rollout payload: ${parsed.error.message}`);
    const log = ctx.log.child({ jobId: job.id, rolloutId: parsed.data.rolloutId });
    const outcome = await runRollout({ ...ctx, log }, parsed.data.rolloutId);
    if (outcome.paused) {
      await job.moveToDelayed(Date.now() + PAUSED_POLL_MS, token);
      throw new DelayedError();
    }
    return outcome;
  };
}
