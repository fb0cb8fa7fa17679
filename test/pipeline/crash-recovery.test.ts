import { afterEach, describe, expect, it } from 'vitest';
import { type ChildWorker, spawnWorker } from '../support/child-worker.js';
import { inventoryOf, RUNNING_ONCE } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { waitFor } from '../support/wait-for.js';

describe('pipeline: worker processes', () => {
  let p: Pipeline | undefined;
  const children: ChildWorker[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
    await p?.close();
    p = undefined;
  });

  it('finishes every instance with no duplicate resource after a worker is killed with SIGKILL mid-saga', async () => {
    p = await startPipeline({ noWorker: true, asgMax: 10 });
    // Slow every AWS call a little, so the kill lands in the middle of steps.
    await p.inspect('faults', { rules: [{ operation: '*', latencyMs: 40 }] });
    const first = spawnWorker(p.env);
    children.push(first);
    await first.ready();
    const ids = (await Promise.all(Array.from({ length: 10 }, (_, i) => p!.submit(`crash-${i}`)))).map(
      (m) => m.id,
    );

    // Kill once some instances are half-way and none is finished.
    const records = await waitFor(
      async () => {
        const records = await Promise.all(ids.map((id) => p!.store.get(id)));
        const started = records.filter((r) => r?.steps['task-definition'].state === 'done').length;
        return started >= 3 && records;
      },
      {
        timeoutMs: 20_000,
        intervalMs: 10,
        what: 'three instances half-way (task definition done) before the kill',
      },
    );
    expect(records.some((r) => r?.status !== 'running')).toBe(true);
    const [, signal] = await first.kill('SIGKILL');
    expect(signal).toBe('SIGKILL');
    const midway = await Promise.all(ids.map((id) => p!.store.get(id)));
    expect(midway.filter((r) => r?.status === 'running').length).toBeLessThan(ids.length);

    const second = spawnWorker(p.env);
    children.push(second);
    await second.ready();
    await p.waitForStatus(ids, ['running'], 60_000);
    await p.inspect('faults', { rules: [] });
    const state = await p.inspect('state');
    for (const id of ids) {
      expect(inventoryOf(state, id), id).toMatchObject(RUNNING_ONCE);
    }

    // SIGTERM: the restarted worker stops cleanly and exits 0.
    const [code] = await second.kill('SIGTERM');
    expect(code).toBe(0);
    expect(second.output.join('')).toContain('worker stopped');
  }, 90_000);

  it('exits 1 with one clear line on a configuration error or a Redis that does not answer', async () => {
    const badConfig = spawnWorker({ REDIS_URL: 'redis://127.0.0.1:6379' });
    children.push(badConfig);
    const [code] = await badConfig.exited;
    expect(code).toBe(1);
    expect(badConfig.output.join('').trim().split('\n')).toHaveLength(1);
    expect(badConfig.output.join('')).toMatch(/configuration error: \w+/);

    p = await startPipeline({ noWorker: true });
    const noRedis = spawnWorker({ ...p.env, REDIS_URL: 'redis://127.0.0.1:1' });
    children.push(noRedis);
    const [code2] = await noRedis.exited;
    expect(code2).toBe(1);
    expect(noRedis.output.join('')).toMatch(/Redis is not answering at redis:\/\/127\.0\.0\.1:1/);
  });
});
