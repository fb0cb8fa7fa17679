import type { WarmGroupOptions } from './bootstrap.js';
import type { WarmPool } from './state.js';

/**
 * LOCALCLOUD_WARM_POOL_SIZE=N (0 allowed) asks for terraform's on-demand group with a warm pool of N
 * (warm_pool_size); LOCALCLOUD_WARM_POOL_STATE picks the pool state. The group starts empty (min 0)
 * and grows only when tasks are placed on its capacity provider. Unset: no such group.
 */
export function warmGroupFromEnv(env: NodeJS.ProcessEnv): WarmGroupOptions | undefined {
  const raw = env.LOCALCLOUD_WARM_POOL_SIZE;
  if (raw === undefined || raw.trim() === '') return undefined;
  const minSize = Number(raw);
  if (!Number.isInteger(minSize) || minSize < 0)
    throw new Error(`LOCALCLOUD_WARM_POOL_SIZE must be a whole number >= 0, got "${raw}"`);
  const poolState = (env.LOCALCLOUD_WARM_POOL_STATE || 'Stopped') as WarmPool['poolState'];
  if (!['Stopped', 'Running', 'Hibernated'].includes(poolState))
    throw new Error(`LOCALCLOUD_WARM_POOL_STATE must be Stopped, Running or Hibernated, got "${poolState}"`);
  return { min: 0, max: 20, warmPool: { minSize, poolState } };
}
