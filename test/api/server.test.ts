import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/start-api.js';
import type { ApiConfig } from '../../shared/config.js';
import { redactedPaths } from '../../shared/logger.js';
import { makeInstanceStore } from '../../shared/store/instance-store.js';
import { runToRunning } from '../support/instance-status.js';
import { makeTestNamespace } from '../support/redis-namespace.js';
import { settles, waitFor } from '../support/wait-for.js';
import { sseReader } from './sse-reader.js';
import { adminAuth, type CreatedBody, json, read, testConfig } from './test-app.js';

const KEY = 'sk-ant-api03-THROUGHTHEWIRE_0123456789abcdef';

describe('the API through a real listening server', () => {
  let ns: ReturnType<typeof makeTestNamespace>;
  let config: ApiConfig;
  let api: RunningApi;
  let lines: string[];

  beforeEach(async () => {
    ns = makeTestNamespace();
    config = testConfig(ns.prefix);
    lines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'info', redact: { paths: redactedPaths, censor: '[redacted]' } }, sink);
    api = await startApi(config, { logger, port: 0, heartbeatMs: 100 });
  });
  afterEach(async () => {
    await api.close();
    await ns.cleanup();
  });

  it('creates, streams progress over HTTP, and logs the request id with no secret in any line', async () => {
    const res = await fetch(`${api.url}/v1/instances`, {
      method: 'POST',
      headers: { ...json, 'X-Request-Id': 'wire-request-0001' },
      body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', anthropicApiKey: KEY }),
    });
    expect(res.status).toBe(202);
    const created = await read<CreatedBody>(res);

    const stream = await fetch(`${api.url}${created.links.events}`, { headers: json });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const events = sseReader(stream);
    expect(await events.nextEvent()).toMatchObject({ event: 'snapshot', data: { id: created.id } });
    const store = makeInstanceStore(ns.redis, { prefix: ns.prefix, routing: config.routing });
    await store.recordStep(created.id, 'secret', { state: 'running', attempts: 1 }, 'provisioning');
    expect(await events.nextEvent()).toMatchObject({ event: 'step', data: { step: { id: 'secret' } } });
    await runToRunning(store, created.id);
    expect(await events.nextEvent()).toMatchObject({ event: 'status', data: { status: 'provisioning' } });
    expect(await events.nextEvent()).toMatchObject({ event: 'status', data: { status: 'running' } });
    expect(await events.nextEvent()).toBeNull();

    const access = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(access).toContainEqual(
      expect.objectContaining({
        requestId: 'wire-request-0001',
        method: 'POST',
        path: '/v1/instances',
        status: 202,
      }),
    );
    expect(lines.some((l) => l.includes('wire-request-0001') && l.includes(created.id))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(created.gatewayToken);
    expect(all).not.toContain(config.API_TOKEN.reveal());
  });

  it('guards /v1 and the admin pages over HTTP', async () => {
    expect((await fetch(`${api.url}/v1/instances`)).status).toBe(401);
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/dashboard']) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toMatch(/^Basic/);
    }
    const board = await fetch(`${api.url}/admin/queues`, { headers: adminAuth });
    expect(board.status).toBe(200);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it('answers a body over MAX_BODY_BYTES with 413 over the wire, chunked or not', async () => {
    const big = JSON.stringify({ userId: 'x', email: 'x@example.com', pad: 'p'.repeat(10_000) });
    const res = await fetch(`${api.url}/v1/instances`, { method: 'POST', headers: json, body: big });
    expect(res.status).toBe(413);
    const chunked = await fetch(`${api.url}/v1/instances`, {
      method: 'POST',
      headers: json,
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await ns.redis.keys(`${ns.prefix}:inst:*`)).length).toBe(0);
  });

  it('lets go of the Redis channel when a browser disconnects mid-stream', async () => {
    const created = await read<CreatedBody>(
      await fetch(`${api.url}/v1/instances`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId: 'cy', email: 'cy@example.com' }),
      }),
    );
    const controller = new AbortController();
    const res = await fetch(`${api.url}${created.links.events}`, {
      headers: json,
      signal: controller.signal,
    });
    await sseReader(res).nextEvent();
    const channel = `${ns.prefix}:events:${created.id}`;
    const subscribers = async () =>
      Number(((await ns.redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    expect(await subscribers()).toBe(1);
    controller.abort();
    await waitFor(async () => (await subscribers()) === 0, {
      what: 'the API to drop its Redis subscription once the client went',
    });
  });

  it('closes promptly while an event stream is still open', async () => {
    const created = await read<CreatedBody>(
      await fetch(`${api.url}/v1/instances`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ userId: 'bob', email: 'bob@example.com' }),
      }),
    );
    const events = sseReader(await fetch(`${api.url}${created.links.events}`, { headers: json }));
    await events.nextEvent();
    // Without ending it, close() would wait for the stream as long as its instance stays queued (for ever
    // here). The events, not a duration: the server itself ends the open stream, and close() returns.
    const closing = api.close();
    const ended = await events.nextEvent(10_000).then(
      (frame) => (frame === null ? 'ended' : `another frame: ${JSON.stringify(frame)}`),
      (err: Error) => (err.message.startsWith('timed out') ? 'still open after 10 s' : 'ended'),
    );
    expect(ended, 'the open event stream, once close() is called').toBe('ended');
    await settles(closing, { what: 'api.close() to return with an event stream open' });
  });
});

describe('api/main.ts at start', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('stops with one line naming a missing setting', async () => {
    const { code, stderr } = await run({});
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Configuration error: /);
  });

  it('stops with one line when Redis does not answer', async () => {
    const { code, stderr } = await run({
      REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
      API_TOKEN: 'a-token-of-enough-length',
      ADMIN_PASSWORD: 'password1',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      ALB_LISTENER_ARN: 'arn:listener',
      ALB_DNS_NAME: 'alb.test',
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Redis is not answering at redis://:***@127.0.0.1:1: start one with `redis-server` or set REDIS_URL',
    );
  });
});
