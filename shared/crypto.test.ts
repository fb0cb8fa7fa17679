import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeSealer } from './crypto.js';

describe('sealer', () => {
  const sealer = makeSealer(randomBytes(32).toString('base64'));

  it('round-trips and never contains the plaintext', () => {
    const sealed = sealer.seal('sk-ant-secret-value', 'abcdefghijkl');
    expect(sealed).not.toContain('sk-ant');
    expect(sealer.open(sealed, 'abcdefghijkl')).toBe('sk-ant-secret-value');
  });

  it('refuses a value sealed for another instance, or tampered with', () => {
    const sealed = sealer.seal('token', 'abcdefghijkl');
    expect(() => sealer.open(sealed, 'zzzzzzzzzzzz')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('forged').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'abcdefghijkl')).toThrow();
  });

  it('refuses another key', () => {
    const other = makeSealer(randomBytes(32).toString('base64'));
    expect(() => other.open(sealer.seal('x', 'abcdefghijkl'), 'abcdefghijkl')).toThrow();
  });

  it('never repeats an IV', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const sealed = sealer.seal('same-token', 'abcdefghijkl');
      ivs.add(sealed.split('.')[1]!);
      if (i % 97 === 0) expect(sealer.open(sealed, 'abcdefghijkl')).toBe('same-token');
    }
    expect(ivs.size).toBe(1000);
    for (const iv of ivs) expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
  });
});
