import type { Context } from 'hono';

/**
 * The client's address. Behind `trustedHops` proxies (an ALB is one), each appended the address it saw to
 * X-Forwarded-For, so the client is the entry that many places from the end; entries before it are the
 * caller's own claims and are ignored. Otherwise the socket's address; in-process requests share one bucket.
 */
export function clientAddress(c: Context, trustedHops = 0): string {
  if (trustedHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const client = forwarded[forwarded.length - trustedHops];
    if (client) return client;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
