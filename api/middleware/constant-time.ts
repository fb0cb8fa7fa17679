import { hash, timingSafeEqual } from 'node:crypto';

/** One-shot `crypto.hash` (Node >= 20.12): no Hash object per call, which createHash costs on every request. */
const sha256 = (value: string) => hash('sha256', value, 'buffer');

/**
 * Digests of the expected credentials (the API token, the admin user and password): they are fixed
 * for the life of the process, so each is hashed once rather than on every request. Bounded, in case
 * a caller ever passes something that changes.
 */
const expectedDigests = new Map<string, Buffer>();
function expectedDigest(expected: string): Buffer {
  let digest = expectedDigests.get(expected);
  if (!digest) {
    if (expectedDigests.size >= 16) expectedDigests.clear();
    digest = sha256(expected);
    expectedDigests.set(expected, digest);
  }
  return digest;
}

/**
 * Compares a presented credential with the expected one without leaking where they differ or how
 * long the expected one is: both sides are hashed to 32 bytes first, then compared in constant time.
 */
export function constantTimeEquals(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), expectedDigest(expected));
}
