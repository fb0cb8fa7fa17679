import { describe, expect, it } from 'vitest';
import { failureFor, parseFailingImages } from './failing-images.js';
import { codeMatches } from './health-checks.js';

describe('failing images and health check matchers', () => {
  it('matches images by glob or /regex/, first rule wins, and refuses a malformed rule', () => {
    const rules = parseFailingImages('exit=ghcr.io/openclaw/gateway:bad-*, unhealthy=/:sick$/');
    expect(failureFor(rules, 'ghcr.io/openclaw/gateway:bad-7')).toBe('exit');
    expect(failureFor(rules, 'gw:sick')).toBe('unhealthy');
    expect(failureFor(rules, 'ghcr.io/openclaw/gateway:2026.11.1')).toBeUndefined();
    expect(failureFor(parseFailingImages('exit=a.b'), 'axb')).toBeUndefined();
    expect(parseFailingImages('')).toEqual([]);
    expect(() => parseFailingImages('explode=*')).toThrow(/exit=<pattern> or unhealthy=<pattern>/);
  });

  it('reads Matcher.HttpCode as codes, lists and ranges', () => {
    expect(codeMatches('200', 200)).toBe(true);
    expect(codeMatches('200', 204)).toBe(false);
    expect(codeMatches('200,202', 202)).toBe(true);
    expect(codeMatches('200-299', 250)).toBe(true);
    expect(codeMatches('200-299', 301)).toBe(false);
  });
});
