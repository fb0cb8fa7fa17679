import { type IncomingMessage, request } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlbServer, startAlbServer } from '../../localcloud/dataplane/alb-server.js';
import type { LoopbackEndpoint } from '../../localcloud/state.js';
import { startTarget, type TestTarget } from '../support/loopback-target.js';

/** WebSocket upgrades through the ALB listener: the 101, then raw bytes both ways. */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

/** Target-side upgraded sockets, to see them close. */
const upgraded: Duplex[] = [];

/** A target that accepts an upgrade on /ws (echoing bytes back upper-cased) and refuses others with 401. */
async function echoTarget(): Promise<TestTarget> {
  const t = await startTarget((_req, res) => res.end('plain'));
  t.server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (req.url !== '/ws') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nunauthorized');
      return;
    }
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `X-Seen-Forwarded-For: ${req.headers['x-forwarded-for']}\r\n\r\n`,
    );
    upgraded.push(socket);
    socket.on('end', () => socket.end()); // as a WebSocket server does when its peer closes
    socket.on('data', (c: Buffer) => socket.write(c.toString('utf8').toUpperCase()));
  });
  open.push(t);
  return t;
}

async function alb(endpoint: LoopbackEndpoint): Promise<AlbServer> {
  const a = await startAlbServer({
    host: '127.0.0.1',
    port: 0,
    resolve: () => ({ kind: 'forward', endpoint }),
  });
  open.push(a);
  return a;
}

function upgrade(a: AlbServer, path: string): Promise<{ res: IncomingMessage; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: a.port,
      path,
      headers: { connection: 'Upgrade', upgrade: 'websocket' },
      agent: false,
    });
    req.on('upgrade', (res, socket) => resolve({ res, socket }));
    req.on('response', (res) => resolve({ res }));
    req.on('error', reject);
    req.end();
  });
}

describe('ALB listener WebSocket upgrades', () => {
  it('passes the upgrade through and pipes bytes both ways after the 101', async () => {
    const a = await alb((await echoTarget()).endpoint);
    const { res, socket } = await upgrade(a, '/ws');
    expect(res.statusCode).toBe(101);
    expect(res.headers['x-seen-forwarded-for']).toBe('127.0.0.1');
    if (!socket) throw new Error('no upgraded socket');
    const echoed = new Promise<string>((resolve) =>
      socket.once('data', (c: Buffer) => resolve(c.toString())),
    );
    socket.write('hello gateway');
    expect(await echoed).toBe('HELLO GATEWAY');
    // The client going away closes the target's side too.
    const targetSide = upgraded.at(-1);
    const targetClosed = new Promise<void>((resolve) => targetSide?.once('close', () => resolve()));
    socket.destroy();
    await targetClosed;
  });

  it("relays a target's refusal (401) instead of upgrading", async () => {
    const a = await alb((await echoTarget()).endpoint);
    const { res, socket } = await upgrade(a, '/other');
    expect(socket).toBeUndefined();
    expect(res.statusCode).toBe(401);
    let body = '';
    for await (const c of res) body += c;
    expect(body).toBe('unauthorized');
  });

  it('close() ends upgraded connections too', async () => {
    const a = await alb((await echoTarget()).endpoint);
    const { socket } = await upgrade(a, '/ws');
    if (!socket) throw new Error('no upgraded socket');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await a.close();
    await closed;
  });
});
