import { describe, expect, it } from 'vitest';
import { idempotencyToken } from './idempotency-token.js';

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
});
