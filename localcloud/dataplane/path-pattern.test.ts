import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPathPattern, pathOf } from './path-pattern.js';

/** The reference: the pattern turned into an anchored regex, every other character literal. */
function referenceMatch(pattern: string, path: string): boolean {
  const source = [...pattern]
    .map((c) =>
      c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u').test(path);
}

describe('matchesPathPattern', () => {
  it.each([
    ['/abc/*', '/abc/', true],
    ['/abc/*', '/abc/x/y', true],
    ['/abc/*', '/abc', false],
    ['/abc', '/abc', true],
    ['/abc', '/abc/', false],
    ['/abc', '/ABC', false], // case-sensitive
    ['/a?c', '/abc', true],
    ['/a?c', '/ac', false],
    ['/a?c', '/abbc', false],
    ['*', '/', true],
    ['/*/b', '/x/y/b', true],
    ['/img/*.png', '/img/a/b.png', true],
    ['/img/*.png', '/img/a/b.jpg', false],
    ['/a**b', '/ab', true],
    ['', '/', false],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(matchesPathPattern(pattern, path)).toBe(expected);
    expect(referenceMatch(pattern, path)).toBe(expected);
  });

  it('agrees with a regex reference on random patterns and paths', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '.', '*', '?', 'A');
    const pattern = fc.array(alphabet, { maxLength: 10 }).map((cs) => cs.join(''));
    const path = fc
      .array(fc.constantFrom('a', 'b', '/', '.', 'A', '*', '?'), { maxLength: 14 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, path, (p, s) => matchesPathPattern(p, s) === referenceMatch(p, s)),
      { numRuns: 2000 },
    );
  });
});

describe('pathOf', () => {
  it('drops the query string, which path-pattern never sees', () => {
    expect(pathOf('/abc/x?token=/abc')).toBe('/abc/x');
    expect(pathOf('/abc')).toBe('/abc');
    expect(pathOf(undefined)).toBe('/');
  });
});
