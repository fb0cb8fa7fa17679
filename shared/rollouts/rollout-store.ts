import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { makeKeys } from '../redis-keys.js';
import type {
  InstanceRollout,
  Rollout,
  RolloutControl,
  RolloutMeta,
  RolloutRequest,
  RolloutState,
} from './rollout.js';

const INSTANCE_FIELD = 'i:';

/** Sets a field of an instance hash only while the hash exists: an expired (deleted) record stays gone. */
const SET_IF_EXISTS = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return -1`;

/**
 * Rollouts in Redis: one hash per rollout (its `meta`, the operator's `control`, and one field per instance
 * checkpoint, so a checkpoint is one HSET and a worker killed between two loses nothing), the one live
 * rollout's id, and the fleet image new instances get.
 */
export function makeRolloutStore(redis: Redis, prefix: string) {
  const keys = makeKeys(prefix);
  const now = () => new Date().toISOString();

  async function get(id: string): Promise<Rollout | null> {
    const hash = await redis.hgetall(keys.rollout(id));
    if (!hash.meta) return null;
    const instances: Record<string, InstanceRollout> = {};
    for (const [field, value] of Object.entries(hash)) {
      if (field.startsWith(INSTANCE_FIELD))
        instances[field.slice(INSTANCE_FIELD.length)] = JSON.parse(value) as InstanceRollout;
    }
    const meta = JSON.parse(hash.meta) as RolloutMeta;
    return { ...meta, control: (hash.control as RolloutControl | undefined) ?? 'run', instances };
  }

  return {
    get,

    /**
     * Records a new rollout and points new instances at its image, unless one is live: then answers its id.
     * SET NX on the live marker is what makes a second start lose.
     */
    async start(
      request: RolloutRequest,
      requestId: string,
    ): Promise<{ ok: true; rollout: Rollout } | { ok: false; activeId: string }> {
      const id = `ro-${randomBytes(6).toString('hex')}`;
      if ((await redis.set(keys.rolloutActive, id, 'NX')) !== 'OK')
        return { ok: false, activeId: (await redis.get(keys.rolloutActive)) ?? 'unknown' };
      const at = now();
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
    },

    /** Undoes a start whose job could not be enqueued, so the next start is not refused for nothing. */
    async forget(rollout: RolloutMeta): Promise<void> {
      const multi = redis.multi().del(keys.rollout(rollout.id)).zrem(keys.rollouts, rollout.id);
      if (rollout.previousFleetImage) multi.set(keys.fleetImage, rollout.previousFleetImage);
      else multi.del(keys.fleetImage);
      await multi.exec();
      if ((await redis.get(keys.rolloutActive)) === rollout.id) await redis.del(keys.rolloutActive);
    },

    /** The live rollout's id, if any. */
    activeId: () => redis.get(keys.rolloutActive),

    /** The newest rollouts first. */
    async list(limit: number): Promise<Rollout[]> {
      const ids = await redis.zrange(keys.rollouts, 0, limit - 1, 'REV');
      return (await Promise.all(ids.map(get))).filter((r): r is Rollout => r !== null);
    },

    async saveMeta(meta: RolloutMeta): Promise<RolloutMeta> {
      const saved = { ...meta, updatedAt: now() };
      await redis.hset(keys.rollout(meta.id), 'meta', JSON.stringify(saved));
      return saved;
    },

    async checkpoint(id: string, instanceId: string, value: Omit<InstanceRollout, 'updatedAt'>) {
      const saved: InstanceRollout = { ...value, updatedAt: now() };
      await redis.hset(keys.rollout(id), `${INSTANCE_FIELD}${instanceId}`, JSON.stringify(saved));
      return saved;
    },

    /** The operator's pause, resume or abort; the processor acts on it between instances. */
    setControl: (id: string, control: RolloutControl) => redis.hset(keys.rollout(id), 'control', control),

    /**
     * Ends the rollout: its final state, the live marker released, and the fleet image left on the new
     * image (completed) or put back (failed, aborted).
     */
    async finish(meta: RolloutMeta, state: RolloutState, reason: string | null): Promise<RolloutMeta> {
      const at = now();
      const saved: RolloutMeta = { ...meta, state, reason, updatedAt: at, finishedAt: at };
      const multi = redis.multi().hset(keys.rollout(meta.id), 'meta', JSON.stringify(saved));
      if (state !== 'completed') {
        if (meta.previousFleetImage) multi.set(keys.fleetImage, meta.previousFleetImage);
        else multi.del(keys.fleetImage);
      }
      await multi.exec();
      if ((await redis.get(keys.rolloutActive)) === meta.id) await redis.del(keys.rolloutActive);
      return saved;
    },

    /** The image new instances get, when a rollout set one (otherwise GATEWAY_IMAGE). */
    fleetImage: () => redis.get(keys.fleetImage),

    /** Records the image an instance runs on its record; nothing when the record is gone. */
    async setInstanceImage(instanceId: string, image: string): Promise<void> {
      await redis.eval(SET_IF_EXISTS, 1, keys.instance(instanceId), 'image', image);
    },
  };
}
export type RolloutStore = ReturnType<typeof makeRolloutStore>;
