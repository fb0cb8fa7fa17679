import type { RolloutStore } from '../../shared/rollouts/rollout-store.js';
import type { WorkerContext } from '../context.js';

/** The worker's resources plus the rollout store: what every function of a rollout receives. */
export interface RolloutContext extends WorkerContext {
  rollouts: RolloutStore;
}
