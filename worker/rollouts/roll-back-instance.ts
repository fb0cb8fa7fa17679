import type { InstanceRollout, RolloutMeta } from '../../shared/rollouts/rollout.js';
import { readGatewayToken } from '../aws/gateway-token.js';
import { withInstanceLock } from '../jobs/with-instance-lock.js';
import { waitUntilHealthy } from './health-gate.js';
import type { RolloutContext } from './rollout-context.js';
import { moveService } from './service-revision.js';

/**
 * Puts one instance this rollout changed back on its previous revision, and waits until that is healthy
 * and reachable again (the same gate as an update). ECS's circuit breaker may already have moved it back:
 * then only the gate runs. An instance whose service was never updated has nothing to undo and is
 * answered as it is; one whose rollback does not end healthy stays `failed`, with the reason.
 */
export async function rollBackInstance(
  ctx: RolloutContext,
  rollout: RolloutMeta,
  instanceId: string,
  cp: InstanceRollout,
): Promise<InstanceRollout> {
  const save = (value: Omit<InstanceRollout, 'updatedAt'>) =>
    ctx.rollouts.checkpoint(rollout.id, instanceId, value);
  const previous = cp.previousTaskDefinitionArn;
  if (!cp.serviceUpdated || !previous || cp.state === 'rolled-back' || cp.state === 'skipped') return cp;
  const record = await ctx.store.get(instanceId);
  const secretArn = record?.steps.secret.output?.secretArn;
  if (!record || !secretArn || record.status === 'deleting' || record.status === 'deleted')
    return save({ ...cp, state: 'skipped', reason: 'instance deleted during the rollout' });
  const held = await withInstanceLock(ctx.store, instanceId, ctx.config.JOB_LOCK_MS, ctx.log, () =>
    moveService(ctx, instanceId, previous, false),
  );
  if (held.locked) return cp;
  if (held.value === 'gone') return save({ ...cp, state: 'skipped', reason: 'its service is not ACTIVE' });
  const token = await readGatewayToken(ctx, secretArn);
  const gate = await waitUntilHealthy(ctx, record, previous, token);
  if (gate.kind === 'healthy') {
    if (cp.previousImage) await ctx.rollouts.setInstanceImage(instanceId, cp.previousImage);
    return save({ ...cp, state: 'rolled-back' });
  }
  const why = gate.kind === 'gone' ? 'its service is gone' : gate.reason;
  return save({ ...cp, state: 'failed', reason: `rollback not healthy: ${why}` });
}
