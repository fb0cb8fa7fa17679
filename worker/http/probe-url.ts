import type { ProbeAnswer } from '../steps/reachable-verdict.js';

/** Redirects followed at most: an HTTP listener that sends everything to HTTPS is one. */
const MAX_REDIRECTS = 3;

/**
 * One `GET` of `url` with `Authorization: Bearer <token>`, answered as a status or an error code; it
 * never throws, so no network error can pass for a bug (a `TypeError: fetch failed`) in the saga.
 * `timeoutMs` bounds the whole request, redirects included. A redirect is followed only to the same
 * host (an ALB whose HTTP listener moves everything to HTTPS): the token goes nowhere else.
 */
export async function probeUrl(url: string, token: string, timeoutMs: number): Promise<ProbeAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
        signal,
      });
      // Only the status matters: drop the body so the connection goes back to the pool.
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      const next = location && isRedirect(response.status) ? new URL(location, current) : null;
      if (!next || next.hostname !== current.hostname || hop >= MAX_REDIRECTS) {
        return { kind: 'status', status: response.status };
      }
      current = next;
    }
  } catch (error) {
    return { kind: 'error', code: errorCode(error) };
  }
}

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

/**
 * The most specific name of a failed request: the socket's code (`ECONNREFUSED`, `ECONNRESET`,
 * `ENOTFOUND`, undici's `UND_ERR_SOCKET`) that fetch wraps in `cause`, or `Timeout`; without a code, the
 * cause's own short message (fetch refuses some ports with "bad port"). The token travels in a header,
 * which no fetch error quotes.
 */
export function errorCode(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; cause?: unknown } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'Timeout';
  const cause = e?.cause as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  const inner = cause?.cause as { code?: unknown } | undefined;
  if (typeof inner?.code === 'string') return inner.code;
  if (typeof e?.code === 'string') return e.code;
  if (typeof cause?.name === 'string' && cause.name !== 'Error') return cause.name;
  const message = (cause as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message !== '') return message.slice(0, 80);
  return typeof e?.name === 'string' ? e.name : 'UnknownError';
}
