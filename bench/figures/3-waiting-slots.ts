import { sampleActiveJobs } from '../support/active-sampler.js';
import { missing } from '../support/components.js';
import type { Figure, FigureRun } from '../support/figure.js';
import { startPipeline, statusCounts, submitCreates, waitForStatus } from '../support/pipeline.js';

const INSTANCES = Number(process.env.BENCH_WAIT_N ?? 300);
const CONCURRENCY = 10;
const SIMULATED_LAUNCH_MS = 60_000;
/** Real seconds per simulated second of the launch: 0.25 keeps the bench under 5 minutes; BENCH_REAL_SCALEUP=1 runs it at 1. */
const SCALE = process.env.BENCH_REAL_SCALEUP === '1' ? 1 : 0.25;
const LAUNCH_MS = SIMULATED_LAUNCH_MS * SCALE;
/** The 10 s slack is for our own work after the launch, so it is not scaled. */
const BUDGET_MS = LAUNCH_MS + 10_000;
const POLL_MS = 2000;

/**
 * Figure 3: 1,000 creates while every new EC2 instance takes the launch delay to join; worker
 * concurrency 10. Waiting must be a delayed job: the queue's active count stays at or below concurrency.
 */
export const waitingSlots: Figure = {
  id: 3,
  name: 'waiting costs no slots',
  sizes: `${INSTANCES} creates, 60 simulated s scale-up = ${LAUNCH_MS / 1000} real s (scale ${SCALE}), target all running within ${BUDGET_MS / 1000} s, worker concurrency ${CONCURRENCY}, placement poll ${POLL_MS} ms, active count sampled every 100 ms`,
  unavailable: async () => missing('api/main.ts', 'worker/main.ts', 'localcloud/index.ts'),
  async run(runIndex): Promise<FigureRun> {
    const p = await startPipeline({
      figure: 'f3',
      instances: INSTANCES,
      localcloud: {
        timeScale: 0.0001,
        timing: {
          instanceLaunchMs: LAUNCH_MS,
          scalingEvaluationMs: 1000,
          taskProvisioningMs: 0,
          taskStartMs: 0,
          healthCheckMs: 0,
        },
        asg: { min: 1, max: INSTANCES },
      },
      workerEnv: { WORKER_CONCURRENCY: String(CONCURRENCY), PLACEMENT_POLL_MS: String(POLL_MS) },
    });
    const sampler = sampleActiveJobs(p.ns.prefix);
    try {
      const t0 = Date.now();
      const ids = await submitCreates(p.api.url, INSTANCES, `f3r${runIndex}`);
      const running = await waitForStatus(p.ns, 'running', ids.length, BUDGET_MS + 30_000);
      const allRunningMs = Date.now() - t0;
      const active = await sampler.stop();
      const notes = [
        `${running}/${ids.length} running after ${(allRunningMs / 1000).toFixed(1)} s; ${active.samples} samples, max delayed ${active.maxDelayed}`,
      ];
      if (running < ids.length) notes.push(`not running: ${JSON.stringify(await statusCounts(p.ns, ids))}`);
      return {
        metrics: [
          {
            label: 'all running after',
            unit: 's',
            value: running < ids.length ? Number.POSITIVE_INFINITY : allRunningMs / 1000,
            baseline: BUDGET_MS / 1000,
            target: { on: 'ratio', op: '<=', limit: 1, text: '<= launch + 10 s' },
          },
          {
            label: 'max active jobs',
            unit: 'jobs',
            value: active.maxActive,
            baseline: CONCURRENCY,
            target: { on: 'ratio', op: '<=', limit: 1, text: '<= concurrency' },
          },
        ],
        notes,
      };
    } finally {
      await sampler.stop();
      await p.close();
    }
  },
};
