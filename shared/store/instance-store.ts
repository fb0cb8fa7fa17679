import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RoutingConfig } from '../config.js';
import {
  INSTANCE_STATUSES,
  type InstanceRecord,
  type InstanceStatus,
  type Leftover,
  STEP_IDS,
  type StepId,
  type StepRecord,
} from '../domain.js';
import { CREDENTIALS_LOST, deletedEvent, type LifecycleEvent } from '../webhooks/lifecycle-events.js';
import { pairsToHash, parseRecord } from './instance-record.js';
import { indexMember, makeKeys } from './keys.js';
import { makeRoutingSlots } from './routing-slots.js';
import { registerInstanceScripts } from './scripts.js';

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
export const FIRST_JOB_SEQUENCE = 1;

/** Deleted records stay readable (GET answers `deleted`) for a while, then expire. */
export const DELETED_RETENTION_SECONDS = 30 * 24 * 3600;
/** Expired index entries removed per sweep: bounded, so a sweep never stalls the call that runs it. */
const SWEEP_BATCH = 100;

/**
 * The instance store: one Redis hash per instance, a per-user pointer to the live instance, and
 * lexicographic indexes (all, and per status) for newest-first paging. Checkpoints live here rather
 * than in job data, so a delete, a retry or the reconciler can read what a create made even after its
 * job is gone.
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
  const retentionSeconds = options.deletedRetentionSeconds ?? DELETED_RETENTION_SECONDS;
  const allIndexes = [keys.indexAll, ...INSTANCE_STATUSES.map((s) => keys.indexStatus(s))];

  /** Takes index members out of every index (a member is in `all` and in one status index). */
  async function unindex(members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    const pipeline = redis.pipeline();
    for (const index of allIndexes) pipeline.zrem(index, ...members);
    pipeline.zrem(keys.indexExpiring, ...members);
    await pipeline.exec();
  }

  /** Index entries whose record has expired by now leave the indexes with it. */
  async function sweepExpired(now = Date.now()): Promise<void> {
    const due = await redis.zrangebyscore(keys.indexExpiring, '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
    await unindex(due);
  }
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

    /**
     * Newest first. Reads one live record past the page, so `nextCursor` is set only when another
     * page has something in it; an index entry whose record has gone (expired) is skipped and removed.
     */
    async list(query: { status?: InstanceStatus; cursor?: string; limit: number }) {
      await sweepExpired();
      const index = query.status ? keys.indexStatus(query.status) : keys.indexAll;
      let max = query.cursor ? `(${query.cursor}` : '+';
      const live: { member: string; record: InstanceRecord }[] = [];
      while (live.length <= query.limit) {
        const want = query.limit + 1 - live.length;
        const members = await redis.zrange(index, max, '-', 'BYLEX', 'REV', 'LIMIT', 0, want);
        const pipeline = redis.pipeline();
        for (const member of members) pipeline.hgetall(keys.instance(member.slice(16)));
        const replies = (await pipeline.exec()) ?? [];
        const gone: string[] = [];
        members.forEach((member, i) => {
          const record = parseRecord(replies[i]?.[1] as Record<string, string>);
          if (record) live.push({ member, record });
          else gone.push(member);
        });
        await unindex(gone);
        if (members.length < want) break;
        max = `(${members[members.length - 1]!}`;
      }
      const items = live.slice(0, query.limit).map((l) => l.record);
      const nextCursor = live.length > query.limit ? live[query.limit - 1]!.member : null;
      return { items, nextCursor };
    },

    /**
     * Atomic status change, allowed only from the given statuses; publishes the change. With `event`, the
     * lifecycle event is logged in the same atomic step when the status really changes (see the script).
     */
    async transition(
      id: string,
      to: InstanceStatus,
      from: readonly InstanceStatus[] | '*',
      fields: Record<string, string | null> = {},
      event?: LifecycleEvent,
    ): Promise<TransitionResult> {
      const now = new Date();
      const at = now.toISOString();
      const body = event ? JSON.stringify({ type: event.type, timestamp: at, data: event.data }) : '';
      const reply = (await scripts.fleetTransition(
        keys.instance(id),
        keys.webhookLog(id),
        keys.webhookOwed,
        statusIndexPrefix,
        to,
        from === '*' ? '*' : from.join(','),
        JSON.stringify({ updatedAt: at, ...fields }),
        body,
        String(now.getTime()),
      )) as ['missing'] | ['conflict', string] | ['ok', string, string, number];
      if (reply[0] === 'missing') return { ok: false, reason: 'missing' };
      if (reply[0] === 'conflict')
        return { ok: false, reason: 'conflict', current: reply[1] as InstanceStatus };
      const currentStep = (reply[2] || null) as StepId | null;
      await publish({ id, status: to, currentStep, at });
      if (reply[3] > 0) await options.onLifecycleEvent?.(id, reply[3]);
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

    /**
     * New credentials for an instance degraded by `credentials_lost`: sealed onto the record, its create
     * saga set to run again from the secret step (every step after it too: the shared step list), the
     * rotation counted and a job sequence reserved, in one atomic step. A second call finds nothing lost.
     */
    async restoreCredentials(
      id: string,
      sealed: SealedCredentials,
    ): Promise<
      | { ok: true; rotation: number; jobSequence: number }
      | { ok: false; reason: 'missing' }
      | { ok: false; reason: 'conflict'; current: InstanceStatus }
    > {
      const pending: StepRecord = { state: 'pending', attempts: 0 };
      const reply = (await scripts.fleetRestoreCredentials(
        keys.instance(id),
        CREDENTIALS_LOST,
        sealed.gatewayToken,
        sealed.anthropicApiKey ?? '',
        new Date().toISOString(),
        JSON.stringify(pending),
        ...STEP_IDS.slice(STEP_IDS.indexOf('secret')),
      )) as ['missing'] | ['conflict', string] | ['ok', number, number];
      if (reply[0] === 'missing') return { ok: false, reason: 'missing' };
      if (reply[0] === 'conflict')
        return { ok: false, reason: 'conflict', current: reply[1] as InstanceStatus };
      return { ok: true, rotation: reply[1], jobSequence: reply[2] };
    },

    /** A fresh job sequence number, so a retry or repair can enqueue a new create job next to an old one. */
    async nextJobSequence(id: string): Promise<number> {
      return redis.hincrby(keys.instance(id), 'jobSeq', 1);
    },

    /**
     * Ends an instance: frees its user and routing slot, forgets credentials, keeps the record a while.
     * Leftovers (housekeeping the delete could not do) go on the record and into the index the
     * reconciler retries from.
     */
    async markDeleted(instance: InstanceRecord, leftovers: readonly Leftover[] = []): Promise<void> {
      // The slot first: whoever sees `deleted` (a caller polling, the API's capacity) sees it free too.
      // Its AWS resources are gone by now, so a new instance may take the slot at once.
      await slots.release(instance);
      const result = await this.transition(
        instance.id,
        'deleted',
        '*',
        {
          deletedAt: new Date().toISOString(),
          currentStep: null,
          'sealed:gatewayToken': null,
          'sealed:anthropicApiKey': null,
          ...(leftovers.length > 0 ? { leftovers: JSON.stringify(leftovers) } : {}),
        },
        deletedEvent(instance),
      );
      if (!result.ok) return;
      if (leftovers.length > 0) await redis.hset(keys.leftovers, instance.id, JSON.stringify(leftovers));
      const pointer = keys.user(instance.userId);
      if ((await redis.get(pointer)) === instance.id) await redis.del(pointer);
      // The record and its index entries expire together (sweepExpired, run by list and here).
      const member =
        (await redis.hget(keys.instance(instance.id), 'indexMember')) ??
        indexMember(Date.parse(instance.createdAt), instance.id);
      // Its webhook history stays readable (GET .../deliveries) as long as the record.
      const expiring = redis.multi();
      for (const key of [
        keys.instance(instance.id),
        keys.webhookLog(instance.id),
        keys.webhookNext(instance.id),
        keys.webhookAttempts(instance.id),
      ]) {
        expiring.expire(key, retentionSeconds);
      }
      await expiring.zadd(keys.indexExpiring, Date.now() + retentionSeconds * 1000, member).exec();
      await sweepExpired();
    },

    /** Every deleted instance's leftovers still to remove, by instance id. */
    async pendingLeftovers(): Promise<Map<string, Leftover[]>> {
      const raw = await redis.hgetall(keys.leftovers);
      return new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as Leftover[]]));
    },

    /** What is left of an instance's leftovers after a retry: none drops it from the index. */
    async updateLeftovers(id: string, remaining: readonly Leftover[]): Promise<void> {
      const json = JSON.stringify(remaining);
      const multi = redis.multi();
      if (remaining.length === 0) multi.hdel(keys.leftovers, id);
      else multi.hset(keys.leftovers, id, json);
      // Only on a record still kept (deleted ones expire): never a half-written hash.
      if ((await redis.hexists(keys.instance(id), 'id')) === 1)
        multi.hset(keys.instance(id), 'leftovers', json);
      await multi.exec();
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
