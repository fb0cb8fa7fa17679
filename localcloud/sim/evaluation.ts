import type { Cloud } from '../cloud.js';
import { purgeExpiredSecrets } from '../services/secrets-manager-records.js';
import { groups } from './asg-groups.js';
import { evaluateScaleOut, reservation } from './managed-scaling.js';
import { forgetOld } from './retention.js';
import { evaluateScaleIn } from './scale-in.js';
import { reconcileAll } from './service-scheduler.js';

/** Housekeeping (expired secrets, old stopped tasks, a full reconcile as a safety net) runs at most this often. */
const HOUSEKEEPING_MS = 1000;
/** The evaluation never runs more often than this, so a tiny timeScale cannot busy-loop the server. */
const MIN_TICK_MS = 5;

/**
 * Managed scaling evaluates on a period, like the CloudWatch metric it is built on. A tick where
 * nothing changed, nothing waits and no idle instance crossed the idle period is skipped, so a large
 * fleet with a tiny timeScale does not spend its time re-deriving the same answer.
 */
export function startEvaluationLoop(cloud: Cloud): () => void {
  let lastHousekeeping = cloud.clock.now();
  let seenGeneration = -1;
  let nextIdleAt = 0;
  return cloud.clock.every(
    () => Math.max(MIN_TICK_MS, cloud.timing.scalingEvaluationMs),
    () => {
      const now = cloud.clock.now();
      if (now - lastHousekeeping >= HOUSEKEEPING_MS) {
        lastHousekeeping = now;
        purgeExpiredSecrets(cloud);
        forgetOld(cloud);
        reconcileAll(cloud);
      }
      const quiet =
        seenGeneration === cloud.reconcile.generation && cloud.state.waiting.size === 0 && now < nextIdleAt;
      if (quiet) return;
      for (const group of groups(cloud)) {
        const r = reservation(cloud, group);
        evaluateScaleOut(cloud, r, group);
        evaluateScaleIn(cloud, r, group);
      }
      reconcileAll(cloud, null);
      seenGeneration = cloud.reconcile.generation;
      nextIdleAt = nextIdleThreshold(cloud, now);
    },
  );
}

/** The next moment an idle instance reaches the idle period (Infinity when none will). */
function nextIdleThreshold(cloud: Cloud, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const ci of cloud.state.containerInstances.values()) {
    if (ci.status !== 'ACTIVE' || ci.idleSince === undefined) continue;
    const at = ci.idleSince + cloud.timing.scaleInIdleMs;
    if (at > now && at < next) next = at;
  }
  return next;
}
