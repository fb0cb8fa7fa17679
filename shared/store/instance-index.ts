import { INSTANCE_STATUSES, type InstanceRecord, type InstanceStatus } from '../domain.js';
import { parseRecord } from './instance-record.js';
import type { StoreCore } from './store-core.js';

/** Expired index entries removed per sweep: bounded, so a sweep never stalls the call that runs it. */
const SWEEP_BATCH = 100;

/**
 * The lexicographic indexes (all, and one per status; members `<created ms, 15 digits>:<id>`) for
 * newest-first paging, and their upkeep: an entry leaves with its record when the record expires.
 */
export function makeInstanceIndex({ redis, keys }: StoreCore) {
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

  /**
   * Newest first. Reads one live record past the page, so `nextCursor` is set only when another
   * page has something in it; an index entry whose record has gone (expired) is skipped and removed.
   */
  async function list(query: { status?: InstanceStatus; cursor?: string; limit: number }) {
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
  }

  return { list, sweepExpired };
}
