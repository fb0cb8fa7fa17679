import type { Redis } from 'ioredis';
import type { RoutingConfig } from '../config.js';
import type { InstanceRecord, InstanceStatus, StepId, StepRecord } from '../domain.js';
import { makeCreate } from './instance-create.js';
import { makeCredentials } from './instance-credentials.js';
import { DELETED_RETENTION_SECONDS, makeDeleteEnd } from './instance-delete.js';
import { makeInstanceIndex } from './instance-index.js';
import { parseRecord } from './instance-record.js';
import { makeTransitions } from './instance-transitions.js';
import { makeKeys } from './keys.js';
import { acquireLock } from './lock.js';
import { makeRoutingSlots } from './routing-slots.js';
import { storeScripts } from './scripts.js';
import type { InstanceEvent, StoreCore } from './store-core.js';

export { type CreateResult, FIRST_JOB_SEQUENCE } from './instance-create.js';
export { DELETED_RETENTION_SECONDS } from './instance-delete.js';
export type { Lock as InstanceLock } from './lock.js';
export type { InstanceEvent, SealedCredentials } from './store-core.js';
export type { TransitionResult } from './transitions.js';

/**
 * The instance store: one Redis hash per instance, a per-user pointer to the live instance, and
 * lexicographic indexes (all, and per status) for newest-first paging. Checkpoints live here rather
 * than in job data, so a delete, a retry or the reconciler can read what a create made even after its
 * job is gone. A status changes only through the named transitions of transitions.ts.
 */
export function makeInstanceStore(
  redis: Redis,
  options: {
    prefix: string;
    routing: RoutingConfig;
    deletedRetentionSeconds?: number;
    /**
     * Told of each lifecycle event a transition wrote (the worker enqueues its webhook deliveries here).
     * Must not throw: the transition is done whatever happens to the delivery.
     */
    onLifecycleEvent?: (instanceId: string, sequence: number) => Promise<void>;
  },
) {
  const keys = makeKeys(options.prefix);
  const core: StoreCore = { redis, keys, scripts: storeScripts(redis) };
  const index = makeInstanceIndex(core);
  const slots = makeRoutingSlots(core, options.routing);
  // `deleted` is reached only through the store's markDeleted, which also frees the slot and the user.
  const { markDeleted: endTransition, ...transitions } = makeTransitions(core, options.onLifecycleEvent);
  const deleteEnd = makeDeleteEnd(core, {
    slots,
    index,
    endTransition,
    retentionSeconds: options.deletedRetentionSeconds ?? DELETED_RETENTION_SECONDS,
  });

  return {
    keys,
    get: async (id: string): Promise<InstanceRecord | null> =>
      parseRecord(await redis.hgetall(keys.instance(id))),
    create: makeCreate(core, options.routing),
    list: index.list,
    ...transitions,
    ...deleteEnd,
    ...makeCredentials(core),

    /** Records a step's state (and its checkpoint output when done) and tells subscribers. */
    async recordStep(id: string, stepId: StepId, record: StepRecord, status: InstanceStatus): Promise<void> {
      const at = new Date().toISOString();
      const event: InstanceEvent = { id, status, currentStep: stepId, step: { id: stepId, ...record }, at };
      // One write for both: a checkpoint is the saga's most frequent Redis call. Issued synchronously, so a
      // read sent right after it on this connection sees it.
      const replies = await redis
        .pipeline()
        .hset(
          keys.instance(id),
          `step:${stepId}`,
          JSON.stringify(record),
          'currentStep',
          stepId,
          'updatedAt',
          at,
        )
        .publish(keys.events(id), JSON.stringify(event))
        .exec();
      const failed = replies?.find(([error]) => error)?.[0];
      if (failed) throw failed;
    },

    /** A fresh job sequence number, so a retry or repair can enqueue a new create job next to an old one. */
    nextJobSequence: (id: string): Promise<number> => redis.hincrby(keys.instance(id), 'jobSeq', 1),

    reassignRoutingSlot: slots.reassign,
    blockedSlots: slots.blocked,
    unblockSlot: slots.unblock,
    routingUsage: slots.usage,

    /**
     * One job per instance at a time, across every worker process. Returns a release function (which
     * also carries `renew`, to extend the lease while a long job runs) or null when someone holds it.
     */
    acquireLock: (id: string, ttlMs: number) => acquireLock(redis, keys.lock(id), ttlMs),
  };
}

export type InstanceStore = ReturnType<typeof makeInstanceStore>;
