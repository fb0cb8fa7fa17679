import type { AwsError } from './aws-error.js';

/**
 * Opaque offset tokens, as AWS hands out opaque NextToken/Marker strings. A token names the offset
 * and the list it belongs to, so a token from one listing is refused by another.
 */
export interface Page<T> {
  items: T[];
  next: string | undefined;
}

export function paginate<T>(
  all: readonly T[],
  token: string | undefined,
  max: number,
  scope: string,
  badToken: () => AwsError,
): Page<T> {
  let start = 0;
  if (token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const sep = decoded.lastIndexOf('|');
    const offset = Number(decoded.slice(sep + 1));
    if (sep < 0 || decoded.slice(0, sep) !== scope || !Number.isInteger(offset) || offset < 0)
      throw badToken();
    start = offset;
  }
  const end = start + max;
  const next = end < all.length ? Buffer.from(`${scope}|${end}`).toString('base64url') : undefined;
  return { items: all.slice(start, end), next };
}
