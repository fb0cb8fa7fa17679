// StrykerJS 10 refuses Node < 22 with a version guard its package entry runs on import (the CLI's); this
// project runs on Node 20 (package.json engines), where Stryker itself runs. So `npm run test:mutation`
// loads the Stryker class from its own file, past that guard.
// Usage: node test/mutations/run-stryker.mjs [--mutate a.ts,b.ts] [--no-check] [--concurrency n] [--name x]
// --name x: its own sandbox (.stryker-tmp-x) and report (reports/mutation/x.json), so two scoped runs
// can go side by side.
// --no-check leaves out the TypeScript checker (a type check per mutant): on a loaded 2-core machine it
// was most of the run's time; mutants that do not compile then count as killed by the tests or survive
// as noise, so a report made with it says so.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const core = dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json'));
const { Stryker } = await import(pathToFileURL(join(core, 'dist/src/stryker.js')).href);

const at = process.argv.indexOf('--mutate');
const mutate = at > 0 ? process.argv[at + 1]?.split(',') : undefined;
const noCheck = process.argv.includes('--no-check');
// The saga-core tests mostly wait on localcloud and Redis, so two runners nearly double the pace.
const at2 = process.argv.indexOf('--concurrency');
const concurrency = at2 > 0 ? Number(process.argv[at2 + 1]) : undefined;
const at3 = process.argv.indexOf('--name');
const name = at3 > 0 ? process.argv[at3 + 1] : undefined;
const stryker = new Stryker({
  configFile: 'stryker.config.json',
  ...(mutate ? { mutate } : {}),
  ...(noCheck ? { checkers: [] } : {}),
  ...(concurrency ? { concurrency } : {}),
  ...(name
    ? { tempDirName: `.stryker-tmp-${name}`, jsonReporter: { fileName: `reports/mutation/${name}.json` } }
    : {}),
});
const results = await stryker.runMutationTest();
console.log(`mutants: ${results.length}`);
