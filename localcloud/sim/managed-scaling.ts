import type { Cloud } from '../cloud.js';
import type { AutoScalingGroup, Ec2Instance } from '../state.js';
import { newInstanceShape } from './account-settings.js';
import { changeDesired, liveInstances, SPOT_TYPES } from './asg.js';
import { providerOf } from './asg-groups.js';
import { misfit, type Remaining, remaining } from './resources.js';
import { waitingTasks } from './service-scheduler.js';

/**
 * ECS managed scaling. CapacityProviderReservation = M / N x 100, where N is the number of
 * instances in the group and M the number needed to run every task, including PROVISIONING tasks
 * that fit nowhere. With targetCapacity T, the target tracking policy sets desired to ceil(M x 100 / T).
 * M is computed here by binpacking the waiting tasks onto empty instances, then onto new ones of the
 * types the ASG will launch next. Each capacity provider scales its own group, for the tasks assigned
 * to it (a task with no provider counts for the spot group).
 */
export const TARGET_CAPACITY = 100;

export interface Reservation {
  /** Instances needed (busy ones plus those the waiting tasks need). */
  m: number;
  /** Instances in the group that are not draining. */
  n: number;
  /** Instances still in service but draining (spot interruption): they count until terminated. */
  draining: number;
  percent: number;
}

const ciOf = (cloud: Cloud, i: Ec2Instance) =>
  i.containerInstanceArn ? cloud.state.containerInstances.get(i.containerInstanceArn) : undefined;

export function reservation(cloud: Cloud, group: AutoScalingGroup = cloud.state.asg): Reservation {
  const live = liveInstances(cloud, group);
  const provider = providerOf(cloud, group);
  const mine = (cp: string | undefined) => (cp ?? cloud.capacityProviderName) === provider;
  const draining = live.filter((i) => ciOf(cloud, i)?.status === 'DRAINING').length;
  const usable = live.filter((i) => ciOf(cloud, i)?.status !== 'DRAINING');
  const bins: Remaining[] = [];
  let busy = 0;
  for (const i of usable) {
    // Only empty instances matter as bins: waiting tasks found no room on the busy ones.
    const ci = ciOf(cloud, i);
    if (ci && (cloud.state.tasksByInstance.get(ci.arn)?.size ?? 0) > 0) busy += 1;
    else bins.push(ci ? remaining(cloud, ci) : { ...newInstanceShape(cloud, i.type), tasks: 0 });
  }
  const used = new Set<Remaining>();
  let spotIndex = group.spotLaunches;
  for (const task of waitingTasks(cloud)) {
    if (!mine(task.capacityProviderName)) continue;
    let bin = bins.find((b) => misfit(b, task) === undefined);
    if (!bin) {
      const type = group.onDemandType ?? SPOT_TYPES[spotIndex++ % SPOT_TYPES.length] ?? 'c7i-flex.large';
      bin = { ...newInstanceShape(cloud, type), tasks: 0 };
      if (misfit(bin, task) !== undefined) continue; // fits no instance type: scaling cannot help
      bins.push(bin);
    }
    bin.cpu -= task.cpu;
    bin.memory -= task.memory;
    if (task.awsvpc) bin.enis -= 1;
    used.add(bin);
  }
  const m = busy + used.size;
  const n = usable.length;
  const percent = n === 0 ? (m > 0 ? 200 : 100) : Math.round((m / n) * 100);
  return { m, n, draining, percent };
}

/** Scale-out half of the target tracking policy: raise desired so that M / N returns to target. */
export function evaluateScaleOut(
  cloud: Cloud,
  r: Reservation,
  asg: AutoScalingGroup = cloud.state.asg,
): void {
  const wanted = Math.min(asg.max, Math.ceil((r.m * 100) / cloud.targetCapacity) + r.draining);
  if (wanted > asg.desired) {
    changeDesired(
      cloud,
      wanted,
      `a monitor alarm TargetTracking-${asg.name}-AlarmHigh in state ALARM triggered policy ECSManagedAutoScalingPolicy (CapacityProviderReservation ${r.percent} > ${cloud.targetCapacity})`,
      asg,
    );
  }
}
