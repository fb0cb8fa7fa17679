import type { RoutingConfig } from '../config.js';
import type { InstanceRecord } from '../domain.js';
import { pairsToHash, parseRecord } from './instance-record.js';
import { indexMember } from './keys.js';
import { routingCapacity } from './routing-capacity.js';
import { createInstanceScript } from './scripts.js';
import type { SealedCredentials, StoreCore } from './store-core.js';

export type CreateResult =
  /** `jobSequence` is the record's first job sequence (1), reserved by the create for its first job. */
  | { kind: 'created'; instance: InstanceRecord; jobSequence: number }
  | { kind: 'exists'; instance: InstanceRecord }
  | { kind: 'no_routing_capacity' };

/** `create` writes this as the record's `jobSeq`: the first create job's sequence, without a HINCRBY. */
export const FIRST_JOB_SEQUENCE = 1;

export interface CreateInput {
  id: string;
  userId: string;
  email: string;
  requestId: string;
  sealed: SealedCredentials;
  now?: Date;
}

/** The record's fields as `create` writes them (the create script adds the routing ones). */
function newRecordFields(input: CreateInput, at: string, member: string): Record<string, string> {
  return {
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
}

/**
 * A new instance in one atomic step: the record, the user's pointer, the index entries and a routing
 * slot; or the user's live instance; or "no routing capacity" (and nothing written).
 */
export function makeCreate({ redis, keys }: StoreCore, routing: RoutingConfig) {
  for (const l of routing.listeners) {
    if (/\s/.test(l.listenerArn + l.dnsName) || !l.listenerArn || !l.dnsName) {
      throw new Error(
        `routing listener ${JSON.stringify(l)}: the ARN and DNS name must be non-empty, without spaces`,
      );
    }
  }
  const createScript = createInstanceScript(redis, routing.listeners);
  // The script's arguments that never change: built once (the pool itself is in the script).
  const fixedArgs = [String(routingCapacity(routing))] as const;
  const prefixes = [keys.instance(''), keys.routing(''), keys.routingNext('')] as const;

  return async function create(input: CreateInput): Promise<CreateResult> {
    const now = input.now ?? new Date();
    const member = indexMember(now.getTime(), input.id);
    const fields = newRecordFields(input, now.toISOString(), member);
    const fieldArgs: string[] = [];
    for (const name in fields) fieldArgs.push(name, fields[name]!);
    const reply = (await createScript(
      keys.user(input.userId),
      keys.instance(input.id),
      keys.indexAll,
      keys.indexStatus('queued'),
      keys.routingFull,
      input.id,
      ...fixedArgs,
      member,
      ...prefixes,
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
    const listener = routing.listeners[listenerIndex - 1];
    if (!listener) throw new Error(`create script answered listener ${listenerIndex}`);
    const instance = parseRecord({
      ...fields,
      listenerArn: listener.listenerArn,
      albDnsName: listener.dnsName,
      routingSlot: String(slot),
    });
    if (!instance) throw new Error(`instance ${input.id} could not be read back`);
    return { kind: 'created', instance, jobSequence: FIRST_JOB_SEQUENCE };
  };
}
