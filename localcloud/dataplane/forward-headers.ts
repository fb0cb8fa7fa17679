import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/**
 * The request headers a target receives: the client's, less hop-by-hop ones (RFC 9110 §7.6.1),
 * plus what ALB adds (x-forwarded-headers.html): X-Forwarded-For appends the client's address to
 * any it sent ("append", the default mode), X-Forwarded-Proto and X-Forwarded-Port say how the
 * client reached the listener, and X-Amzn-Trace-Id is kept or started.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'upgrade',
  'expect', // node's server already answered 100-continue to the client
]);

const clientAddress = (req: IncomingMessage): string => {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
};

/** `Root=1-<epoch seconds, 8 hex>-<24 hex>`, the format ALB uses. */
function traceId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}

export function forwardHeaders(
  req: IncomingMessage,
  listenerPort: number,
  upgrade: boolean,
): OutgoingHttpHeaders {
  const connection = req.headers.connection;
  const named = connection
    ? connection
        .toLowerCase()
        .split(',')
        .map((s) => s.trim())
    : [];
  const out: OutgoingHttpHeaders = {};
  for (const key in req.headers) {
    const value = req.headers[key];
    if (value === undefined || HOP_BY_HOP.has(key) || (named.length > 0 && named.includes(key))) continue;
    out[key] = value;
  }
  const xff = req.headers['x-forwarded-for'];
  const client = clientAddress(req);
  out['x-forwarded-for'] = xff ? `${xff}, ${client}` : client;
  out['x-forwarded-proto'] = 'http';
  out['x-forwarded-port'] = String(listenerPort);
  if (!out['x-amzn-trace-id']) out['x-amzn-trace-id'] = traceId();
  if (upgrade && req.headers.upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = req.headers.upgrade;
  }
  return out;
}

/** Response headers for the client, raw (case and order kept), less hop-by-hop ones. */
export function responseHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'connection' || lower === 'keep-alive' || lower === 'proxy-connection') continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  return out;
}
