import { afterEach, describe, expect, it } from 'vitest';
import { resourceNames } from '../../shared/naming.js';
import { type ChildWorker, spawnWorker } from '../support/child-worker.js';
import { waitFor } from '../support/wait-for.js';
import { callsPerResource, type RolloutWorld, startRolloutWorld, V2 } from './harness.js';

/**
 * A worker process killed with SIGKILL in the middle of a batch: another worker takes the rollout's job
 * over and finishes it from the checkpoints, registering each revision and updating each service once.
 */
describe('rollouts: a worker killed mid-rollout', () => {
  let w: RolloutWorld | undefined;
  const children: ChildWorker[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
    await w?.close();
    w = undefined;
  });

  it('resumes without a duplicate RegisterTaskDefinition or UpdateService for any instance', async () => {
    w = await startRolloutWorld({ noWorker: true, taskRuntime: 'in-process', asgMax: 20 });
    const first = spawnWorker(w.p.env);
    children.push(first);
    await first.ready();
    const fleet = await w.running(10, 'crash');
    await w.resetCalls();
    // Slow every AWS call a little, so the kill lands between a call and its checkpoint.
    await w.p.inspect('faults', { rules: [{ operation: '*', latencyMs: 40 }] });

    const started = await w.api('POST', '/v1/rollouts', { image: V2, canary: 1, batchSize: 5 });
    expect(started.status).toBe(202);
    await waitFor(
      async () => {
        const { body } = await w!.api('GET', `/v1/rollouts/${started.body.id}`);
        return (
          body.instances.some((i) => i.batch === 1 && i.state === 'updating') && body.state === 'running'
        );
      },
      { timeoutMs: 60_000, intervalMs: 10, what: 'an instance of the second batch being updated' },
    );
    const [, signal] = await first.kill('SIGKILL');
    expect(signal).toBe('SIGKILL');
    const midway = (await w.api('GET', `/v1/rollouts/${started.body.id}`)).body;
    expect(midway.totals.healthy).toBeLessThan(fleet.length);

    const second = spawnWorker(w.p.env);
    children.push(second);
    await second.ready();
    const done = await w.finished(started.body.id, 120_000);
    expect(done.state, done.reason ?? '').toBe('completed');
    expect(done.totals.healthy).toBe(fleet.length);
    const images = await w.serviceImages(fleet.map((i) => i.id));
    expect([...images.values()].every((image) => image === V2)).toBe(true);

    await w.p.inspect('faults', { rules: [] });
    const log = await w.callLog();
    const registered = callsPerResource(log, 'ecs:RegisterTaskDefinition');
    const updated = callsPerResource(log, 'ecs:UpdateService');
    for (const { id } of fleet) {
      const { taskFamily, serviceName } = resourceNames(id);
      expect(registered.get(taskFamily), `RegisterTaskDefinition of ${taskFamily}`).toBe(1);
      expect(updated.get(serviceName), `UpdateService of ${serviceName}`).toBe(1);
    }
  }, 240_000);
});
