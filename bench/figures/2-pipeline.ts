import { runCheckpointBaseline } from '../baselines/bullmq-checkpoints.js';
import { missing } from '../support/components.js';
import type { Figure, FigureRun } from '../support/figure.js';
import { handoff } from '../support/handoff.js';
import {
  instanceTimes,
  startPipeline,
  statusCounts,
  submitCreates,
  waitForStatus,
} from '../support/pipeline.js';
import { makeBenchNamespace } from '../support/redis-namespace.js';
import { readCpuMs } from '../support/rss.js';
import { summarize } from '../support/stats.js';

export const PIPELINE_INSTANCES = Number(process.env.BENCH_PIPELINE_N ?? 500);
export const PIPELINE_CONCURRENCY = Number(process.env.BENCH_PIPELINE_CONCURRENCY ?? 10);
/** Worker processes sharing the queue (the way a deployment scales out); the baseline is one process. */
export const PIPELINE_WORKERS = Number(process.env.BENCH_PIPELINE_WORKERS ?? 1);
const TIMEOUT_MS = 90_000;

/** Zero simulated latency, and every EC2 instance the fleet needs already in service (2 awsvpc tasks each). */
export const instantPlacement = (instances: number) => ({
  timeScale: 0.0001,
  timing: { instanceLaunchMs: 0, taskProvisioningMs: 0, taskStartMs: 0, healthCheckMs: 0 },
  asg: { min: Math.ceil(instances / 2) + 2, max: Math.ceil(instances / 2) + 20 },
});

/**
 * Figure 2: N creates submitted at once through the API, each to `running` (six checkpointed steps on
 * localcloud placing instantly), next to BullMQ running N jobs of six `updateData` checkpoints each at
 * the same concurrency. Latency is createdAt -> runningAt from the instance store.
 */
export const pipeline: Figure = {
  id: 2,
  name: 'pipeline create -> running',
  sizes: `${PIPELINE_INSTANCES} creates at once, worker concurrency ${PIPELINE_CONCURRENCY}, ${PIPELINE_WORKERS} worker process(es), ${Math.ceil(PIPELINE_INSTANCES / 98) + 1} ALBs, ${Math.ceil(PIPELINE_INSTANCES / 2) + 2} EC2 instances in service, placement poll 50 ms; baseline ${PIPELINE_INSTANCES} jobs x 6 updateData`,
  unavailable: async () => missing('api/main.ts', 'worker/main.ts', 'localcloud/index.ts'),
  async run(runIndex): Promise<FigureRun> {
    const baselineNs = makeBenchNamespace('f2-base');
    const baseline = await runCheckpointBaseline({
      prefix: baselineNs.prefix,
      jobs: PIPELINE_INSTANCES,
      checkpoints: 6,
      concurrency: PIPELINE_CONCURRENCY,
    });
    await baselineNs.cleanup();

    const p = await startPipeline({
      figure: 'f2',
      instances: PIPELINE_INSTANCES,
      localcloud: instantPlacement(PIPELINE_INSTANCES),
      workerEnv: { WORKER_CONCURRENCY: String(PIPELINE_CONCURRENCY), PLACEMENT_POLL_MS: '50' },
      workers: PIPELINE_WORKERS,
    });
    let handedOver = false;
    try {
      const workerCpu = () => Promise.all(p.workers.map((w) => readCpuMs(w.pid)));
      const cpuBefore = await workerCpu();
      const apiCpuBefore = await readCpuMs(p.api.pid);
      const t0 = Date.now();
      const ids = await submitCreates(p.api.url, PIPELINE_INSTANCES, `f2r${runIndex}`);
      const submittedMs = Date.now() - t0;
      const running = await waitForStatus(p.ns, 'running', ids.length, TIMEOUT_MS);
      const cpuAfter = await workerCpu();
      const workerCpuMs = cpuAfter.reduce((sum, ms, i) => sum + ms - cpuBefore[i]!, 0);
      const apiCpuMs = (await readCpuMs(p.api.pid)) - apiCpuBefore;
      const times = (await instanceTimes(p.ns, ids, ['createdAt', 'runningAt'])).filter((t) =>
        Number.isFinite(t.runningAt),
      );
      const latencies = times.map((t) => t.runningAt! - t.createdAt!);
      const lastRunning = Math.max(...times.map((t) => t.runningAt!));
      const perSec = (times.length / (lastRunning - t0)) * 1000;
      const stats = summarize(latencies);
      const notes = [
        `${running}/${ids.length} running; submission took ${submittedMs} ms; baseline wall ${baseline.wallMs} ms`,
      ];
      if (running < ids.length)
        notes.push(`not running after ${TIMEOUT_MS} ms: ${JSON.stringify(await statusCounts(p.ns, ids))}`);
      if (handoff.wanted && running === ids.length) {
        handoff.give({ pipeline: p, ids });
        handedOver = true;
      }
      return {
        metrics: [
          {
            label: 'instances/s',
            unit: '/s',
            value: perSec,
            baseline: baseline.jobsPerSec,
            target: { on: 'value', op: '>=', limit: 250, text: '>= 250/s' },
          },
          { label: 'e2e latency p50', unit: 'ms', value: stats.p50, baseline: baseline.p50Ms },
          { label: 'e2e latency p99', unit: 'ms', value: stats.p99, baseline: baseline.p99Ms },
          // What a worker spends per instance (all its processes), whatever else shares the cores.
          { label: 'worker CPU per instance', unit: 'ms', value: workerCpuMs / Math.max(1, running) },
          // The API's share: the signup itself (ids, tokens, sealing) and the status reads while waiting.
          { label: 'API CPU per instance', unit: 'ms', value: apiCpuMs / Math.max(1, running) },
        ],
        notes,
      };
    } finally {
      if (!handedOver) await p.close();
    }
  },
};
