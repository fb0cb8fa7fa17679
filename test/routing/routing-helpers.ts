import type { Pipeline } from '../support/pipeline.js';

/** The part of a 202 body these suites read. */
export interface Listed {
  id: string;
  url: string;
}

interface StateView {
  /** `deletedAt`: scheduled for deletion, which DescribeSecret answers as `DeletedDate`. */
  secrets: { name: string; deletedAt?: number }[];
  taskDefinitions: { family: string; status: string }[];
  targetGroups: { name: string }[];
  rules: { listenerArn: string }[];
  services: { name: string; status: string }[];
}

/** Rules per listener ARN, as localcloud holds them. */
export function rulesPerListener(state: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of (state as StateView).rules)
    counts[rule.listenerArn] = (counts[rule.listenerArn] ?? 0) + 1;
  return counts;
}

/** How many of each resource localcloud holds: equal before and after means nothing was created. */
export function cloudCounts(state: unknown) {
  const s = state as StateView;
  return {
    secrets: s.secrets.filter((x) => x.deletedAt === undefined).length,
    taskDefinitions: s.taskDefinitions.filter((x) => x.status !== 'DELETE_IN_PROGRESS').length,
    targetGroups: s.targetGroups.length,
    rules: s.rules.length,
    services: s.services.filter((x) => x.status !== 'INACTIVE').length,
  };
}

/** The store's keys (records, user pointers, indexes, routing pools) with their values, not BullMQ's. */
export async function keysOutsideQueues(p: Pipeline): Promise<Record<string, string>> {
  const { redis, prefix } = p.ns;
  const keys = (await redis.keys(`${prefix}:*`)).filter((k) =>
    /^[^:]+:(inst|user|idx|route|route-blocked):/.test(k),
  );
  const out: Record<string, string> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    if (type === 'hash') out[key] = JSON.stringify(await redis.hgetall(key));
    else if (type === 'zset') out[key] = JSON.stringify(await redis.zrange(key, 0, -1));
    else if (type === 'string') out[key] = (await redis.get(key)) ?? '';
    else out[key] = type;
  }
  return out;
}
