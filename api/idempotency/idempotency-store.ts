import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sealer } from '../../shared/crypto.js';
import { storeScripts } from '../../shared/store/scripts.js';

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

/**
 * `c` (carry): what an attempt chose before writing anything (a create's instance id and gateway token),
 * sealed. When an attempt fails without an answer to keep (503: its reply may have been lost after
 * the write ran), the key stays `failed` with its carry, and the retry reuses it instead of choosing
 * anew, so it can recognise its own write and still answer with the token.
 */
type Entry =
  | { s: 'in_flight'; fp: string; o: string; c?: string }
  | { s: 'failed'; fp: string; c: string }
  | { s: 'done'; fp: string; status: number; body: string; location?: string };

export interface Attempt {
  kind: 'started';
  /** The carry of an earlier failed attempt with this key and body, opened; null on a first attempt. */
  carried: string | null;
  /** Records the carry (sealed) on the key before the attempt writes anything it depends on. */
  keep(carry: string): Promise<void>;
  /** Stores the response to replay, or (null) frees the key, keeping the carry when there is one. */
  finish(response: StoredResponse | null): Promise<void>;
}

export type BeginResult =
  | Attempt
  | { kind: 'in_flight'; sameBody: boolean }
  | { kind: 'done'; sameBody: boolean; response: StoredResponse };

/**
 * Idempotency keys in Redis, so every API process sees the same ones. `begin` takes the key atomically
 * (SET NX GET: one command, no window between looking and taking); `finish` stores the response, its
 * body sealed with the data key (the Redis key as associated data, so it opens nowhere else), or frees
 * the key when the response is not one to replay. Every later change is a compare-and-swap on the
 * exact value this attempt wrote, so a mark that expired and was taken by another attempt is left alone.
 */
export function makeIdempotencyStore(redis: Redis, sealer: Sealer) {
  const scripts = storeScripts(redis);
  /** Replaces the key's value only while it still holds `from`; deletes it when `to` is empty. */
  const swap = async (key: string, from: string, to: string, ttlMs: number) =>
    (await scripts.swapValue(key, from, to, ttlMs)) === 1;

  function attempt(key: string, fingerprint: string, mark: string, carry?: string): Attempt {
    let current = mark;
    let sealedCarry = carry;
    return {
      kind: 'started',
      carried: carry ? sealer.open(carry, key) : null,
      async keep(value) {
        sealedCarry = sealer.seal(value, key);
        const next = JSON.stringify({ ...(JSON.parse(current) as Entry), c: sealedCarry });
        if (!(await swap(key, current, next, IN_FLIGHT_TTL_MS))) {
          throw new Error('idempotency key taken over while its request ran');
        }
        current = next;
      },
      async finish(response) {
        const ttlMs = IDEMPOTENCY_TTL_SECONDS * 1000;
        if (response) {
          const done: Entry = {
            s: 'done',
            fp: fingerprint,
            status: response.status,
            body: sealer.seal(response.body, key),
            ...(response.location ? { location: response.location } : {}),
          };
          await swap(key, current, JSON.stringify(done), ttlMs);
        } else if (sealedCarry) {
          await swap(key, current, JSON.stringify({ s: 'failed', fp: fingerprint, c: sealedCarry }), ttlMs);
        } else {
          await swap(key, current, '', 0);
        }
      },
    };
  }

  return {
    async begin(key: string, fingerprint: string): Promise<BeginResult> {
      const mark = JSON.stringify({ s: 'in_flight', fp: fingerprint, o: randomUUID() } satisfies Entry);
      const previous = await redis.set(key, mark, 'PX', IN_FLIGHT_TTL_MS, 'NX', 'GET');
      if (previous === null) return attempt(key, fingerprint, mark);
      const entry = JSON.parse(previous) as Entry;
      const sameBody = entry.fp === fingerprint;
      if (entry.s === 'failed' && sameBody) {
        // A retry of an attempt that failed: take the key over, carrying what it chose.
        const retry = JSON.stringify({ ...JSON.parse(mark), c: entry.c } as Entry);
        if (await swap(key, previous, retry, IN_FLIGHT_TTL_MS))
          return attempt(key, fingerprint, retry, entry.c);
        return { kind: 'in_flight', sameBody };
      }
      if (entry.s === 'done') {
        return {
          kind: 'done',
          sameBody,
          response: {
            status: entry.status,
            body: sealer.open(entry.body, key),
            ...(entry.location ? { location: entry.location } : {}),
          },
        };
      }
      return { kind: 'in_flight', sameBody };
    },
  };
}
