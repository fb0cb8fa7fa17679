import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUrl } from './probe-url.js';

const TOKEN = 'tok-probe-test';
let server: Server;
let base: string;
let port: number;
const seen: { path: string; authorization?: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  seen.push({
    path: req.url ?? '',
    ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
  });
  switch (req.url) {
    case '/id/health':
      res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401).end('{}');
      return;
    case '/moved':
      res.writeHead(301, { location: '/id/health' }).end();
      return;
    case '/elsewhere':
      // Another host name for the same server: the token must not follow.
      res.writeHead(302, { location: `http://localhost:${port}/id/health` }).end();
      return;
    case '/reset':
      req.socket.destroy();
      return;
    case '/silent':
      return; // never answers
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('probeUrl', () => {
  it('answers the status, sending the token as a bearer', async () => {
    expect(await probeUrl(`${base}/id/health`, TOKEN, 2_000)).toEqual({ kind: 'status', status: 200 });
    expect(await probeUrl(`${base}/id/health`, 'wrong', 2_000)).toEqual({ kind: 'status', status: 401 });
    expect(await probeUrl(`${base}/nothing`, TOKEN, 2_000)).toEqual({ kind: 'status', status: 404 });
  });

  it('follows a redirect on the same host with the token', async () => {
    expect(await probeUrl(`${base}/moved`, TOKEN, 2_000)).toEqual({ kind: 'status', status: 200 });
  });

  it('does not follow a redirect to another host: the token stays home', async () => {
    seen.length = 0;
    expect(await probeUrl(`${base}/elsewhere`, TOKEN, 2_000)).toEqual({ kind: 'status', status: 302 });
    expect(seen.map((s) => s.path)).toEqual(['/elsewhere']);
  });

  it('names a refused connection, a reset and a timeout by code, never throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    expect(await probeUrl(`http://127.0.0.1:${closedPort}/id/health`, TOKEN, 2_000)).toEqual({
      kind: 'error',
      code: 'ECONNREFUSED',
    });
    const reset = await probeUrl(`${base}/reset`, TOKEN, 2_000);
    expect(reset.kind).toBe('error');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain((reset as { code: string }).code);
    expect(await probeUrl(`${base}/silent`, TOKEN, 200)).toEqual({ kind: 'error', code: 'Timeout' });
  });

  it("says why fetch refused to ask (a port the Fetch standard blocks), not just 'TypeError'", async () => {
    expect(await probeUrl('http://127.0.0.1:1/id/health', TOKEN, 2_000)).toEqual({
      kind: 'error',
      code: 'bad port',
    });
  });
});
