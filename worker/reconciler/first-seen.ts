import type { Redis } from 'ioredis';

/**
 * Target groups and listener rules have no creation time in the ELBv2 API (and an implementation may
 * leave out a service's `createdAt` or a task definition's `registeredAt`). The reconciler records when
 * it first saw each (an ARN, in one hash), so the grace period counts from then: a resource is never
 * removed sooner than the grace period after the first run that saw it. Entries of resources no longer
 * seen are dropped, so the hash holds only what is out there now.
 */
export async function stampFirstSeen(
  redis: Redis,
  key: string,
  arns: readonly string[],
  now: number,
): Promise<Map<string, number>> {
  const seen = new Set(arns);
  const stale = (await redis.hkeys(key)).filter((arn) => !seen.has(arn));
  const multi = redis.multi();
  for (const arn of arns) multi.hsetnx(key, arn, String(now));
  if (stale.length > 0) multi.hdel(key, ...stale);
  await multi.exec();
  if (arns.length === 0) return new Map();
  const values = await redis.hmget(key, ...arns);
  return new Map(arns.map((arn, i) => [arn, Number(values[i] ?? now)]));
}
