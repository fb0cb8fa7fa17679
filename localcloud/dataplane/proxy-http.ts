import { type Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { LoopbackEndpoint } from '../state.js';
import { errorPage, sendAnswer } from './alb-responses.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';

export interface ProxyContext {
  agent: Agent;
  /** ALB's idle timeout: no byte from the target for this long answers 504. */
  idleTimeoutMs: number;
  /** The port the client connected to, for X-Forwarded-Port. */
  listenerPort: number;
}

const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * Forwards one request to a target and streams both bodies (pipe, no buffering). Errors before the
 * target's response head answer as ALB does (troubleshooting, "HTTP 502" / "HTTP 504"): 502 when the
 * target refuses, resets or closes the connection with the request outstanding, 504 when it sends
 * nothing within the idle timeout. After the head, a failure can only cut the client's connection.
 */
export function proxyHttp(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: LoopbackEndpoint,
  ctx: ProxyContext,
  retried = false,
): void {
  const withBody = hasBody(req);
  const upstream = request({
    host: endpoint.host,
    port: endpoint.port,
    method: req.method,
    path: req.url,
    headers: forwardHeaders(req, ctx.listenerPort, false),
    agent: ctx.agent,
  });
  let timedOut = false;
  let clientGone = false;
  upstream.setTimeout(ctx.idleTimeoutMs, () => {
    timedOut = true;
    upstream.destroy();
  });
  upstream.on('response', (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, responseHeaders(upRes.rawHeaders));
    upRes.pipe(res);
    upRes.on('error', () => res.destroy());
    upRes.on('aborted', () => res.destroy());
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A kept-alive connection the target closed just as it was reused: the request never reached
    // the target, so a bodyless request is sent once more on a fresh connection (Node's advice).
    if (!retried && !withBody && !timedOut && upstream.reusedSocket && err.code === 'ECONNRESET') {
      proxyHttp(req, res, endpoint, ctx, true);
      return;
    }
    if (!clientGone) sendAnswer(res, errorPage(timedOut ? 504 : 502));
  });
  res.on('close', () => {
    if (res.writableFinished) return;
    clientGone = true;
    upstream.destroy();
  });
  if (withBody) req.pipe(upstream);
  else upstream.end();
}
