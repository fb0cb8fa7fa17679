import { createServer, type IncomingMessage, type RequestListener, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LoopbackEndpoint } from '../../localcloud/state.js';

/** A real HTTP server on a random loopback port, standing in for a task's process in tests. */
export interface TestTarget {
  endpoint: LoopbackEndpoint;
  server: Server;
  close(): Promise<void>;
}

export async function startTarget(handler: RequestListener): Promise<TestTarget> {
  const server = createServer(handler);
  // Upgraded sockets leave the server's books; close() must still end them.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port },
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<LoopbackEndpoint> {
  const t = await startTarget(() => {});
  await t.close();
  return t.endpoint;
}

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One GET (or other bodyless request) through a fresh connection, body read whole. */
export function get(address: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
