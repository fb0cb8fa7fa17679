import { describe, expect, it } from 'vitest';
import { idempotencyToken, serviceTokenScope } from './idempotency-token.js';

describe('idempotencyToken', () => {
  it('is the same for the same instance and purpose, and fits both AWS token formats', () => {
    const a = idempotencyToken('abcdefghijkl', 'service');
    expect(idempotencyToken('abcdefghijkl', 'service')).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // ECS clientToken: at most 36 characters; Secrets Manager ClientRequestToken: 32 to 64.
    expect(a.length).toBe(36);
  });

  it('differs across instances and purposes', () => {
    const tokens = new Set([
      idempotencyToken('abcdefghijkl', 'service'),
      idempotencyToken('abcdefghijkl', 'secret'),
      idempotencyToken('bbcdefghijkl', 'service'),
    ]);
    expect(tokens.size).toBe(3);
  });

  it("a service's token is stable across retries of one attempt and changes with the parameters or a new attempt", () => {
    const params = { serviceName: 'openclaw-abcdefghijkl', loadBalancers: [{ targetGroupArn: 'tg-1' }] };
    const token = (startedAt: string, p: unknown) =>
      idempotencyToken('abcdefghijkl', 'service', serviceTokenScope(startedAt, p));
    const first = token('2026-11-29T10:00:00.000Z', params);
    // A retry: the same attempt (startedAt kept) and the same parameters, rebuilt from scratch.
    expect(token('2026-11-29T10:00:00.000Z', JSON.parse(JSON.stringify(params)))).toBe(first);
    // A repair bound to a new target group, and a re-create after a delete by hand (a new attempt).
    const tokens = new Set([
      first,
      token('2026-11-29T10:00:00.000Z', { ...params, loadBalancers: [{ targetGroupArn: 'tg-2' }] }),
      token('2026-11-29T11:00:00.000Z', params),
    ]);
    expect(tokens.size).toBe(3);
    expect(first.length).toBe(36);
  });

  it('keeps the values earlier releases sent: an instance they created retries with the same tokens', () => {
    // sha256("openclaw:secret:abcdefghijkl") cut to a UUID's shape; rotations and the service add a scope.
    expect(idempotencyToken('abcdefghijkl', 'secret')).toBe('52cbcb00-7df3-2eb4-55b9-3910b996c07b');
    expect(idempotencyToken('abcdefghijkl', 'secret:1')).toBe('31fe18bc-5fc8-9396-8119-872a5013ea71');
    const scope = serviceTokenScope('2026-11-29T10:00:00.000Z', { serviceName: 'openclaw-abcdefghijkl' });
    expect(scope).toBe('2026-11-29T10:00:00.000Z:de4b53b6a5912e88');
    expect(idempotencyToken('abcdefghijkl', 'service', scope)).toBe('14793a10-ac7e-24f8-5c2c-f7cacf70043b');
    expect(serviceTokenScope(undefined, {})).toBe(':44136fa355b3678a');
  });
});
