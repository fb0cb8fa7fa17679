import { describe, expect, it } from 'vitest';
import { makeRateLimiter, parseRateLimitsEnv } from './rate-limiter.js';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const allowed = (n: number, f: () => boolean) => Array.from({ length: n }, f).filter(Boolean).length;

describe('makeRateLimiter', () => {
  it('off never throttles', () => {
    const l = makeRateLimiter('off');
    expect(allowed(1000, () => l.allow('ecs:CreateService'))).toBe(1000);
    expect(l.throttles().total).toBe(0);
  });

  it('aws: operations of one family share its bucket (ECS service modify: 50, then 5/s)', () => {
    const c = clock();
    const l = makeRateLimiter('aws', c.now);
    expect(allowed(30, () => l.allow('ecs:CreateService'))).toBe(30);
    expect(allowed(30, () => l.allow('ecs:UpdateService'))).toBe(20);
    c.advance(1_000);
    expect(allowed(10, () => l.allow('ecs:DeleteService'))).toBe(5);
    expect(l.throttles()).toEqual({
      total: 15,
      byFamily: { 'ecs:service-modify': 15 },
      byOperation: { 'ecs:UpdateService': 10, 'ecs:DeleteService': 5 },
    });
  });

  it('aws: families are independent, and unlisted operations are not limited', () => {
    const c = clock();
    const l = makeRateLimiter('aws', c.now);
    allowed(100, () => l.allow('ecs:CreateService'));
    expect(l.allow('ecs:DescribeServices')).toBe(true);
    expect(allowed(1000, () => l.allow('logs:PutLogEvents'))).toBe(1000);
  });

  it('overrides replace a family and reject unknown names', () => {
    const c = clock();
    const l = makeRateLimiter(
      { overrides: { 'ecs:service-modify': { burst: 2, refillPerSecond: 1 } } },
      c.now,
    );
    expect(allowed(5, () => l.allow('ecs:CreateService'))).toBe(2);
    expect(() => makeRateLimiter({ overrides: { 'ecs:nope': { burst: 1, refillPerSecond: 1 } } })).toThrow(
      /unknown family/,
    );
  });

  it('parses LOCALCLOUD_RATE_LIMITS', () => {
    expect(parseRateLimitsEnv(undefined)).toBeUndefined();
    expect(parseRateLimitsEnv('aws')).toBe('aws');
    expect(() => parseRateLimitsEnv('on')).toThrow(/aws" or "off/);
  });
});
