import { ApiError } from '../api-error.js';

export interface StreamCaps {
  /** Open progress streams per client address, in this process. */
  perClient: number;
  /** Open progress streams in total, in this process. */
  total: number;
  /** A stream ends after this long; the page's EventSource reconnects (Last-Event-ID) and resumes. */
  maxMs: number;
  /** Lifetime of the stream token a verified link hands out. */
  tokenTtlSeconds: number;
}

export const DEFAULT_STREAM_CAPS: StreamCaps = {
  perClient: 4,
  total: 1000,
  maxMs: 5 * 60_000,
  tokenTtlSeconds: 3600,
};

/**
 * Counts this process's open signup streams per client and in total; past either cap, 429. The map
 * holds only clients with a stream open (entries leave at zero), so its size is bounded by `total`.
 */
export function makeStreamGate(caps: StreamCaps) {
  const open = new Map<string, number>();
  let total = 0;
  return {
    /** A release function for the stream just admitted, or a 429. */
    admit(client: string): () => void {
      const mine = open.get(client) ?? 0;
      if (mine >= caps.perClient || total >= caps.total) {
        throw new ApiError(
          429,
          'too_many_streams',
          mine >= caps.perClient
            ? 'Too many progress views open from your network; close one and try again'
            : 'Too many progress views are open right now; try again in a minute',
          { limit: mine >= caps.perClient ? caps.perClient : caps.total },
          { 'Retry-After': '10' },
        );
      }
      open.set(client, mine + 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (open.get(client) ?? 1) - 1;
        if (left <= 0) open.delete(client);
        else open.set(client, left);
      };
    },
    stats: () => ({ total, clients: open.size }),
  };
}
export type StreamGate = ReturnType<typeof makeStreamGate>;
