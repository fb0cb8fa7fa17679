import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented credential with the expected one without leaking where they differ or how
 * long the expected one is: both sides are hashed to 32 bytes first, then compared in constant time.
 */
export function constantTimeEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
