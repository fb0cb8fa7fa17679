import { describe, expect, it } from 'vitest';
import { failureFor, parseFailingImages } from './failing-images.js';

describe('failing images', () => {
  it('matches images by glob or /regex/, first rule wins, and refuses a malformed rule', () => {
    const rules = parseFailingImages('exit=ghcr.io/openclaw/gateway:bad-*, unhealthy=/:sick$/');
    expect(failureFor(rules, 'ghcr.io/openclaw/gateway:bad-7')).toBe('exit');
    expect(failureFor(rules, 'gw:sick')).toBe('unhealthy');
    expect(failureFor(rules, 'ghcr.io/openclaw/gateway:2026.11.1')).toBeUndefined();
    expect(failureFor(parseFailingImages('exit=a.b'), 'axb')).toBeUndefined();
    expect(parseFailingImages('')).toEqual([]);
    expect(() => parseFailingImages('explode=*')).toThrow(/exit=<pattern> or unhealthy=<pattern>/);
  });
});
