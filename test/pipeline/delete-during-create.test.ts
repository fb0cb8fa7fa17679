import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepId } from '../../shared/domain.js';
import { jobIds } from '../../shared/job-catalog.js';
import { inventoryOf, waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

describe('pipeline: a delete that arrives during the create wins', () => {
  let p: Pipeline;
  beforeAll(async () => {
    // Slow health checks keep creates in placement long enough to delete them there.
    p = await startPipeline({ timing: { healthCheckMs: 3_000 } });
  });
  afterAll(async () => {
    await p?.close();
  });

  async function waitForStep(id: string, reached: (steps: Record<StepId, { state: string }>) => boolean) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const r = await p.store.get(id);
      if (r && reached(r.steps)) return;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`instance ${id} never reached the expected step`);
  }

  it('ends deleted with nothing left in localcloud, whenever the delete comes', async () => {
    const atOnce = await p.submit('del-at-once');
    await p.remove(atOnce.id);

    const midway = await p.submit('del-midway');
    await waitForStep(midway.id, (s) => s.secret.state === 'done');
    await p.remove(midway.id);

    const placing = await p.submit('del-placing');
    await waitForStep(placing.id, (s) => s.placement.state === 'waiting');
    const before = inventoryOf(await p.inspect('state'), placing.id);
    expect(before).toMatchObject({ secrets: 1, targetGroups: 1, rules: 1, services: 1 });
    await p.remove(placing.id);

    const ids = [atOnce.id, midway.id, placing.id];
    await p.waitForStatus(ids, ['deleted'], 30_000);
    await waitUntilNothingLeft(() => p.inspect('state'), ids);

    // The create job of the instance deleted while placing ended quietly, not failed.
    const createJob = await p.instanceQueue.queue.getJob(jobIds.create(placing.id, 1));
    await expect.poll(async () => createJob?.getState(), { timeout: 10_000 }).toBe('completed');
    const finished = await p.instanceQueue.queue.getJob(jobIds.create(placing.id, 1));
    expect(finished?.returnvalue).toMatchObject({ superseded: true });
    // And nothing came back after the delete: a late create step does not recreate what was removed.
    await new Promise((r) => setTimeout(r, 300));
    await waitUntilNothingLeft(() => p.inspect('state'), ids, 1_000);
  });
});
