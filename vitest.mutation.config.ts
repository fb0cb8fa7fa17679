import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: the unit tests beside the mutated modules, and the sagas
 * driven directly against an in-process localcloud and real Redis (test/saga-core, well under a second a
 * test). The end-to-end suites under test/ start workers and BullMQ per file and take minutes; run per
 * mutant on a 2-core machine that is days, so they stay out of mutation runs.
 */
export default defineConfig({
  test: {
    include: [
      'worker/saga/**/*.test.ts',
      'worker/steps/**/*.test.ts',
      'worker/reconciler/plan*.test.ts',
      'shared/instance-store.test.ts',
      'shared/instance-index-expiry.test.ts',
      'shared/errors/**/*.test.ts',
      'shared/capacity/**/*.test.ts',
      'test/saga-core/**/*.test.ts',
      'test/store-core/**/*.test.ts',
      'test/properties/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
    // One process for every file and mutant, so test/saga-core keeps one localcloud (SAGA_CLOUD_SHARED)
    // instead of starting one, and warming its capacity, per file per mutant.
    isolate: false,
    env: { SAGA_CLOUD_SHARED: '1' },
  },
});
