import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const takeAll = (b: TokenBucket, n: number) =>
  Array.from({ length: n }, () => b.take()).filter(Boolean).length;

describe('TokenBucket', () => {
  it('allows a full burst at once, then throttles', () => {
    const c = clock();
    const b = new TokenBucket({ burst: 50, refillPerSecond: 5 }, c.now);
    expect(takeAll(b, 60)).toBe(50);
    expect(b.take()).toBe(false);
  });

  it('refills at the sustained rate once drained', () => {
    const c = clock();
    const b = new TokenBucket({ burst: 50, refillPerSecond: 20 }, c.now);
    takeAll(b, 50);
    c.advance(1_000);
    expect(takeAll(b, 50)).toBe(20);
    c.advance(250);
    expect(takeAll(b, 50)).toBe(5);
  });

  it('never holds more than its burst, however long it idles', () => {
    const c = clock();
    const b = new TokenBucket({ burst: 20, refillPerSecond: 1 }, c.now);
    c.advance(3_600_000);
    expect(takeAll(b, 100)).toBe(20);
  });

  it('is unaffected by a clock that steps back', () => {
    const c = clock();
    const b = new TokenBucket({ burst: 2, refillPerSecond: 1 }, c.now);
    takeAll(b, 2);
    c.advance(-5_000);
    expect(b.take()).toBe(false);
  });
});
