import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '../../shared/job-catalog.js';
import { instancesWithLiveJobs } from '../../worker/reconciler/live-jobs.js';
import { inventoryOf, RUNNING_ONCE } from '../support/cloud-inventory.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

/** Placement waits this long for a healthy target, so an instance stays `provisioning` while we look. */
const SLOW_HEALTH_MS = 2_500;
/** Everything as eager as it gets: any resource and any record counts as old enough. */
const EAGER = { graceMs: 1, staleJobMs: 1, unhealthyMs: 1 };

describe('reconciler: creates in flight and lost jobs', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline({ timing: { healthCheckMs: SLOW_HEALTH_MS } });
  });
  afterAll(async () => {
    await p?.close();
  });

  async function waitForPlacement(id: string) {
    await waitFor(
      async () => (await p.store.get(id))?.steps.placement.state === 'waiting',
      10_000,
      `${id} waiting in placement`,
    );
  }

  it('never touches a create in flight, even with every threshold at 1 ms', async () => {
    const { id } = await p.submit('in-flight');
    await waitForPlacement(id);
    for (let i = 0; i < 3; i++) {
      const report = await p.reconcile(EAGER);
      expect(report.actions.filter((a) => a.instanceId === id)).toEqual([]);
      expect((await p.store.get(id))?.status).toBe('provisioning');
    }
    const [record] = await p.waitForStatus([id], ['running'], 15_000);
    expect(record!.steps.placement.attempts).toBe(1);
    expect(inventoryOf(await p.inspect('state'), id)).toMatchObject(RUNNING_ONCE);
  });

  it('re-enqueues the create of a provisioning instance whose job was removed, and it finishes', async () => {
    const { id } = await p.submit('lost-job');
    await waitForPlacement(id);
    // The job is delayed between placement polls: stop the worker and take the job out of Redis.
    await p.stopWorker();
    const job = await p.instanceQueue.queue.getJob(jobIds.create(id, 1));
    expect(job).toBeTruthy();
    await job!.remove();
    expect((await instancesWithLiveJobs(p.instanceQueue.queue)).has(id)).toBe(false);
    expect((await p.store.get(id))?.status).toBe('provisioning');

    await p.startWorker();
    const report = await p.reconcile({ staleJobMs: 1 });
    expect(report.reenqueued).toBe(1);
    expect(report.actions).toEqual([
      expect.objectContaining({ kind: 'reenqueue', instanceId: id, applied: true }),
    ]);
    expect(await p.instanceQueue.queue.getJobState(jobIds.create(id, 2))).not.toBe('unknown');
    // A second run sees the new job and does nothing.
    expect((await p.reconcile({ staleJobMs: 1 })).reenqueued).toBe(0);

    const [record] = await p.waitForStatus([id], ['running'], 15_000);
    expect(record!.error).toBeNull();
    expect(inventoryOf(await p.inspect('state'), id)).toMatchObject(RUNNING_ONCE);
    expect(p.logLines.some((l) => l.includes(id) && l.includes('"action":"reenqueue"'))).toBe(true);
  });
});
