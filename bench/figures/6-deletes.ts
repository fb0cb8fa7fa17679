import { runCheckpointBaseline } from '../baselines/bullmq-checkpoints.js';
import { missing } from '../support/components.js';
import type { Figure, FigureRun } from '../support/figure.js';
import { handoff, type RunningFleet } from '../support/handoff.js';
import {
  instanceTimes,
  leftovers,
  startPipeline,
  statusCounts,
  submitCreates,
  submitDeletes,
  waitForStatus,
} from '../support/pipeline.js';
import { makeBenchNamespace } from '../support/redis-namespace.js';
import { summarize } from '../support/stats.js';
import { instantPlacement, PIPELINE_CONCURRENCY, PIPELINE_INSTANCES } from './2-pipeline.js';

const TIMEOUT_MS = 90_000;

/** Figure 2's running fleet when it handed one over, else a fresh one created here (untimed). */
async function runningFleet(runIndex: number): Promise<RunningFleet> {
  const given = handoff.take();
  if (given) return given;
  const pipeline = await startPipeline({
    figure: 'f6',
    instances: PIPELINE_INSTANCES,
    localcloud: instantPlacement(PIPELINE_INSTANCES),
    workerEnv: { WORKER_CONCURRENCY: String(PIPELINE_CONCURRENCY), PLACEMENT_POLL_MS: '50' },
  });
  const ids = await submitCreates(pipeline.api.url, PIPELINE_INSTANCES, `f6r${runIndex}`);
  const running = await waitForStatus(pipeline.ns, 'running', ids.length, TIMEOUT_MS);
  if (running < ids.length) {
    await pipeline.close();
    throw new Error(`only ${running}/${ids.length} reached running before the deletes`);
  }
  return { pipeline, ids };
}

/**
 * Figure 6: N deletes of running instances submitted at once, to `deleted`, and localcloud empty after;
 * next to BullMQ running N jobs of five `updateData` checkpoints (one per delete step).
 */
export const deletes: Figure = {
  id: 6,
  name: 'deletes',
  sizes: `${PIPELINE_INSTANCES} deletes at once of figure 2's running fleet, worker concurrency ${PIPELINE_CONCURRENCY}; baseline ${PIPELINE_INSTANCES} jobs x 5 updateData`,
  unavailable: async () => missing('api/main.ts', 'worker/main.ts', 'localcloud/index.ts'),
  async run(runIndex): Promise<FigureRun> {
    const { pipeline: p, ids } = await runningFleet(runIndex);
    try {
      const baselineNs = makeBenchNamespace('f6-base');
      const baseline = await runCheckpointBaseline({
        prefix: baselineNs.prefix,
        jobs: ids.length,
        checkpoints: 5,
        concurrency: PIPELINE_CONCURRENCY,
      });
      await baselineNs.cleanup();

      const t0 = Date.now();
      await submitDeletes(p.api.url, ids);
      const deleted = await waitForStatus(p.ns, 'deleted', ids.length, TIMEOUT_MS);
      const times = (await instanceTimes(p.ns, ids, ['deletedAt'])).filter((t) =>
        Number.isFinite(t.deletedAt),
      );
      const last = Math.max(...times.map((t) => t.deletedAt!));
      const latency = summarize(times.map((t) => t.deletedAt! - t0));
      const left = await leftovers(p.cloudUrl);
      const leftTotal = Object.values(left).reduce((a, b) => a + b, 0);
      const notes = [`${deleted}/${ids.length} deleted; localcloud afterwards: ${JSON.stringify(left)}`];
      if (deleted < ids.length) notes.push(`not deleted: ${JSON.stringify(await statusCounts(p.ns, ids))}`);
      return {
        metrics: [
          {
            label: 'deletes/s',
            unit: '/s',
            value: (times.length / (last - t0)) * 1000,
            baseline: baseline.jobsPerSec,
          },
          { label: 'delete latency p50', unit: 'ms', value: latency.p50, baseline: baseline.p50Ms },
          { label: 'delete latency p99', unit: 'ms', value: latency.p99, baseline: baseline.p99Ms },
          {
            label: 'resources left',
            unit: 'count',
            value: leftTotal,
            target: { on: 'value', op: '<=', limit: 0, text: 'localcloud empty' },
          },
        ],
        notes,
      };
    } finally {
      await p.close();
    }
  },
};
