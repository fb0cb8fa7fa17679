/**
 * `npm run bench`: every figure of issue 7, each twice, then one table (value, same-run baseline,
 * ratio, for both runs) and artifacts/bench.json. `BENCH_ONLY=1,4` runs a subset;
 * `BENCH_CPU_PROF=1` writes a .cpuprofile per API/worker process into artifacts/profiles.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localcloudDescribe } from './figures/0-localcloud-describe.js';
import { apiThroughput } from './figures/1-api-throughput.js';
import { pipeline } from './figures/2-pipeline.js';
import { waitingSlots } from './figures/3-waiting-slots.js';
import { awsCalls } from './figures/4-aws-calls.js';
import { memory } from './figures/5-memory.js';
import { deletes } from './figures/6-deletes.js';
import { albProxyOverhead } from './figures/7-alb-proxy-overhead.js';
import { standInGateway } from './figures/8-stand-in-gateway.js';
import { buildOnce, REPO_ROOT } from './support/child-process.js';
import type { Figure } from './support/figure.js';
import { handoff } from './support/handoff.js';
import { machine } from './support/machine.js';
import { type FigureReport, renderTable } from './support/table.js';

const RUNS = 2;
// Figure 6 deletes the fleet figure 2 leaves running, so it runs right after it; the table is by id.
const figures: Figure[] = [
  localcloudDescribe,
  apiThroughput,
  pipeline,
  deletes,
  waitingSlots,
  awsCalls,
  memory,
  albProxyOverhead,
  standInGateway,
];

const only = process.env.BENCH_ONLY?.split(',').map(Number);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const host = machine();
console.log(`bench on ${host.nproc} x ${host.cpuModel}, ${host.memGiB} GiB, Node ${host.node}`);

buildOnce();
console.log(
  `[${elapsed()}] ${process.env.BENCH_TSX === '1' ? 'children under tsx' : 'children compiled (node artifacts/bench-dist/<pid>/...)'}`,
);

const reports: FigureReport[] = [];
handoff.wanted = !only || only.includes(6);
for (const figure of figures) {
  if (only && !only.includes(figure.id)) continue;
  const report: FigureReport = { id: figure.id, name: figure.name, sizes: figure.sizes, runs: [] };
  reports.push(report);
  const why = await figure.unavailable();
  if (why) {
    report.skipped = why;
    console.log(`[${elapsed()}] figure ${figure.id} (${figure.name}) skipped: ${why}`);
    continue;
  }
  console.log(`[${elapsed()}] figure ${figure.id} (${figure.name}): ${figure.sizes}`);
  for (let i = 1; i <= RUNS; i++) {
    const t0 = Date.now();
    try {
      const run = await figure.run(i);
      report.runs.push(run);
      console.log(`[${elapsed()}]   run ${i} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const note of run.notes) console.log(`      ${note}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report.runs.push({ error: message });
      console.log(`[${elapsed()}]   run ${i} failed: ${message}`);
    }
  }
}

await handoff.closeAll();
reports.sort((a, b) => a.id - b.id);
console.log(
  `\nOpenClaw Fleet bench: ${host.nproc} x ${host.cpuModel}, Node ${host.node}, total ${elapsed()}\n`,
);
console.log(renderTable(reports));
const out = join(REPO_ROOT, 'artifacts', 'bench.json');
mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), machine: host, totalSeconds: (Date.now() - started) / 1000, figures: reports }, null, 2)}\n`,
);
console.log(`\nwritten to ${out}`);
process.exit(0);
