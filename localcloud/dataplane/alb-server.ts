import { Agent, createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackEndpoint } from '../state.js';
import { type AlbAnswer, errorPage, sendAnswer, writeAnswer } from './alb-responses.js';
import { pathOf } from './path-pattern.js';
import { type ProxyContext, proxyHttp } from './proxy-http.js';
import { proxyUpgrade, type UpgradedSockets } from './proxy-upgrade.js';

/** What the listener does with one request: forward it to a target, or answer it itself. */
export type ProxyRoute =
  | { kind: 'forward'; endpoint: LoopbackEndpoint }
  | { kind: 'answer'; answer: AlbAnswer };

/** Decides a request's route from its path (query string removed) and the request itself. */
export type ResolveRoute = (path: string, req: IncomingMessage) => ProxyRoute;

export interface AlbServerOptions {
  host: string;
  /** 0 = a random free port. */
  port: number;
  resolve: ResolveRoute;
  /** ALB's connection idle timeout; default 60 s, as ALB's `idle_timeout.timeout_seconds`. */
  idleTimeoutMs?: number;
}

export interface AlbServer {
  port: number;
  /** `host:port`, reachable from this machine: what the load balancer's DNSName becomes. */
  address: string;
  close(): Promise<void>;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** One load balancer's HTTP listener on a real local port: node:http, a keep-alive agent, no framework. */
export async function startAlbServer(options: AlbServerOptions): Promise<AlbServer> {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 64 });
  const live: UpgradedSockets = new Set();
  const ctx: ProxyContext & { live: UpgradedSockets } = { agent, idleTimeoutMs, listenerPort: 0, live };
  // A routing bug must answer 500, not take localcloud down with it.
  const resolve = (req: IncomingMessage): ProxyRoute => {
    try {
      return options.resolve(pathOf(req.url), req);
    } catch (err) {
      console.error('localcloud: ALB routing failed', err);
      return { kind: 'answer', answer: errorPage(500) };
    }
  };
  const server = createServer((req, res) => {
    const route = resolve(req);
    if (route.kind === 'forward') proxyHttp(req, res, route.endpoint, ctx);
    else {
      req.resume();
      sendAnswer(res, route.answer);
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const route = resolve(req);
    if (route.kind === 'forward') proxyUpgrade(req, socket, head, route.endpoint, ctx);
    else writeAnswer(socket, route.answer);
  });
  // ALB keeps an idle client connection for the idle timeout and puts no limit on a slow body.
  server.keepAliveTimeout = idleTimeoutMs;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.listenerPort = port;
  // A wildcard listen address is reached through loopback; an IPv6 literal needs brackets in a URL.
  const bound = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const host = bound.includes(':') ? `[${bound}]` : bound;
  let closed: Promise<void> | undefined;
  return {
    port,
    address: `${host}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of live) s.destroy();
        live.clear();
        agent.destroy();
      });
      return closed;
    },
  };
}
