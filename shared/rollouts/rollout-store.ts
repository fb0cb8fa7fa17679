import type { Redis } from 'ioredis';
import { makeKeys } from '../store/keys.js';
import { storeScripts } from '../store/scripts.js';
import type {
  InstanceRollout,
  Rollout,
  RolloutControl,
  RolloutMeta,
  RolloutRequest,
  RolloutState,
} from './rollout.js';
import { finishRollout, forgetRollout, startRollout } from './rollout-lifecycle.js';

const INSTANCE_FIELD = 'i:';

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

    start: (request: RolloutRequest, requestId: string) => startRollout(redis, keys, request, requestId),
    forget: (rollout: RolloutMeta) => forgetRollout(redis, keys, rollout),
    finish: (meta: RolloutMeta, state: RolloutState, reason: string | null) =>
      finishRollout(redis, keys, meta, state, reason),

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

    /** The image new instances get, when a rollout set one (otherwise GATEWAY_IMAGE). */
    fleetImage: () => redis.get(keys.fleetImage),

    /** Records the image an instance runs on its record; nothing when the record is gone. */
    async setInstanceImage(instanceId: string, image: string): Promise<void> {
      // Only while the record exists: an expired (deleted) instance is not brought back as a fragment.
      await storeScripts(redis).setIfExists(keys.instance(instanceId), 'image', image);
    },
  };
}
export type RolloutStore = ReturnType<typeof makeRolloutStore>;
