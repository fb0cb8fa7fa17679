import type { Redis } from 'ioredis';
import { resourceNames } from '../../shared/naming.js';

interface Snapshot {
  secrets: { name: string; deletedAt?: number }[];
  taskDefinitions: { family: string; status: string }[];
  targetGroups: { name: string }[];
  rules: { priority: number; conditions: unknown[]; actions: unknown[] }[];
  services: { name: string; status: string }[];
  tasks: { group: string; lastStatus: string }[];
}

export interface Inventory {
  secrets: number;
  taskDefinitions: number;
  targetGroups: number;
  rules: number;
  /** Services in any status: a second create would show here even after draining. */
  services: number;
  liveServices: number;
  liveTasks: number;
}

/**
 * What localcloud holds of one instance, read from its inspection state (names are deterministic). Each
 * count is one a real account also answers, through Describe/List calls: a secret scheduled for deletion
 * (`deletedAt` here) is DescribeSecret's `DeletedDate`, a stopped task ListTasks' desired status.
 */
export function inventoryOf(state: unknown, instanceId: string): Inventory {
  const s = state as Snapshot;
  const names = resourceNames(instanceId);
  return {
    secrets: s.secrets.filter((x) => x.name === names.secretName && x.deletedAt === undefined).length,
    taskDefinitions: s.taskDefinitions.filter(
      (x) => x.family === names.taskFamily && x.status !== 'DELETE_IN_PROGRESS',
    ).length,
    targetGroups: s.targetGroups.filter((x) => x.name === names.targetGroupName).length,
    rules: s.rules.filter((x) => JSON.stringify(x.conditions).includes(`"${names.basePath}/*"`)).length,
    services: s.services.filter((x) => x.name === names.serviceName).length,
    liveServices: s.services.filter((x) => x.name === names.serviceName && x.status !== 'INACTIVE').length,
    liveTasks: s.tasks.filter((x) => x.group === `service:${names.serviceName}` && x.lastStatus !== 'STOPPED')
      .length,
  };
}

export const NOTHING: Inventory = {
  secrets: 0,
  taskDefinitions: 0,
  targetGroups: 0,
  rules: 0,
  services: 0,
  liveServices: 0,
  liveTasks: 0,
};

/** A running instance's AWS side: each resource exactly once (a service in any status), one task running. */
export const RUNNING_ONCE = {
  secrets: 1,
  taskDefinitions: 1,
  targetGroups: 1,
  rules: 1,
  services: 1,
  liveTasks: 1,
} satisfies Partial<Inventory>;

/** The same after a repair that replaced the service: the old one may linger INACTIVE, so the live one counts. */
export const REPAIRED_ONCE = {
  secrets: 1,
  taskDefinitions: 1,
  targetGroups: 1,
  rules: 1,
  liveServices: 1,
  liveTasks: 1,
} satisfies Partial<Inventory>;

/** Everything under a key prefix as text: every key and every value of every type. */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      // DUMP as well: the serialized form of whatever the reads above do not cover.
      const dumped = await redis.dumpBuffer(key);
      if (dumped) parts.push(dumped.toString('latin1'));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

/** Waits until localcloud holds nothing live of these instances (a deleted service drains on its own). */
export async function waitUntilNothingLeft(
  inspectState: () => Promise<unknown>,
  ids: string[],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left: [string, Inventory][] = [];
  while (Date.now() < deadline) {
    const state = await inspectState();
    left = ids
      .map((id) => [id, inventoryOf(state, id)] as [string, Inventory])
      .filter(([, inv]) => Object.entries(inv).some(([k, n]) => k !== 'services' && n > 0));
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`resources left behind: ${JSON.stringify(left.slice(0, 5))}`);
}
