import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant: only the unit tests beside the mutated modules (see
 * stryker.config.json). The end-to-end suites under test/ start localcloud, workers and Redis per file
 * and take minutes; run per mutant on a 2-core machine that is days, so they stay out of mutation runs.
 */
export default defineConfig({
  test: {
    include: [
      'worker/saga/**/*.test.ts',
      'worker/steps/**/*.test.ts',
      'worker/reconciler/plan*.test.ts',
      'shared/store/instance-store.test.ts',
      'shared/store/instance-index-expiry.test.ts',
      'shared/errors/**/*.test.ts',
      'shared/capacity/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
