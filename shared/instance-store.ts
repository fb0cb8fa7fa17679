import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RoutingConfig } from './config.js';
import type { InstanceRecord, InstanceStatus, StepId, StepRecord } from './domain.js';
import { pairsToHash, parseRecord } from './instance-record.js';
import { registerInstanceScripts } from './instance-scripts.js';
import { indexMember, makeKeys } from './redis-keys.js';
import { makeRoutingSlots } from './routing-slots.js';

/** What subscribers of an instance's event channel receive: enough to redraw a progress view. */
export interface InstanceEvent {
  id: string;
  status: InstanceStatus;
  currentStep: StepId | null;
  step?: { id: StepId } & StepRecord;
  at: string;
}

export type CreateResult =
  /** `jobSequence` is the record's first job sequence (1), reserved by the create for its first job. */
  | { kind: 'created'; instance: InstanceRecord; jobSequence: number }
  | { kind: 'exists'; instance: InstanceRecord }
  | { kind: 'no_routing_capacity' };

export type TransitionResult =
  | { ok: true; previous: InstanceStatus }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'conflict'; current: InstanceStatus };

export interface SealedCredentials {
  anthropicApiKey?: string;
  gatewayToken: string;
}

/** `create` writes this as the record's `jobSeq`: the first create job's sequence, without a HINCRBY. */
const FIRST_JOB_SEQUENCE = 1;

/** Deleted records stay readable (GET answers `deleted`) for a while, then expire. */
export const DELETED_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The instance store: one Redis hash per instance, a per-user pointer to the live instance, and
 * lexicographic indexes (all, and per status) for newest-first paging. Checkpoints live here rather
 * than in job data, so a delete, a retry or the reconciler can read what a create made even after its
 * job is gone.
 */
