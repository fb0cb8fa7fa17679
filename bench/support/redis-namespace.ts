import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const BENCH_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A fresh QUEUE_PREFIX per figure run, and a cleanup that unlinks every key under it, so runs never see
 * each other's queues, instances or routing slots, and the bench leaves Redis as it found it.
 */
export function makeBenchNamespace(figure: string) {
  const prefix = `bench-${figure}-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  return {
    prefix,
    redis,
    async cleanup(): Promise<number> {
      let removed = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) removed += await redis.unlink(...keys);
      } while (cursor !== '0');
      await redis.quit();
      return removed;
    },
  };
}
export type BenchNamespace = ReturnType<typeof makeBenchNamespace>;

/** Redis-side cost of a command (usec per call) from INFO commandstats, to see time the Node profile cannot. */
export async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, { calls: number; usec: number }>();
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

/** Commands whose Redis time grew most between two snapshots, heaviest first. */
export function commandStatsDelta(
  before: Map<string, { calls: number; usec: number }>,
  after: Map<string, { calls: number; usec: number }>,
  top = 5,
) {
  const rows = [...after].map(([name, a]) => {
    const b = before.get(name) ?? { calls: 0, usec: 0 };
    const calls = a.calls - b.calls;
    const usec = a.usec - b.usec;
    return { name, calls, totalMs: usec / 1000, usecPerCall: calls ? usec / calls : 0 };
  });
  return rows
    .filter((r) => r.calls > 0)
    .sort((x, y) => y.totalMs - x.totalMs)
    .slice(0, top);
}
