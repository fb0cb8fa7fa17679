import { hostsTasks } from './reservation.js';
import type { ContainerInstanceInfo, IdleInstance } from './sample-types.js';

/** What the previous sample knew: when it was taken, which instances it saw, which were idle since when. */
export interface PreviousIdleView {
  at: number;
  seen: ReadonlySet<string>;
  idleSince: ReadonlyMap<string, number>;
}

/**
 * Idle instances: ACTIVE, agent connected, no running or pending task. How long each has been idle is
 * carried across samples, because ECS does not say when an instance last ran a task:
 * - idle in the previous sample too: keep that idle-since;
 * - seen busy in the previous sample: idle since now (it emptied between the two samples);
 * - not seen before and registered after the previous sample: idle since it registered;
 * - nothing known (first sample): idle since now, a lower bound.
 */
export function findIdleInstances(
  instances: readonly Pick<
    ContainerInstanceInfo,
    'arn' | 'ec2InstanceId' | 'status' | 'agentConnected' | 'runningTasks' | 'pendingTasks' | 'registeredAt'
  >[],
  now: number,
  previous: PreviousIdleView | null,
): IdleInstance[] {
  const out: IdleInstance[] = [];
  for (const ci of instances) {
    if (ci.status !== 'ACTIVE' || !ci.agentConnected || hostsTasks(ci)) continue;
    let since = now;
    const carried = previous?.idleSince.get(ci.ec2InstanceId);
    if (carried !== undefined) since = carried;
    else if (previous && !previous.seen.has(ci.ec2InstanceId) && ci.registeredAt > previous.at) {
      since = ci.registeredAt;
    } else if (!previous) since = now;
    since = Math.min(since, now);
    out.push({
      ec2InstanceId: ci.ec2InstanceId,
      containerInstanceArn: ci.arn,
      idleSince: since,
      idleForMs: now - since,
    });
  }
  return out;
}
