import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sealer } from '../../shared/crypto.js';

/** Stripe keeps a key's result 24 hours; a retry after that runs again. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** How long a request may hold its key: longer than any request takes, so a crashed API frees it. */
export const IN_FLIGHT_TTL_MS = 60_000;

/** What the first request with a key answered: replayed as is, the body sealed at rest. */
export interface StoredResponse {
  status: number;
  body: string;
  location?: string;
}

type Entry =
  | { s: 'in_flight'; fp: string; o: string }
  | { s: 'done'; fp: string; status: number; body: string; location?: string };

export type BeginResult =
  | { kind: 'started'; finish(response: StoredResponse | null): Promise<void> }
  | { kind: 'in_flight'; sameBody: boolean }
  | { kind: 'done'; sameBody: boolean; response: StoredResponse };

/** Writes (or deletes, when `ARGV[2]` is empty) the key only while this request's in-flight mark holds it. */
const finishScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/**
 * Idempotency keys in Redis, so every API process sees the same ones. `begin` takes the key atomically
 * (SET NX GET: one command, no window between looking and taking); `finish` stores the response, its
 * body sealed with the data key (the Redis key as associated data, so it opens nowhere else), or frees
 * the key when the response is not one to replay.
 */
export function makeIdempotencyStore(redis: Redis, sealer: Sealer) {
  return {
    async begin(key: string, fingerprint: string): Promise<BeginResult> {
      const mark = JSON.stringify({ s: 'in_flight', fp: fingerprint, o: randomUUID() } satisfies Entry);
      const previous = (await redis.call('SET', key, mark, 'PX', IN_FLIGHT_TTL_MS, 'NX', 'GET')) as
        | string
        | null;
      if (previous === null) {
        return {
          kind: 'started',
          async finish(response) {
            const done: Entry | null = response
              ? {
                  s: 'done',
                  fp: fingerprint,
                  status: response.status,
                  body: sealer.seal(response.body, key),
                  ...(response.location ? { location: response.location } : {}),
                }
              : null;
            await redis.eval(
              finishScript,
              1,
              key,
              mark,
              done ? JSON.stringify(done) : '',
              IDEMPOTENCY_TTL_SECONDS,
            );
          },
        };
      }
      const entry = JSON.parse(previous) as Entry;
      const sameBody = entry.fp === fingerprint;
      if (entry.s === 'in_flight') return { kind: 'in_flight', sameBody };
      return {
        kind: 'done',
        sameBody,
        response: {
          status: entry.status,
          body: sealer.open(entry.body, key),
          ...(entry.location ? { location: entry.location } : {}),
        },
      };
    },
  };
}
