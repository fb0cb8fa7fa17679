import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEventStream, makeResponseContract } from './response-contract.js';
import { makeTestApp, type TestApp } from './test-app.js';

const JSON_TYPE = 'application/json';
const error = (code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ error: { code, message: 'm', details: null, requestId: 'r', ...extra } });

/** The checker that every in-process API test runs on every response: it must be able to fail. */
describe('response contract checker', () => {
  let t: TestApp;
  let check: ReturnType<typeof makeResponseContract>;
  beforeAll(async () => {
    t = await makeTestApp();
    check = makeResponseContract(t.app);
  });
  afterAll(() => t.close());

  it('accepts a declared status whose body matches its schema', () => {
    expect(() =>
      check('GET', '/v1/instances/abcdefghijkl', 404, JSON_TYPE, error('not_found')),
    ).not.toThrow();
    expect(() =>
      check('PUT', '/v1/instances', 405, JSON_TYPE, error('method_not_allowed', { details: { allow: [] } })),
    ).not.toThrow();
  });

  it('refuses a field the schema does not declare, a code outside the enum, and a wrong type', () => {
    expect(() =>
      check('GET', '/v1/instances/abcdefghijkl', 404, JSON_TYPE, error('not_found', { hint: 'x' })),
    ).toThrow(/body\.error\.hint is not in the declared schema/);
    expect(() => check('GET', '/v1/instances/abcdefghijkl', 404, JSON_TYPE, error('no_such_code'))).toThrow(
      /does not match its schema/,
    );
    expect(() =>
      check('GET', '/v1/cost/projection', 200, JSON_TYPE, JSON.stringify({ users: '10', instances: 1 })),
    ).toThrow(/does not match its schema/);
  });

  it('refuses a status the operation does not declare', () => {
    expect(() => check('GET', '/v1/instances/abcdefghijkl', 409, JSON_TYPE, error('not_failed'))).toThrow(
      /declares no 409/,
    );
    expect(() => check('PUT', '/v1/instances', 200, JSON_TYPE, '{}')).toThrow(
      /declares no 200 for this method/,
    );
  });

  it('leaves paths outside the document alone', () => {
    expect(() => check('GET', '/dashboard', 200, 'text/html', '<html>')).not.toThrow();
  });

  it('checks each event of a stream by its name, and errors the stream at a bad one', async () => {
    const stream = (body: string) =>
      checkEventStream(
        '/signup/abcdefghijkl/events',
        new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
      ).text();
    const good = 'event: status\ndata: {"status":"provisioning","currentStep":"secret"}\n\n: heartbeat\n\n';
    await expect(stream(good)).resolves.toBe(good);
    await expect(
      stream('event: status\ndata: {"status":"queued","currentStep":null,"email":"a@b"}\n\n'),
    ).rejects.toThrow(/body\.email is not in the declared schema/);
    await expect(stream('event: surprise\ndata: {}\n\n')).rejects.toThrow(/event `surprise` is not declared/);
  });
});
