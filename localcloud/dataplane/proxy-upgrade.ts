import { type IncomingMessage, request } from 'node:http';
import type { Duplex } from 'node:stream';
import type { LoopbackEndpoint } from '../state.js';
import { errorPage, writeAnswer } from './alb-responses.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';
import type { ProxyContext } from './proxy-http.js';

/** Sockets handed over after a 101, which the HTTP server no longer tracks; close() ends them. */
export type UpgradedSockets = Set<Duplex>;

function head(statusLine: string, rawHeaders: readonly string[]): string {
  let out = `${statusLine}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${out}\r\n`;
}

/** Pipes two sockets both ways until either ends; ALB's idle timeout applies to the pair. */
function splice(a: Duplex, b: Duplex, idleTimeoutMs: number, live: UpgradedSockets): void {
  live.add(a);
  live.add(b);
  const end = () => {
    a.destroy();
    b.destroy();
    live.delete(a);
    live.delete(b);
  };
  for (const s of [a, b]) {
    s.on('error', end);
    s.on('close', end);
    // pipe() passes a half-close on; the side that ended is then closed too, so no pair stays half-open.
    s.on('end', () => s.end());
    if ('setTimeout' in s && typeof s.setTimeout === 'function') s.setTimeout(idleTimeoutMs, end);
  }
  a.pipe(b);
  b.pipe(a);
}

/**
 * A WebSocket (any HTTP/1.1 Upgrade) request: forwarded with its Upgrade headers; after the
 * target's 101 the two connections are piped as raw bytes. A target that answers something else
 * (a 401, say) has that answer relayed and the connection closed; failures answer 502/504 as for
 * plain requests.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  bufferedHead: Buffer,
  endpoint: LoopbackEndpoint,
  ctx: ProxyContext & { live: UpgradedSockets },
): void {
  const upstream = request({
    host: endpoint.host,
    port: endpoint.port,
    method: req.method,
    path: req.url,
    headers: forwardHeaders(req, ctx.listenerPort, true),
    agent: false,
  });
  let timedOut = false;
  let answered = false;
  upstream.setTimeout(ctx.idleTimeoutMs, () => {
    timedOut = true;
    upstream.destroy();
  });
  socket.on('error', () => upstream.destroy());
  upstream.on('upgrade', (upRes, upSocket, upHead) => {
    answered = true;
    upstream.setTimeout(0);
    socket.write(head(`HTTP/1.1 101 ${upRes.statusMessage || 'Switching Protocols'}`, upRes.rawHeaders));
    if (upHead.length > 0) socket.write(upHead);
    if (bufferedHead.length > 0) upSocket.write(bufferedHead);
    splice(socket, upSocket, ctx.idleTimeoutMs, ctx.live);
  });
  upstream.on('response', (upRes) => {
    answered = true;
    // The body is relayed decoded, so its framing headers go and the connection's close ends it.
    const headers = responseHeaders(upRes.rawHeaders).filter((_, i, all) => {
      const name = (i % 2 === 0 ? all[i] : all[i - 1])?.toLowerCase();
      return name !== 'transfer-encoding' && name !== 'content-length';
    });
    socket.write(
      head(`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}`, [...headers, 'Connection', 'close']),
    );
    upRes.pipe(socket);
    upRes.on('error', () => socket.destroy());
  });
  upstream.on('error', () => {
    if (answered) socket.destroy();
    else if (!socket.destroyed) writeAnswer(socket, errorPage(timedOut ? 504 : 502));
  });
  upstream.end();
}
