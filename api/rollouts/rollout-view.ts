import type { z } from '@hono/zod-openapi';
import { batchProgress, INSTANCE_ROLLOUT_STATES, type Rollout } from '../../shared/rollouts/rollout.js';
import type { RolloutView } from './rollout-schemas.js';

/** A rollout as the API answers it: per-batch and total counts, each instance's checkpoint, links. */
export function toRolloutView(r: Rollout): z.infer<typeof RolloutView> {
  const instances = Object.entries(r.instances)
    .map(([id, cp]) => ({
      id,
      batch: cp.batch,
      state: cp.state,
      previousImage: cp.previousImage ?? null,
      revisionArn: cp.revisionArn ?? null,
      failure: cp.failure ?? null,
      reason: cp.reason ?? null,
    }))
    .sort((a, b) => a.batch - b.batch || a.id.localeCompare(b.id));
  const counts = Object.fromEntries(INSTANCE_ROLLOUT_STATES.map((s) => [s, 0])) as Record<
    (typeof INSTANCE_ROLLOUT_STATES)[number],
    number
  >;
  for (const i of instances) counts[i.state] += 1;
  return {
    id: r.id,
    image: r.image,
    canary: r.canary,
    batchSize: r.batchSize,
    maxFailures: r.maxFailures,
    pauseBetweenMs: r.pauseBetweenMs,
    state: r.state,
    control: r.control,
    reason: r.reason,
    previousFleetImage: r.previousFleetImage,
    totals: { instances: instances.length, failures: instances.filter((i) => i.failure).length, ...counts },
    batchesDone: r.batchesDone,
    batches: batchProgress(r),
    instances,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt,
    links: { self: `/v1/rollouts/${r.id}`, events: `/v1/rollouts/${r.id}/events` },
  };
}
