import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_TOKEN,
  auth,
  type ErrorBody,
  json,
  makeTestApp,
  read,
  type TestApp,
} from '../../test/api/test-app.js';

const valid = { userId: 'ada', email: 'ada@example.com' };

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  status: number;
  code: string;
}

/** Every bad input: a 4xx with the error shape, and neither a key written nor a job enqueued. */
const cases: Case[] = [
  { name: 'malformed JSON', body: '{"userId": "ada", ', status: 400, code: 'invalid_json' },
  { name: 'a JSON array', body: '[]', status: 400, code: 'invalid_body' },
  {
    name: 'wrong types',
    body: JSON.stringify({ userId: 5, email: true }),
    status: 400,
    code: 'invalid_body',
  },
  { name: 'a missing field', body: JSON.stringify({ userId: 'ada' }), status: 400, code: 'invalid_body' },
  {
    name: 'an unknown field',
    body: JSON.stringify({ ...valid, admin: true }),
    status: 400,
    code: 'invalid_body',
  },
  {
    name: 'a bad email',
    body: JSON.stringify({ ...valid, email: 'not-an-email' }),
    status: 400,
    code: 'invalid_body',
  },
  {
    name: 'an empty userId',
    body: JSON.stringify({ ...valid, userId: '' }),
    status: 400,
    code: 'invalid_body',
  },
  {
    name: 'userId with unsafe characters',
    body: JSON.stringify({ ...valid, userId: 'a b/../c' }),
    status: 400,
    code: 'invalid_body',
  },
  ...['.', '..', '...', '../etc', '.hidden', 'a..b', 'a/b', 'a\\b', '%2e%2e'].map((userId) => ({
    name: `path-like userId ${JSON.stringify(userId)}`,
    body: JSON.stringify({ ...valid, userId }),
    status: 400,
    code: 'invalid_body',
  })),
  {
    name: 'userId too long',
    body: JSON.stringify({ ...valid, userId: 'u'.repeat(129) }),
    status: 400,
    code: 'invalid_body',
  },
  {
    name: 'a key of the wrong form',
    body: JSON.stringify({ ...valid, anthropicApiKey: 'hunter2-but-longer-than-twenty' }),
    status: 400,
    code: 'invalid_body',
  },
  {
    name: 'a key too short',
    body: JSON.stringify({ ...valid, anthropicApiKey: 'sk-ant-x' }),
    status: 400,
    code: 'invalid_body',
  },
  { name: 'an empty JSON body', body: '', status: 400, code: 'invalid_json' },
  { name: 'no body and no content type', headers: auth, status: 400, code: 'invalid_body' },
  {
    name: 'a body over MAX_BODY_BYTES',
    body: JSON.stringify({ ...valid, pad: 'x'.repeat(4096) }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a chunked body over MAX_BODY_BYTES (no content-length)',
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a text/plain body',
    headers: { ...auth, 'content-type': 'text/plain' },
    body: JSON.stringify(valid),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no token',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(valid),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a wrong token',
    headers: { 'content-type': 'application/json', Authorization: `Bearer ${API_TOKEN}x` },
    body: JSON.stringify(valid),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a non-bearer scheme',
    headers: { 'content-type': 'application/json', Authorization: `Basic ${API_TOKEN}` },
    body: JSON.stringify(valid),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a bad id on GET',
    method: 'GET',
    path: '/v1/instances/NOT-AN-ID',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'a too-long id on DELETE',
    method: 'DELETE',
    path: `/v1/instances/${'a'.repeat(13)}`,
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'a bad id on retry',
    method: 'POST',
    path: '/v1/instances/abc/retry',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'a bad id on events',
    method: 'GET',
    path: '/v1/instances/ABCDEFGHIJKL/events',
    status: 400,
    code: 'invalid_id',
  },
  { name: 'limit 0', method: 'GET', path: '/v1/instances?limit=0', status: 400, code: 'invalid_query' },
  { name: 'limit 101', method: 'GET', path: '/v1/instances?limit=101', status: 400, code: 'invalid_query' },
  {
    name: 'limit not a number',
    method: 'GET',
    path: '/v1/instances?limit=ten',
    status: 400,
    code: 'invalid_query',
  },
  {
    name: 'an unknown status',
    method: 'GET',
    path: '/v1/instances?status=exploded',
    status: 400,
    code: 'invalid_query',
  },
  {
    name: 'an unknown query parameter',
    method: 'GET',
    path: '/v1/instances?owner=me',
    status: 400,
    code: 'invalid_query',
  },
  {
    name: 'a forged cursor',
    method: 'GET',
    path: '/v1/instances?cursor=Zm9vOmJhcg',
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: 'no token on GET',
    method: 'GET',
    path: '/v1/instances',
    headers: {},
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'no token on DELETE',
    method: 'DELETE',
    path: '/v1/instances/aaaaaaaaaaaa',
    headers: {},
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'no token on events',
    method: 'GET',
    path: '/v1/instances/aaaaaaaaaaaa/events',
    headers: {},
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'an unknown /v1 route without token',
    method: 'GET',
    path: '/v1/secrets',
    headers: {},
    status: 401,
    code: 'unauthorized',
  },
];

describe('bad input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
    // A live instance, so deletes and retries on the wrong id have something they must not touch.
    const res = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ userId: 'existing', email: 'existing@example.com' }),
    });
    expect(res.status).toBe(202);
  });
  afterEach(() => t.close());

  it.each(cases)('$name -> $status $code, nothing written or enqueued', async (c) => {
    const keysBefore = await t.keys();
    const dumpBefore = await t.dump();
    const jobsBefore = await t.queue.getJobCounts();
    const method = c.method ?? 'POST';
    const res = await t.app.request(c.path ?? '/v1/instances', {
      method,
      headers: c.headers ?? json,
      ...(c.body !== undefined ? { body: c.body, duplex: 'half' } : {}),
    } as RequestInit);
    expect(res.status).toBe(c.status);
    const body = await read<ErrorBody>(res);
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message', 'requestId']);
    expect(body.error).toMatchObject({
      code: c.code,
      message: expect.any(String),
      requestId: expect.any(String),
    });
    expect(res.headers.get('X-Request-Id')).toBe(body.error.requestId);
    if (c.status === 401) expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect(await t.keys()).toEqual(keysBefore);
    expect(await t.dump()).toEqual(dumpBefore);
    expect(await t.queue.getJobCounts()).toEqual(jobsBefore);
  });

  it('names every failing field in details', async () => {
    const res = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ userId: 7, extra: 1 }),
    });
    const body = await read<ErrorBody>(res);
    const issues = (body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['userId', 'email']));
    expect(JSON.stringify(body)).toMatch(/extra/);
  });

  it('never echoes a rejected key back', async () => {
    const secretish = 'sk-ant-short';
    const res = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...valid, anthropicApiKey: secretish }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(secretish);
  });
});
