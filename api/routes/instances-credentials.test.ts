import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import {
  auth,
  type CreatedBody,
  type ErrorBody,
  json,
  makeTestApp,
  read,
  type TestApp,
} from '../../test/api/test-app.js';
import { runToRunning } from '../../test/support/instance-status.js';

const ownKey = `sk-ant-api03-${'r'.repeat(30)}`;

/** PUT /v1/instances/{id}/credentials and GET .../deliveries at the HTTP edge (real Redis, no worker). */
describe('restoring lost credentials', () => {
  let t: TestApp;
  let id: string;
  let firstToken: string;
  beforeEach(async () => {
    t = await makeTestApp();
    const created = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
    });
    ({ id, gatewayToken: firstToken } = await read<CreatedBody>(created));
  });
  afterEach(() => t.close());

  const put = (body: BodyInit, instanceId = id, headers: Record<string, string> = json) =>
    t.app.request(`/v1/instances/${instanceId}/credentials`, { method: 'PUT', headers, body });
  /** What the reconciler does when it finds the secret gone. */
  const loseCredentials = async () => {
    await runToRunning(t.store, id);
    const record = (await t.store.get(id))!;
    await t.store.markCredentialsLost(id, { instance: record, reason: 'secret gone' });
  };

  it('refuses an instance whose credentials are not lost, and bad input, changing nothing', async () => {
    const notLost = await put('{}');
    expect(notLost.status).toBe(409);
    expect((await read<ErrorBody>(notLost)).error.code).toBe('credentials_not_lost');
    await loseCredentials();
    const before = await t.redis.hgetall(t.store.keys.instance(id));
    const jobs = await t.queue.getJobCountByTypes('waiting', 'delayed');
    const cases: [BodyInit, number, Record<string, string>?, string?][] = [
      [JSON.stringify({ anthropicApiKey: 'not-a-key-but-long-enough' }), 400],
      [JSON.stringify({ anthropicApiKey: ownKey, extra: 1 }), 400],
      ['{"anthropicApiKey": ', 400],
      [JSON.stringify({}), 415, { ...auth, 'content-type': 'text/plain' }],
      [JSON.stringify({}), 401, { 'content-type': 'application/json' }],
      [JSON.stringify({}), 404, json, 'aaaaaaaaaaaa'],
      [JSON.stringify({}), 400, json, 'Not-An-Id'],
    ];
    for (const [body, status, headers, instanceId] of cases) {
      const res = await put(body, instanceId ?? id, headers ?? json);
      expect(res.status, String(body)).toBe(status);
    }
    expect(await t.redis.hgetall(t.store.keys.instance(id))).toEqual(before);
    expect(await t.queue.getJobCountByTypes('waiting', 'delayed')).toBe(jobs);
  });

  it('seals a new token (shown once) and key, resets the saga from the secret step, enqueues the create', async () => {
    await loseCredentials();
    const res = await put(JSON.stringify({ anthropicApiKey: ownKey }));
    expect(res.status).toBe(202);
    const body = await read<CreatedBody>(res);
    expect(body).toMatchObject({ id, status: 'degraded', links: { self: `/v1/instances/${id}` } });
    expect(body.gatewayToken).not.toBe(firstToken);

    const record = (await t.store.get(id))!;
    expect(record.status).toBe('degraded');
    expect(record.error).toBeNull();
    expect(record.credentialsRotation).toBe(1);
    for (const step of STEP_IDS) expect(record.steps[step].state).toBe('pending');
    const sealed = (await t.store.sealedCredentials(id))!;
    expect(t.sealer.open(sealed.gatewayToken, id)).toBe(body.gatewayToken);
    expect(t.sealer.open(sealed.anthropicApiKey!, id)).toBe(ownKey);
    const [job] = await t.queue.getJobs(['waiting'], 0, 0);
    expect(job?.data).toMatchObject({ instanceId: id, reason: 'credentials restored' });
    const dump = await t.dump();
    expect(dump).not.toContain(body.gatewayToken);
    expect(dump).not.toContain(ownKey);

    // Nothing is lost any more: a second request gets no token.
    const again = await put('{}');
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).not.toContain(body.gatewayToken);
  });

  it('shows the logged events, with no endpoints configured, and 404 for an unknown instance', async () => {
    await loseCredentials();
    const res = await t.app.request(`/v1/instances/${id}/deliveries`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      instanceId: id,
      endpoints: [],
      events: [
        expect.objectContaining({ sequence: 1, type: 'instance.running' }),
        {
          id: `evt_${id}_2`,
          sequence: 2,
          type: 'instance.credentials_lost',
          timestamp: expect.any(String),
          data: {
            instanceId: id,
            userId: 'ada',
            status: 'degraded',
            reason: 'credentials_lost',
            step: 'secret',
          },
          deliveries: [],
        },
      ],
    });
    const missing = await t.app.request('/v1/instances/aaaaaaaaaaaa/deliveries', { headers: auth });
    expect(missing.status).toBe(404);
  });
});
