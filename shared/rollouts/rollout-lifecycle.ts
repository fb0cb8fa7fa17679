import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import type { makeKeys } from '../store/keys.js';
import type { Rollout, RolloutMeta, RolloutRequest, RolloutState } from './rollout.js';

type Keys = ReturnType<typeof makeKeys>;

/**
 * Records a new rollout and points new instances at its image, unless one is live: then answers its id.
 * SET NX on the live marker is what makes a second start lose.
 */
export async function startRollout(
  redis: Redis,
  keys: Keys,
  request: RolloutRequest,
  requestId: string,
): Promise<{ ok: true; rollout: Rollout } | { ok: false; activeId: string }> {
  const id = `ro-${randomBytes(6).toString('hex')}`;
  if ((await redis.set(keys.rolloutActive, id, 'NX')) !== 'OK')
    return { ok: false, activeId: (await redis.get(keys.rolloutActive)) ?? 'unknown' };
  const at = new Date().toISOString();
  const meta: RolloutMeta = {
    id,
    ...request,
    state: 'running',
    previousFleetImage: await redis.get(keys.fleetImage),
    batches: null,
    batchesDone: 0,
    reason: null,
    requestId,
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
  };
  await redis
    .multi()
    .hset(keys.rollout(id), 'meta', JSON.stringify(meta), 'control', 'run')
    .zadd(keys.rollouts, Date.now(), id)
    .set(keys.fleetImage, request.image)
    .exec();
  return { ok: true, rollout: { ...meta, control: 'run', instances: {} } };
}

/** New instances get the fleet image from before the rollout again. */
function putBackFleetImage(multi: ChainableCommander, keys: Keys, meta: RolloutMeta): void {
  if (meta.previousFleetImage) multi.set(keys.fleetImage, meta.previousFleetImage);
  else multi.del(keys.fleetImage);
}

/** The live marker goes, if it is still this rollout's, so the next start is not refused. */
async function releaseLive(redis: Redis, keys: Keys, id: string): Promise<void> {
  if ((await redis.get(keys.rolloutActive)) === id) await redis.del(keys.rolloutActive);
}

/** Undoes a start whose job could not be enqueued. */
export async function forgetRollout(redis: Redis, keys: Keys, meta: RolloutMeta): Promise<void> {
  const multi = redis.multi().del(keys.rollout(meta.id)).zrem(keys.rollouts, meta.id);
  putBackFleetImage(multi, keys, meta);
  await multi.exec();
  await releaseLive(redis, keys, meta.id);
}

/**
 * Ends the rollout: its final state, the live marker released, and the fleet image left on the new image
 * (completed) or put back (failed, aborted).
 */
export async function finishRollout(
  redis: Redis,
  keys: Keys,
  meta: RolloutMeta,
  state: RolloutState,
  reason: string | null,
): Promise<RolloutMeta> {
  const at = new Date().toISOString();
  const saved: RolloutMeta = { ...meta, state, reason, updatedAt: at, finishedAt: at };
  const multi = redis.multi().hset(keys.rollout(meta.id), 'meta', JSON.stringify(saved));
  if (state !== 'completed') putBackFleetImage(multi, keys, meta);
  await multi.exec();
  await releaseLive(redis, keys, meta.id);
  return saved;
}
