import { missing } from '../support/components.js';
import type { Figure, FigureRun, Metric } from '../support/figure.js';
import {
  apiCall,
  type Pipeline,
  startPipeline,
  submitCreates,
  submitDeletes,
  waitForStatus,
} from '../support/pipeline.js';

const POLL_MS = 200;
const SLOW_START_MS = 2000;
const MUTATING = /^(Create|Register|Put|Delete|Deregister|Update|Modify|Tag|Untag|Add|Remove|Set|Restore)/;

async function calls(cloudUrl: string): Promise<Record<string, number>> {
  return (await (await fetch(`${cloudUrl}/_localcloud/calls`)).json()) as Record<string, number>;
}
const reset = (cloudUrl: string) => fetch(`${cloudUrl}/_localcloud/calls/reset`, { method: 'POST' });
const operation = (key: string) => key.split(':').pop() ?? key;
const reads = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => !MUTATING.test(operation(k)))
    .reduce((sum, [, n]) => sum + n, 0);

async function createOne(p: Pipeline, tag: string): Promise<string> {
  const [id] = await submitCreates(p.api.url, 1, tag);
  if ((await waitForStatus(p.ns, 'running', 1, 30_000)) < 1) throw new Error(`${tag} did not reach running`);
  await p.ns.redis.del(`${p.ns.prefix}:idx:status:running`);
  return id!;
}

/** Every operation as one row; mutating ones must be called once, reads are listed for the record. */
function rows(kind: string, counts: Record<string, number>): Metric[] {
  return Object.entries(counts).map(([key, n]) => {
    const mutating = MUTATING.test(operation(key));
    return {
      label: `${kind} ${key}`,
      unit: 'calls',
      value: n,
      ...(mutating
        ? { baseline: 1, target: { on: 'value', op: '<=', limit: 1, text: 'once' } as const }
        : {}),
    };
  });
}

/**
 * Figure 4: AWS calls localcloud counts for one create (placing at once), one delete, and a second
 * create whose task takes SLOW_START_MS to start: its extra reads over the first, divided by the polls
 * it waited, are the Describe calls per instance per poll interval.
 */
export const awsCalls: Figure = {
  id: 4,
  name: 'AWS calls per instance',
  sizes: `1 create + 1 delete at instant placement, then 1 create waiting ${SLOW_START_MS} ms at placement poll ${POLL_MS} ms`,
  unavailable: async () => missing('api/main.ts', 'worker/main.ts', 'localcloud/index.ts'),
  async run(runIndex): Promise<FigureRun> {
    const p = await startPipeline({
      figure: 'f4',
      instances: 2,
      localcloud: {
        timeScale: 0.0001,
        timing: { instanceLaunchMs: 0, taskProvisioningMs: 0, taskStartMs: 0, healthCheckMs: 0 },
        asg: { min: 3, max: 4 },
      },
      workerEnv: { PLACEMENT_POLL_MS: String(POLL_MS) },
    });
    try {
      await reset(p.cloudUrl);
      const a = await createOne(p, `f4r${runIndex}a`);
      const create = await calls(p.cloudUrl);

      await reset(p.cloudUrl);
      await submitDeletes(p.api.url, [a]);
      if ((await waitForStatus(p.ns, 'deleted', 1, 30_000)) < 1) throw new Error('delete did not finish');
      const del = await calls(p.cloudUrl);

      await fetch(`${p.cloudUrl}/_localcloud/timing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ taskStartMs: SLOW_START_MS }),
      });
      await reset(p.cloudUrl);
      const b = await createOne(p, `f4r${runIndex}b`);
      const waiting = await calls(p.cloudUrl);
      const view = await apiCall(p.api.url, 'GET', `/v1/instances/${b}`);
      const placement = (view.json.steps as { id: string; startedAt: string; endedAt: string }[]).find(
        (s) => s.id === 'placement',
      )!;
      const waitedMs = Date.parse(placement.endedAt) - Date.parse(placement.startedAt);
      const polls = waitedMs / POLL_MS;
      const perPoll = (reads(waiting) - reads(create)) / polls;
      return {
        metrics: [
          ...rows('create', create),
          ...rows('delete', del),
          {
            label: 'reads per poll while waiting',
            unit: 'calls',
            value: perPoll,
            baseline: 1,
            target: { on: 'value', op: '<=', limit: 1, text: '<= 1 per poll' },
          },
        ],
        notes: [
          `waiting create: ${reads(waiting)} reads vs ${reads(create)} at instant placement, over ${waitedMs} ms = ${polls.toFixed(1)} polls`,
          `waiting create calls: ${JSON.stringify(waiting)}`,
        ],
      };
    } finally {
      await p.close();
    }
  },
};
