import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadPriceBook } from '../../shared/cost/prices.js';
import { burstVerdict, chooseDefault, renderSteps, renderTable, spikeFloor } from './report.js';
import { type Cell, runCell } from './run-cell.js';
import { GATEWAY_SLOTS_PER_INSTANCE } from './scaled-pipeline.js';
import { STRATEGIES } from './strategies.js';
import { traces } from './traces.js';

/**
 * `npm run simulate`: every strategy replays every trace on a fresh real pipeline (localcloud with
 * AWS's timings and rate limits, scaled; the API and a worker as processes), then one table.
 * `--trace steady,burst` and `--strategy none,predictive` filter; `--quick` uses smaller traces;
 * `--json file` also writes the cells. `--scale 0.25` runs the selected traces at that time scale
 * instead of their own: the burst's verdict is read at 4x (README, "Warm capacity and predictive
 * scale-out"), where the rate budget's window holds 4x AWS's burst rather than 20x.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    trace: { type: 'string' },
    strategy: { type: 'string' },
    json: { type: 'string' },
    scale: { type: 'string' },
  },
});

const pick = <T extends { id: string }>(all: readonly T[], filter: string | undefined): T[] => {
  if (!filter) return [...all];
  const wanted = filter.split(',');
  const unknown = wanted.filter((w) => !all.some((a) => a.id === w));
  if (unknown.length > 0)
    throw new Error(`unknown: ${unknown.join(', ')} (one of ${all.map((a) => a.id).join(', ')})`);
  return all.filter((a) => wanted.includes(a.id));
};

const scale = values.scale === undefined ? undefined : Number(values.scale);
if (scale !== undefined && !(scale > 0 && scale <= 1))
  throw new Error(`--scale must be in (0, 1], got ${values.scale}`);
const selectedTraces = pick(traces(values.quick), values.trace).map((t) =>
  scale === undefined
    ? t
    : { ...t, timeScale: scale, describe: t.describe.replace(/scale [\d.]+$/, `scale ${scale}`) },
);
const selectedStrategies = pick(STRATEGIES, values.strategy);
const book = await loadPriceBook(undefined);
const started = Date.now();
const cells: Cell[] = [];

console.log('Traces (times in simulated AWS time):');
for (const t of selectedTraces) console.log(`- ${t.describe}`);
console.log(
  [
    'Scaled time: each trace runs 1/scale times faster than AWS. localcloud buckets refill at AWS rates in simulated',
    "time and hold 1/scale times AWS's burst (the worker's budget counts whole seconds; see README). The worker's own",
    'real time is inflated by the same factor, so queued and pre-placement steps grow with the machine load.',
  ].join('\n'),
);
console.log('Strategies:');
for (const s of selectedStrategies) console.log(`- ${s.id}: ${s.describe}`);

for (const trace of selectedTraces) {
  for (const strategy of selectedStrategies) {
    const t = Date.now();
    try {
      cells.push(await runCell(trace, strategy, book));
    } catch (error) {
      cells.push({
        trace: trace.id,
        strategy: strategy.id,
        unavailable: `not run: ${(error as Error).message.split('\n')[0]}`,
      } as Cell);
    }
    console.error(`  ${trace.id} / ${strategy.id}: ${((Date.now() - t) / 1000).toFixed(0)} s real`);
  }
}

console.log(`\n${renderTable(cells)}\n`);
console.log(`Median simulated seconds per step:\n${renderSteps(cells)}\n`);
for (const line of burstVerdict(
  cells,
  selectedTraces.find((t) => t.id === 'burst'),
)) {
  console.log(line);
}
for (const line of spikeFloor(
  selectedTraces.find((t) => t.id === 'spike'),
  GATEWAY_SLOTS_PER_INSTANCE,
)) {
  console.log(line);
}
for (const line of chooseDefault(cells)) console.log(line);
console.log(
  `\nTask runtime in-process (a stand-in gateway listener per task, real health checks); whole run ${((Date.now() - started) / 1000).toFixed(0)} s real.`,
);
if (values.json) await writeFile(values.json, JSON.stringify(cells, null, 2));
process.exit(0);
