import { afterEach, describe, expect, it } from 'vitest';
import { inventoryOf } from '../support/cloud-inventory.js';
import { startOwnRedis } from '../support/own-redis.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { waitFor } from '../support/wait-for.js';

describe('pipeline: Redis restarted mid-run', () => {
  let p: Pipeline | undefined;
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
  afterEach(async () => {
    await p?.close();
    await redis?.close();
    p = undefined;
    redis = undefined;
  });

  it('loses no job: every instance still reaches running', async () => {
    redis = await startOwnRedis();
    p = await startPipeline({ redisUrl: redis.url, timing: { healthCheckMs: 1_500 } });
    await p.inspect('faults', { rules: [{ operation: '*', latencyMs: 20 }] });
    const ids = (await Promise.all(Array.from({ length: 10 }, (_, i) => p!.submit(`aof-${i}`)))).map(
      (m) => m.id,
    );

    // Restart while creates are spread over the saga: some half-way, some waiting for placement.
    await waitFor(
      async () => {
        const records = await Promise.all(ids.map((id) => p!.store.get(id)));
        return records.filter((r) => r?.steps.secret.state === 'done').length >= 3;
      },
      {
        timeoutMs: 20_000,
        intervalMs: 10,
        what: 'three instances past their secret step before the restart',
      },
    );
    const before = await Promise.all(ids.map((id) => p!.store.get(id)));
    expect(before.filter((r) => r?.status === 'running').length).toBeLessThan(ids.length);
    await redis.restart(500);

    const records = await p.waitForStatus(ids, ['running', 'failed'], 60_000);
    expect(records.filter((r) => r.status === 'failed').map((r) => r.error)).toEqual([]);
    await p.inspect('faults', { rules: [] });
    const state = await p.inspect('state');
    for (const id of ids) {
      expect(inventoryOf(state, id), id).toMatchObject({
        secrets: 1,
        targetGroups: 1,
        rules: 1,
        services: 1,
      });
    }
  }, 90_000);

  it('an outage longer than the command timeout: workers pause, resume, and every instance still runs', async () => {
    redis = await startOwnRedis();
    // The worker store's commands time out after 5 x 300 ms: this outage outlasts that several times.
    p = await startPipeline({
      redisUrl: redis.url,
      timing: { healthCheckMs: 1_500 },
      env: { REDIS_COMMAND_TIMEOUT_MS: '300' },
    });
    await p.inspect('faults', { rules: [{ operation: '*', latencyMs: 20 }] });
    const ids = (await Promise.all(Array.from({ length: 6 }, (_, i) => p!.submit(`long-${i}`)))).map(
      (m) => m.id,
    );
    await waitFor(
      async () => {
        const records = await Promise.all(ids.map((id) => p!.store.get(id)));
        return records.some((r) => r?.status === 'provisioning');
      },
      { timeoutMs: 20_000, intervalMs: 10, what: 'an instance provisioning before the outage' },
    );
    await redis.restart(5_000);

    const records = await p.waitForStatus(ids, ['running', 'failed'], 60_000);
    expect(records.filter((r) => r.status === 'failed').map((r) => r.error)).toEqual([]);
  }, 120_000);
});
