import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Stryker stops a mutant's run at its first failing test, so the fastest tests go first: unit tests, the
 * store's, the properties, then the saga files in the order that kills most (first runs before the rest).
 * Vitest's own order (slowest file first) made every killed mutant wait for the slowest file.
 */
const ORDER = [
  /\.test\.ts$/,
  /^test\/store-core\//,
  /^test\/properties\//,
  /^test\/saga-core\/create-first-run/,
  /^test\/saga-core\/delete-wins/,
  /^test\/saga-core\/delete-saga/,
  /^test\/saga-core\/create-failures/,
  /^test\/saga-core\/create-resume/,
  /^test\/saga-core\/job-view/,
  /^test\/saga-core\//,
];
/**
 * MUTATION_SCOPE=store: the store's own tests only (Redis, no localcloud). The saga-core tests reach
 * the store too, but running them for every store mutant tripled a store run; its score is then a floor.
 */
const STORE_TESTS = [
  'shared/store/*.test.ts',
  'test/store-core/**/*.test.ts',
  'test/properties/slot-allocation.property.test.ts',
];
/** MUTATION_SCOPE=classifier: the classifier's unit and property tests, as its earlier runs measured. */
const CLASSIFIER_TESTS = ['shared/errors/**/*.test.ts', 'test/properties/classifier-codes.property.test.ts'];
const ALL_TESTS = [
  'worker/saga/**/*.test.ts',
  'worker/steps/**/*.test.ts',
  'worker/reconciler/plan*.test.ts',
  'shared/store/*.test.ts',
  'shared/errors/**/*.test.ts',
  'shared/capacity/**/*.test.ts',
  'test/saga-core/**/*.test.ts',
  'test/store-core/**/*.test.ts',
  'test/properties/**/*.test.ts',
];

const SCOPES: Record<string, string[]> = { store: STORE_TESTS, classifier: CLASSIFIER_TESTS };

class FastFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const path = relative(process.cwd(), spec.moduleId);
      // Unit tests beside the code (not under test/) rank first; then by the list.
      if (!path.startsWith('test/')) return 0;
      const at = ORDER.slice(1).findIndex((re) => re.test(path));
      return at < 0 ? ORDER.length : at + 1;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * The tests Stryker runs against each mutant: the unit tests beside the mutated modules, and the sagas
 * driven directly against an in-process localcloud and real Redis (test/saga-core, well under a second a
 * test). The end-to-end suites under test/ start workers and BullMQ per file and take minutes; run per
 * mutant on a 2-core machine that is days, so they stay out of mutation runs.
 */
export default defineConfig({
  test: {
    include: SCOPES[process.env.MUTATION_SCOPE ?? ''] ?? ALL_TESTS,
    exclude: ['node_modules/**', 'dist/**', '.stryker-tmp*/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
    // One process for every file and mutant, so test/saga-core keeps one localcloud (SAGA_CLOUD_SHARED)
    // instead of starting one, and warming its capacity, per file per mutant.
    isolate: false,
    env: { SAGA_CLOUD_SHARED: '1' },
    sequence: { sequencer: FastFirst },
  },
});
