import type { InstanceRollout, RolloutMeta } from '../../shared/rollouts/rollout.js';
import { withInstanceLock } from '../jobs/with-instance-lock.js';
import { describeRevision, imageOf, registerRevision } from './register-revision.js';
import type { RolloutContext } from './rollout-context.js';
import { currentRevision, moveService } from './service-revision.js';

type Checkpoint = Omit<InstanceRollout, 'updatedAt'>;

/**
 * Moves one instance's service onto the rollout's image, checkpointing after each change so a worker killed
 * anywhere resumes without doing one twice: `updating` with the previous revision (what a rollback goes
 * back to), then the new revision, then `serviceUpdated`. Holds the instance lock, so no create, delete or
 * repair of the instance runs meanwhile. An instance no longer `running`, or whose service is gone, is
 * skipped; one already on the image is healthy at once. Answers the checkpoint as it now stands; an
 * instance whose lock is held elsewhere is answered unchanged (still `pending`), to be asked again.
 */
export async function updateInstance(
  ctx: RolloutContext,
  rollout: RolloutMeta,
  instanceId: string,
  start: InstanceRollout,
): Promise<InstanceRollout> {
  if (start.state !== 'pending' && !(start.state === 'updating' && !start.serviceUpdated)) return start;
  const save = (value: Checkpoint) => ctx.rollouts.checkpoint(rollout.id, instanceId, value);
  const held = await withInstanceLock(ctx.store, instanceId, ctx.config.JOB_LOCK_MS, ctx.log, async () => {
    let cp: InstanceRollout = start;
    const record = await ctx.store.get(instanceId);
    if (record?.status !== 'running')
      return save({ ...cp, state: 'skipped', reason: `instance is ${record?.status ?? 'gone'}` });
    if (!cp.previousTaskDefinitionArn) {
      const previous = await currentRevision(ctx, instanceId);
      if (!previous) return save({ ...cp, state: 'skipped', reason: 'its service is not ACTIVE' });
      const previousImage = imageOf(await describeRevision(ctx, previous));
      if (previousImage === rollout.image) {
        await ctx.rollouts.setInstanceImage(instanceId, rollout.image);
        return save({ ...cp, state: 'healthy', reason: 'already on the image' });
      }
      cp = await save({ ...cp, state: 'updating', previousTaskDefinitionArn: previous, previousImage });
    }
    if (!cp.revisionArn) {
      const previous = await describeRevision(ctx, cp.previousTaskDefinitionArn!);
      cp = await save({
        ...cp,
        revisionArn: await registerRevision(ctx, instanceId, previous, rollout.image),
      });
    }
    const moved = await moveService(ctx, instanceId, cp.revisionArn!, true);
    if (moved === 'gone') return save({ ...cp, state: 'skipped', reason: 'its service is not ACTIVE' });
    return save({ ...cp, serviceUpdated: true });
  });
  return held.locked ? start : held.value;
}
