import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOnPipeline } from '../routing/api-on-pipeline.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { newWebhookSecret, type Receiver, startReceiver, waitUntil } from './receiver.js';

const API_TOKEN = 'routing-test-token-0123456789';

/**
 * Lifecycle webhooks through the whole system: the API creates and deletes, the worker's saga makes the
 * transitions, the webhook queue delivers them to real HTTP receivers, which verify each signature with
 * the `standardwebhooks` package. One receiver is always up; the other goes down (503, then a closed
 * port) and comes back.
 */
describe('lifecycle webhooks', () => {
  const secret = newWebhookSecret();
  let steady: Receiver;
  let flaky: Receiver;
  let p: Pipeline;
  let api: Awaited<ReturnType<typeof apiOnPipeline>>;
  const anthropicKey = `sk-ant-api03-webhook-test-${'x'.repeat(20)}`;

  beforeAll(async () => {
    [steady, flaky] = await Promise.all([startReceiver(secret), startReceiver(secret)]);
    p = await startPipeline({
      env: {
        WEBHOOK_URLS: `${steady.url()},${flaky.url('/other?token=receiver-own')}`,
        WEBHOOK_SECRET: secret,
        WEBHOOK_BACKOFF_BASE_MS: '50',
        WEBHOOK_BACKOFF_MAX_MS: '300',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_SWEEP_INTERVAL_MS: '300',
      },
    });
    api = await apiOnPipeline(p);
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
    await Promise.all([steady?.close(), flaky?.close()]);
  });

  const eventsOf = (r: Receiver, id: string) => r.accepted.filter((e) => e.data.instanceId === id);
  const auth = { Authorization: `Bearer ${API_TOKEN}` };

  it('sends running then deleted, signed, in order, with ids the receiver can deduplicate on', async () => {
    const created = await api.app.request('/v1/instances', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'hooked', email: 'hooked@example.test', anthropicApiKey: anthropicKey }),
    });
    expect(created.status).toBe(202);
    const { id, gatewayToken, url } = (await created.json()) as {
      id: string;
      gatewayToken: string;
      url: string;
    };
    await p.waitForStatus([id], ['running'], 30_000);
    expect((await api.remove(id)).status).toBe(202);
    await p.waitForStatus([id], ['deleted'], 30_000);
    for (const r of [steady, flaky]) {
      await waitUntil(() => eventsOf(r, id).length >= 2, 15_000, `both events of ${id} at a receiver`);
    }

    for (const r of [steady, flaky]) {
      const events = eventsOf(r, id);
      expect(events.map((e) => [e.type, e.sequence, e.id])).toEqual([
        ['instance.running', 1, `evt_${id}_1`],
        ['instance.deleted', 2, `evt_${id}_2`],
      ]);
      expect(events[0]!.data).toMatchObject({ instanceId: id, userId: 'hooked', status: 'running', url });
      expect(events[1]!.data).toMatchObject({ instanceId: id, status: 'deleted' });
      expectNoSecret(events, [gatewayToken, anthropicKey, p.env.DEFAULT_ANTHROPIC_API_KEY!]);
    }
    expect([...steady.rejected, ...flaky.rejected]).toEqual([]);

    const view = await api.app.request(`/v1/instances/${id}/deliveries`, { headers: auth });
    expect(view.status).toBe(200);
    const body = (await view.json()) as DeliveriesView;
    expect(body.endpoints.map((e) => e.origin)).toEqual([
      new URL(steady.url()).origin,
      new URL(flaky.url()).origin,
    ]);
    // The receiver's own token in its URL is never shown.
    expect(JSON.stringify(body)).not.toContain('receiver-own');
    for (const event of body.events) {
      for (const delivery of event.deliveries) {
        expect(delivery.state).toBe('delivered');
        expect(delivery.attempts.at(-1)).toMatchObject({
          outcome: 'delivered',
          statusCode: 204,
          error: null,
        });
      }
    }
  });

  it('delivers every event, in order, to a receiver that was down (503, then refusing) once it is back', async () => {
    flaky.unavailable();
    const { id, gatewayToken } = await p.submit('outage');
    await p.waitForStatus([id], ['running'], 30_000);
    await p.remove(id);
    await p.waitForStatus([id], ['deleted'], 30_000);
    // The steady endpoint is not held back by the other one's outage.
    await waitUntil(() => eventsOf(steady, id).length >= 2, 15_000, 'both events at the steady receiver');

    const attemptsAt = async (state: (a: Attempt) => boolean) => {
      const view = (await (
        await api.app.request(`/v1/instances/${id}/deliveries`, { headers: auth })
      ).json()) as DeliveriesView;
      const flakyKey = view.endpoints.find((e) => e.origin === new URL(flaky.url()).origin)!.key;
      return {
        view,
        flakyKey,
        count: view.events[0]!.deliveries.find((d) => d.endpoint === flakyKey)!.attempts.filter(state).length,
      };
    };
    await waitUntil(
      async () => (await attemptsAt((a) => a.statusCode === 503)).count >= 3,
      15_000,
      'three 503s',
    );
    await flaky.refuse();
    await waitUntil(
      async () => (await attemptsAt((a) => a.error === 'ECONNREFUSED')).count >= 2,
      15_000,
      'two refused connections',
    );
    expect(eventsOf(flaky, id)).toEqual([]);

    await flaky.accept();
    await waitUntil(() => eventsOf(flaky, id).length >= 2, 15_000, 'the backlog after the outage');
    expect(eventsOf(flaky, id).map((e) => [e.type, e.id])).toEqual([
      ['instance.running', `evt_${id}_1`],
      ['instance.deleted', `evt_${id}_2`],
    ]);
    expectNoSecret(eventsOf(flaky, id), [gatewayToken, p.env.DEFAULT_ANTHROPIC_API_KEY!]);

    const { view, flakyKey } = await attemptsAt(() => true);
    const first = view.events[0]!.deliveries.find((d) => d.endpoint === flakyKey)!;
    expect(first.state).toBe('delivered');
    expect(first.attempts.length).toBeGreaterThanOrEqual(6);
    expect(first.attempts.at(-1)).toMatchObject({ outcome: 'delivered', statusCode: 204 });
    expect(first.attempts.map((a) => a.attempt)).toEqual(first.attempts.map((_, i) => i + 1));
    // Nothing of the second event went out before the first was delivered.
    const second = view.events[1]!.deliveries.find((d) => d.endpoint === flakyKey)!;
    expect(second.state).toBe('delivered');
    expect(Date.parse(second.attempts[0]!.at)).toBeGreaterThanOrEqual(Date.parse(first.attempts.at(-1)!.at));
    console.info(
      `[webhooks] outage: ${first.attempts.length} attempts at event 1 before the receiver came back; both delivered in order`,
    );
  });

  it('sends failed with its step, code and reason, then running after a retry', async () => {
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:RegisterTaskDefinition', errorRate: 1, error: 'internal' }],
    });
    const { id } = await p.submit('fails-first');
    await p.waitForStatus([id], ['failed'], 30_000);
    await p.inspect('faults', { rules: [] });
    const retried = await api.app.request(`/v1/instances/${id}/retry`, { method: 'POST', headers: auth });
    expect(retried.status).toBe(202);
    await p.waitForStatus([id], ['running'], 30_000);
    await waitUntil(() => eventsOf(steady, id).length >= 2, 15_000, 'failed and running events');
    const [failed, running] = eventsOf(steady, id);
    expect(failed).toMatchObject({
      type: 'instance.failed',
      data: { status: 'failed', step: 'task-definition', code: 'InternalFailure' },
    });
    expect(failed!.data.reason).toBeTruthy();
    expect(running).toMatchObject({ type: 'instance.running', sequence: 2 });
  });

  it('delivers an event whose enqueue was lost (the process died right after its transition), by the sweep', async () => {
    const { id } = await p.submit('lost-enqueue');
    const [record] = await p.waitForStatus([id], ['running'], 30_000);
    await waitUntil(() => eventsOf(steady, id).length >= 1, 10_000, 'the running event');
    // The test's own store has no onLifecycleEvent: its transition logs the event and enqueues nothing,
    // exactly what a worker that died between the two leaves behind.
    const moved = await p.store.markDegraded(id, {
      instance: record!,
      reason: 'tested by hand',
      fromStep: 'service',
    });
    expect(moved.ok).toBe(true);
    for (const r of [steady, flaky]) {
      await waitUntil(() => eventsOf(r, id).length >= 2, 10_000, 'the swept event at each receiver');
      expect(eventsOf(r, id).map((e) => e.type)).toEqual(['instance.running', 'instance.degraded']);
    }
    await waitUntil(
      async () => (await p.ns.redis.zscore(p.store.keys.webhookOwed, id)) === null,
      5_000,
      'the instance to leave the owed set once every endpoint has everything',
    );
  });
});

interface Attempt {
  attempt: number;
  at: string;
  outcome: string;
  statusCode: number | null;
  error: string | null;
}
interface DeliveriesView {
  endpoints: { key: string; origin: string | null }[];
  events: {
    id: string;
    type: string;
    deliveries: { endpoint: string; state: string; attempts: Attempt[] }[];
  }[];
}

function expectNoSecret(events: { raw: string; headers: Record<string, string> }[], secrets: string[]) {
  for (const event of events) {
    const text = event.raw + JSON.stringify(event.headers);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}
