import { describe, expect, it } from 'vitest';
import { makeRedactor, REDACTED } from './redaction.js';

const token = 'Qm9vdHN0cmFwLXRva2VuLWZvci10ZXN0cy0wMTIzNDU';
const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';

describe('log redaction', () => {
  it('replaces the instance secrets wherever they appear, and any Anthropic-shaped key', () => {
    const redact = makeRedactor([token, key]);
    expect(redact(`GET /x?token=${token} 200`)).toBe(`GET /x?token=${REDACTED} 200`);
    expect(redact(`key=${key}; other=sk-ant-zzzzzzzzzzzzzzzzzzzz`)).toBe(
      `key=${REDACTED}; other=${REDACTED}`,
    );
    expect(redact('GET /health 200')).toBe('GET /health 200');
  });

  it('replaces token-shaped strings too: a replaced token, or a deleted instance whose secret is gone', () => {
    const rotatedAway = 'T2xkLXRva2VuLWJlZm9yZS10aGUtcm90YXRpb24tMDE';
    expect(makeRedactor([token])(`Bearer ${rotatedAway}`)).toBe(`Bearer ${REDACTED}`);
    const redact = makeRedactor(null);
    expect(redact(`Authorization: Bearer ${token}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact('GET /k3v7q2mzx4ab/health 200')).toBe('GET /k3v7q2mzx4ab/health 200');
  });
});
