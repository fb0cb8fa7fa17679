import { makeKeys } from '../../shared/store/keys.js';
import { missing } from '../support/components.js';
import type { Figure, FigureRun } from '../support/figure.js';
import { startPipeline, submitCreates } from '../support/pipeline.js';
import type { BenchNamespace } from '../support/redis-namespace.js';
import { readRssMb, sampleRss } from '../support/rss.js';

const INSTANCES = Number(process.env.BENCH_MEMORY_N ?? 500);
const TIMEOUT_MS = 60_000;

/** How many of the instances have reached the placement step (where they wait for capacity). */
async function waitingCount(ns: BenchNamespace, ids: string[]): Promise<number> {
  const keys = makeKeys(ns.prefix);
  const pipe = ns.redis.pipeline();
  for (const id of ids) pipe.hget(keys.instance(id), 'currentStep');
  return ((await pipe.exec()) ?? []).filter(([, step]) => step === 'placement').length;
}

/**
 * Figure 5: RSS of the worker process while N instances wait for an EC2 instance that never comes
 * (launch delay 10 minutes), and of the API process after the N-signup burst; each next to the same
 * process's RSS idle, just after start.
 */
export const memory: Figure = {
  id: 5,
  name: 'memory',
  sizes: `${INSTANCES} creates waiting for capacity (launch 10 min), worker and API as their own processes, VmRSS from /proc`,
  unavailable: async () => missing('api/main.ts', 'worker/main.ts', 'localcloud/index.ts'),
  async run(runIndex): Promise<FigureRun> {
    const p = await startPipeline({
      figure: 'f5',
      instances: INSTANCES,
      localcloud: {
        timeScale: 0.0001,
        timing: { instanceLaunchMs: 600_000, scalingEvaluationMs: 1000 },
        asg: { min: 1, max: INSTANCES },
      },
      workerEnv: { PLACEMENT_POLL_MS: '2000' },
    });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const idleApi = await readRssMb(p.api.pid);
      const idleWorker = await readRssMb(p.worker.pid);
      const apiPeak = sampleRss(p.api.pid);
      const workerPeak = sampleRss(p.worker.pid);
      const ids = await submitCreates(p.api.url, INSTANCES, `f5r${runIndex}`);
      const api = await apiPeak.stop();
      const deadline = Date.now() + TIMEOUT_MS;
      let waiting = await waitingCount(p.ns, ids);
      while (Date.now() < deadline && waiting < ids.length) {
        await new Promise((r) => setTimeout(r, 500));
        waiting = await waitingCount(p.ns, ids);
      }
      await new Promise((r) => setTimeout(r, 2000)); // a full poll round with everyone waiting
      const worker = await workerPeak.stop();
      return {
        metrics: [
          {
            label: 'worker RSS, N waiting',
            unit: 'MB',
            value: worker.lastMb,
            baseline: idleWorker,
            target: { on: 'value', op: '<=', limit: 200, text: '< 200 MB' },
          },
          { label: 'worker RSS peak', unit: 'MB', value: worker.peakMb, baseline: idleWorker },
          {
            label: 'API RSS after burst',
            unit: 'MB',
            value: api.lastMb,
            baseline: idleApi,
            target: { on: 'value', op: '<=', limit: 200, text: '< 200 MB' },
          },
        ],
        notes: [
          `${waiting}/${ids.length} waiting at placement; API peak during the burst ${api.peakMb.toFixed(0)} MB`,
        ],
      };
    } finally {
      await p.close();
    }
  },
};
