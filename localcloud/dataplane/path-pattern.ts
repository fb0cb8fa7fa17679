/**
 * ELBv2's path-pattern match: case-sensitive, `*` matches zero or more characters, `?` exactly one,
 * and the pattern must cover the whole path. Greedy with one backtrack point (the last `*`), so it
 * runs in O(pattern × path) at worst and builds no regex per request.
 */
export function matchesPathPattern(pattern: string, path: string): boolean {
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < path.length) {
    const c = pattern.charCodeAt(p);
    if (c === STAR) {
      star = p++;
      mark = s;
    } else if (p < pattern.length && (c === QUESTION || c === path.charCodeAt(s))) {
      p++;
      s++;
    } else if (star !== -1) {
      p = star + 1;
      s = ++mark;
    } else return false;
  }
  while (pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/** The path of a request target: what path-pattern is compared to (never the query string). */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
