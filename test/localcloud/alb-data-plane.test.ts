import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorPage } from '../../localcloud/dataplane/alb-responses.js';
import { type AlbServer, type ProxyRoute, startAlbServer } from '../../localcloud/dataplane/alb-server.js';
import type { LoopbackEndpoint } from '../../localcloud/state.js';
import { closedPort, get, startTarget, type TestTarget } from '../support/loopback-target.js';

/**
 * The ALB listener's proxy over real sockets, with the route decided by a plain function (the
 * cloud's rules and target health are tested in alb-routing.test.ts).
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function target(handler: Parameters<typeof startTarget>[0]): Promise<TestTarget> {
  const t = await startTarget(handler);
  open.push(t);
  return t;
}

async function alb(route: (path: string) => ProxyRoute, idleTimeoutMs?: number): Promise<AlbServer> {
  const a = await startAlbServer({ host: '127.0.0.1', port: 0, resolve: route, idleTimeoutMs });
  open.push(a);
  return a;
}

/** What the echo target saw. */
interface Echo {
  method: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

const forward = (endpoint: LoopbackEndpoint) => (): ProxyRoute => ({ kind: 'forward', endpoint });

/** Resolves with the next chunk a response sends. */
const nextChunk = (res: IncomingMessage): Promise<string> =>
  new Promise((resolve) => res.once('data', (c: Buffer) => resolve(c.toString('utf8'))));

describe('ALB listener proxy', () => {
  it('forwards method, path, query and body, and adds the X-Forwarded headers as ALB does', async () => {
    const t = await target((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      });
    });
    const a = await alb(forward(t.endpoint));
    const seen = await new Promise<{ status: number; cookies: string[]; json: Echo }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: a.port,
          method: 'POST',
          path: '/abc/x?token=t',
          headers: { 'x-forwarded-for': '203.0.113.7', 'content-type': 'text/plain' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              cookies: res.headers['set-cookie'] ?? [],
              json: JSON.parse(body),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end('hello');
    });
    expect(seen.status).toBe(200);
    expect(seen.cookies).toEqual(['a=1', 'b=2']);
    expect(seen.json.method).toBe('POST');
    expect(seen.json.url).toBe('/abc/x?token=t');
    expect(seen.json.body).toBe('hello');
    expect(seen.json.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(seen.json.headers['x-forwarded-proto']).toBe('http');
    expect(seen.json.headers['x-forwarded-port']).toBe(String(a.port));
    expect(seen.json.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(seen.json.headers.host).toBe(a.address);
  });

  it('streams both bodies: the target answers the first part before the client sends the second', async () => {
    const t = await target((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.on('data', (c: Buffer) => res.write(`got:${c.toString('utf8')};`));
      req.on('end', () => res.end('done'));
    });
    const a = await alb(forward(t.endpoint));
    const req = request({ host: '127.0.0.1', port: a.port, method: 'POST', path: '/s', agent: false });
    req.flushHeaders();
    req.write('one');
    const res = await new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
    expect(await nextChunk(res)).toBe('got:one;');
    req.write('two');
    expect(await nextChunk(res)).toBe('got:two;');
    req.end();
    expect(await nextChunk(res)).toBe('done');
  });

  it('answers the route itself: a fixed response, or an ALB error page', async () => {
    const a = await alb((path) =>
      path === '/none'
        ? { kind: 'answer', answer: errorPage(503) }
        : { kind: 'answer', answer: { status: 404, contentType: 'text/plain', body: 'Not found' } },
    );
    const miss = await get(a.address, '/nothing?x=1');
    expect([miss.status, miss.body, miss.headers.server]).toEqual([404, 'Not found', 'awselb/2.0']);
    const none = await get(a.address, '/none');
    expect(none.status).toBe(503);
    expect(none.headers['content-type']).toBe('text/html');
    expect(none.body).toContain('<h1>503 Service Temporarily Unavailable</h1>');
  });

  it('answers 500 when routing itself fails, and keeps serving', async () => {
    let fail = true;
    const a = await alb(() => {
      if (fail) throw new Error('routing bug');
      return { kind: 'answer', answer: errorPage(503) };
    });
    expect((await get(a.address, '/x')).status).toBe(500);
    fail = false;
    expect((await get(a.address, '/x')).status).toBe(503);
  });

  it('answers 502 when the target refuses the connection', async () => {
    const a = await alb(forward(await closedPort()));
    const r = await get(a.address, '/x');
    expect(r.status).toBe(502);
    expect(r.body).toContain('<h1>502 Bad Gateway</h1>');
  });

  it('answers 502 when the target resets the connection with the request outstanding', async () => {
    const t = await target((req) => req.socket.destroy());
    const a = await alb(forward(t.endpoint));
    expect((await get(a.address, '/x')).status).toBe(502);
  });

  it('answers 504 when the target sends nothing within the idle timeout', async () => {
    const t = await target(() => {});
    const a = await alb(forward(t.endpoint), 150);
    const r = await get(a.address, '/slow');
    expect(r.status).toBe(504);
    expect(r.body).toContain('<h1>504 Gateway Time-out</h1>');
  });

  it('keeps connections to a target alive across requests', async () => {
    const sockets = new Set<Socket>();
    const t = await target((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const a = await alb(forward(t.endpoint));
    for (let i = 0; i < 5; i++) expect((await get(a.address, `/k${i}`)).body).toBe('ok');
    expect(sockets.size).toBe(1);
  });
});
