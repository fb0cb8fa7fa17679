import { readFile } from 'node:fs/promises';
import { freePort } from '../../localcloud/runtime/free-port.js';
import { processRuntime } from '../../localcloud/runtime/process-runtime.js';
import type { RunningContainer } from '../../localcloud/runtime/task-runtime.js';
import type { Figure, FigureRun } from '../support/figure.js';

const GATEWAYS = 8;
const REQUESTS = 50;

/** VmRSS, RssAnon (private) and Pss (its share of pages it maps with others) of a process, in MB. */
async function memoryOf(pid: number): Promise<{ rss: number; anon: number; pss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (text: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return {
    rss: kb(status, 'VmRSS') / 1024,
    anon: kb(status, 'RssAnon') / 1024,
    pss: kb(rollup, 'Pss') / 1024,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * The stand-in gateway localcloud runs per task (issue 11): memory of one, after it has served
 * requests, and what each costs with several running (the node binary's pages are shared), and how
 * long a spawn takes to listen.
 */
export const standInGateway: Figure = {
  id: 8,
  name: 'stand-in gateway',
  sizes: `${GATEWAYS} stand-in processes, ${REQUESTS} authenticated requests each, memory from /proc`,
  unavailable: async () => null,
  async run(): Promise<FigureRun> {
    const running: RunningContainer[] = [];
    const startMs: number[] = [];
    try {
      for (let i = 0; i < GATEWAYS; i++) {
        const port = await freePort();
        const env = { PORT: String(port), BASE_PATH: '/b', INSTANCE_ID: 'b', OPENCLAW_GATEWAY_TOKEN: 't' };
        const t0 = performance.now();
        running.push(
          await processRuntime.start({ taskId: `b${i}`, image: 'bench', env, port, stopTimeoutMs: 2000 }),
        );
        startMs.push(performance.now() - t0);
      }
      for (const c of running)
        for (let r = 0; r < REQUESTS; r++)
          await (await fetch(`http://127.0.0.1:${c.endpoint.port}/b/?token=t`)).arrayBuffer();
      const memory = await Promise.all(running.map((c) => memoryOf(c.pid ?? 0)));
      return {
        metrics: [
          { label: 'one stand-in VmRSS', unit: 'MB', value: median(memory.map((m) => m.rss)) },
          { label: 'one stand-in private (RssAnon)', unit: 'MB', value: median(memory.map((m) => m.anon)) },
          {
            label: `each stand-in's Pss, ${GATEWAYS} running`,
            unit: 'MB',
            value: median(memory.map((m) => m.pss)),
            target: { on: 'value', op: '<=', limit: 30, text: '<= 30 MB' },
          },
          { label: 'spawn to listening p50', unit: 'ms', value: median(startMs) },
        ],
        notes: [
          'VmRSS counts the node binary mapped from disk (~38 MB), which every stand-in shares; Pss splits it.',
        ],
      };
    } finally {
      await Promise.all(running.map((c) => c.stop()));
    }
  },
};
