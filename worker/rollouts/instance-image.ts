import type { InstanceRecord } from '../../shared/domain.js';
import { makeRolloutStore } from '../../shared/rollouts/rollout-store.js';
import type { WorkerContext } from '../context.js';

/**
 * The image an instance's task definition runs: the one on its record (set at its first task definition,
 * moved by rollouts), else the fleet image a rollout heads to, else GATEWAY_IMAGE. A create that takes its
 * image records it, so a retried or repaired create keeps it; an instance created during a rollout gets the
 * rollout's image.
 */
export async function instanceImage(ctx: WorkerContext, instance: InstanceRecord): Promise<string> {
  if (instance.image) return instance.image;
  const rollouts = makeRolloutStore(ctx.redis, ctx.config.QUEUE_PREFIX);
  const image = (await rollouts.fleetImage()) ?? ctx.config.GATEWAY_IMAGE;
  await rollouts.setInstanceImage(instance.id, image);
  return image;
}