export function makeInstanceStore(redis: Redis, options: { prefix: string; routing: RoutingConfig }) {
  const keys = makeKeys(options.prefix);
  const statusIndexPrefix = keys.indexStatus('');
  const instancePrefix = keys.instance('');
  const scripts = registerInstanceScripts(redis, options.routing.listeners);
  const slots = makeRoutingSlots(redis, keys, scripts, options.routing);
  for (const l of options.routing.listeners) {
    if (/\s/.test(l.listenerArn + l.dnsName) || !l.listenerArn || !l.dnsName) {
      throw new Error(
        `routing listener ${JSON.stringify(l)}: the ARN and DNS name must be non-empty, without spaces`,
      );
    }
  }
  // The create script's arguments that never change: built once (the pool itself is in the script).
  const routingPrefixes = [keys.routing(''), keys.routingNext('')] as const;
  const capacityArg = String(slots.capacity);

  async function publish(event: InstanceEvent): Promise<void> {
    await redis.publish(keys.events(event.id), JSON.stringify(event));
  }

  async function get(id: string): Promise<InstanceRecord | null> {
    return parseRecord(await redis.hgetall(keys.instance(id)));
  }

  return {
    keys,

    get,

    async create(input: {
      id: string;
      userId: string;
      email: string;
      requestId: string;
      sealed: SealedCredentials;
      now?: Date;
    }): Promise<CreateResult> {
      const now = input.now ?? new Date();
      const at = now.toISOString();
      const member = indexMember(now.getTime(), input.id);
      const fields: Record<string, string> = {
        id: input.id,
        userId: input.userId,
        email: input.email,
        status: 'queued',
        requestId: input.requestId,
        createdAt: at,
        updatedAt: at,
        indexMember: member,
        jobSeq: String(FIRST_JOB_SEQUENCE),
        'sealed:gatewayToken': input.sealed.gatewayToken,
        ...(input.sealed.anthropicApiKey ? { 'sealed:anthropicApiKey': input.sealed.anthropicApiKey } : {}),
      };
      const fieldArgs: string[] = [];
      for (const name in fields) fieldArgs.push(name, fields[name]!);
      const reply = (await scripts.fleetCreateInstance(
        keys.user(input.userId),
        keys.instance(input.id),
        keys.indexAll,
        keys.indexStatus('queued'),
        keys.routingFull,
        input.id,
        capacityArg,
        member,
        instancePrefix,
        ...routingPrefixes,
        ...fieldArgs,
      )) as ['full'] | ['exists', string, string[]] | ['created', number, number];
      if (reply[0] === 'full') return { kind: 'no_routing_capacity' };
      if (reply[0] === 'exists') {
        const instance = parseRecord(pairsToHash(reply[2]));
        if (!instance) throw new Error(`instance ${reply[1]} of user ${input.userId} has no record`);
        return { kind: 'exists', instance };
      }
      // The script wrote exactly these fields plus the routing ones, so the record needs no read back.
      const [, listenerIndex, slot] = reply;
      const listener = options.routing.listeners[listenerIndex - 1];
      if (!listener) throw new Error(`create script answered listener ${listenerIndex}`);
      const albDnsName = listener.dnsName;
      const instance = parseRecord({
        ...fields,
        listenerArn: listener.listenerArn,
        albDnsName,
        routingSlot: String(slot),
        url: `http://${albDnsName}/${input.id}/`,
      });
      if (!instance) throw new Error(`instance ${input.id} could not be read back`);
      return { kind: 'created', instance, jobSequence: FIRST_JOB_SEQUENCE };
    },

    async list(query: { status?: InstanceStatus; cursor?: string; limit: number }) {
      const index = query.status ? keys.indexStatus(query.status) : keys.indexAll;
      const max = query.cursor ? `(${query.cursor}` : '+';
      const members = await redis.zrange(index, max, '-', 'BYLEX', 'REV', 'LIMIT', 0, query.limit);
      const pipeline = redis.pipeline();
      for (const member of members) pipeline.hgetall(keys.instance(member.slice(16)));
      const replies = (await pipeline.exec()) ?? [];
      const items = replies
        .map(([, hash]) => parseRecord(hash as Record<string, string>))
        .filter((r) => r !== null);
      const nextCursor = members.length === query.limit ? members[members.length - 1]! : null;
      return { items, nextCursor };
    },

    /** Atomic status change, allowed only from the given statuses; publishes the change. */
    async transition(
      id: string,
      to: InstanceStatus,
      from: readonly InstanceStatus[] | '*',
      fields: Record<string, string | null> = {},
    ): Promise<TransitionResult> {
      const at = new Date().toISOString();
      const reply = (await scripts.fleetTransition(
        keys.instance(id),
        statusIndexPrefix,
        to,
        from === '*' ? '*' : from.join(','),
        JSON.stringify({ updatedAt: at, ...fields }),
      )) as ['missing'] | ['conflict', string] | ['ok', string, string];
      if (reply[0] === 'missing') return { ok: false, reason: 'missing' };
      if (reply[0] === 'conflict')
        return { ok: false, reason: 'conflict', current: reply[1] as InstanceStatus };
      const currentStep = (reply[2] || null) as StepId | null;
      await publish({ id, status: to, currentStep, at });
      return { ok: true, previous: reply[1] as InstanceStatus };
    },

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

    async sealedCredentials(id: string): Promise<SealedCredentials | null> {
      const [gatewayToken, anthropicApiKey] = await redis.hmget(
        keys.instance(id),
        'sealed:gatewayToken',
        'sealed:anthropicApiKey',
      );
      if (!gatewayToken) return null;
      return { gatewayToken, ...(anthropicApiKey ? { anthropicApiKey } : {}) };
    },

    /** Once the secret exists in Secrets Manager, Redis keeps no copy of the credentials, not even sealed. */
    async dropSealedCredentials(id: string): Promise<void> {
      await redis.hdel(keys.instance(id), 'sealed:gatewayToken', 'sealed:anthropicApiKey');
    },

    /** A fresh job sequence number, so a retry or repair can enqueue a new create job next to an old one. */
    async nextJobSequence(id: string): Promise<number> {
      return redis.hincrby(keys.instance(id), 'jobSeq', 1);
    },

    /** Ends an instance: frees its user and routing slot, forgets credentials, keeps the record a while. */
    async markDeleted(instance: InstanceRecord): Promise<void> {
      // The slot first: whoever sees `deleted` (a caller polling, the API's capacity) sees it free too.
      // Its AWS resources are gone by now, so a new instance may take the slot at once.
      await slots.release(instance);
      const result = await this.transition(instance.id, 'deleted', '*', {
        deletedAt: new Date().toISOString(),
        currentStep: null,
        'sealed:gatewayToken': null,
        'sealed:anthropicApiKey': null,
      });
      if (!result.ok) return;
      const pointer = keys.user(instance.userId);
      if ((await redis.get(pointer)) === instance.id) await redis.del(pointer);
      await redis.expire(keys.instance(instance.id), DELETED_RETENTION_SECONDS);
    },

    reassignRoutingSlot: slots.reassign,
    blockedSlots: slots.blocked,
    unblockSlot: slots.unblock,
    routingUsage: slots.usage,

    /**
     * One job per instance at a time, across every worker process. Returns a release function (which
     * also carries `renew`, to extend the lease while a long job runs) or null when someone holds it.
     */
    async acquireLock(id: string, ttlMs: number): Promise<InstanceLock | null> {
      const token = randomUUID();
      const ok = await redis.set(keys.lock(id), token, 'PX', ttlMs, 'NX');
      if (ok !== 'OK') return null;
      const release = async () => {
        await scripts.fleetReleaseLock(keys.lock(id), token);
      };
      return Object.assign(release, {
        async renew(renewTtlMs: number = ttlMs): Promise<boolean> {
          return (await scripts.fleetRenewLock(keys.lock(id), token, String(renewTtlMs))) === 1;
        },
      });
    },
  };
}

export type InstanceStore = ReturnType<typeof makeInstanceStore>;

/** Calling it releases the lock; `renew` extends the lease and answers false once the lock was lost. */
export type InstanceLock = (() => Promise<void>) & { renew(ttlMs?: number): Promise<boolean> };
