/**
 * The ways to have capacity ready before a signup needs it, as `npm run simulate` compares them:
 * static headroom (managed scaling's targetCapacity below 100: spare instances all the time), an
 * Auto Scaling warm pool (pre-initialised stopped instances that launch faster), predictive
 * scale-out (the sampler raises desired capacity for signups on their way, within a budget), and
 * predictive plus warm pool.
 */
export interface Strategy {
  id: string;
  describe: string;
  /** The capacity provider's managed scaling targetCapacity (%); 100 when unset. */
  targetCapacity?: number;
  /** PREDICTIVE_MAX_EXTRA_INSTANCES for the worker; off when unset. */
  predictiveBudget?: number;
  /**
   * The on-demand warm group (localcloud's `openclaw-warm-asg` / `openclaw-warm`, terraform's
   * warm-capacity.tf) with this pool, and every service on its capacity provider. The worker's
   * overflow choice (spot first, warm only for a signup that would wait) is not built, so this is
   * the "warm provider for everyone" variant: its latency, at on-demand prices.
   */
  warmPool?: { minSize: number; poolState: 'Stopped' | 'Running' };
}

/**
 * Extra instances predictive scale-out may ask for. It must cover what the pipeline can place while one
 * order is on its way: AWS's tightest bucket lets 1 signup/s through (RegisterTaskDefinition), an
 * instance takes 180 s and the next order comes one 60 s sample later, so 240 tasks = 120 instances of
 * two; with 100 the 1,000-signup burst ran budget-bound at every tick (README).
 */
export const PREDICTIVE_BUDGET = 150;
const WARM_POOL = { minSize: 10, poolState: 'Stopped' as const };

export const STRATEGIES: readonly Strategy[] = [
  { id: 'none', describe: 'managed scaling alone, targetCapacity 100' },
  { id: 'headroom-90', describe: 'static headroom: targetCapacity 90', targetCapacity: 90 },
  { id: 'headroom-80', describe: 'static headroom: targetCapacity 80', targetCapacity: 80 },
  {
    id: 'warm-pool',
    describe: `warm pool: every service on the on-demand warm group, ${WARM_POOL.minSize} ${WARM_POOL.poolState.toLowerCase()} pool instances`,
    warmPool: WARM_POOL,
  },
  {
    id: 'predictive',
    describe: `predictive scale-out, budget ${PREDICTIVE_BUDGET} extra instances`,
    predictiveBudget: PREDICTIVE_BUDGET,
  },
  {
    id: 'predictive+warm',
    describe: 'predictive scale-out and the warm pool',
    predictiveBudget: PREDICTIVE_BUDGET,
    warmPool: WARM_POOL,
  },
];
