import type { Cloud } from '../cloud.js';
import type { AutoScalingGroup, Ec2Instance, ScalingActivity, WarmPool } from '../state.js';
import { activity, completeLaunch, newInstance, stamp } from './asg.js';
import type { TaskHooks } from './tasks.js';

/**
 * An Auto Scaling warm pool: pre-initialised instances beside the group. They boot once (cold, the
 * full launch time), then wait Stopped, Running or Hibernated; the ECS agent does not register them
 * while they wait (ECS_WARM_POOLS_CHECK). A scale-out takes a ready one first and it is in service
 * after warmStartMs (warmRunningStartMs from Running) instead of the cold instanceLaunchMs; the pool
 * then launches a replacement to stay at its size.
 */
const READY = new Set<Ec2Instance['lifecycle']>(['Warmed:Stopped', 'Warmed:Running', 'Warmed:Hibernated']);
const GONE = new Set<Ec2Instance['lifecycle']>(['Warmed:Terminating', 'Warmed:Terminated']);

/** The pool's instances that still count toward its size (launching or waiting). */
export function poolInstances(cloud: Cloud, pool: WarmPool): Ec2Instance[] {
  return pool.instanceIds
    .map((id) => cloud.state.instances.get(id))
    .filter((i): i is Ec2Instance => i !== undefined && !GONE.has(i.lifecycle));
}

/**
 * AWS's pool size: MaxGroupPreparedCapacity (default: the group's max size) minus desired capacity,
 * never below MinSize.
 */
export function warmPoolTarget(group: AutoScalingGroup, pool: WarmPool): number {
  const prepared = pool.maxGroupPreparedCapacity ?? group.max;
  return Math.max(pool.minSize, prepared - group.desired);
}

/** Launches instances into the pool up to its size, terminates any beyond it (newest first). */
export function maintainWarmPool(cloud: Cloud, group: AutoScalingGroup): void {
  const pool = group.warmPool;
  if (!pool) return;
  const present = poolInstances(cloud, pool);
  const target = pool.status === 'PendingDelete' ? 0 : warmPoolTarget(group, pool);
  for (let n = present.length; n < target; n++) launchIntoPool(cloud, group, pool);
  const extra = present.slice(target).reverse();
  for (const i of extra) terminatePoolInstance(cloud, group, pool, i);
  if (pool.status === 'PendingDelete' && pool.instanceIds.length === 0) group.warmPool = undefined;
}

function launchIntoPool(cloud: Cloud, group: AutoScalingGroup, pool: WarmPool): void {
  const instance = newInstance(cloud, group, 'Warmed:Pending');
  pool.instanceIds.push(instance.id);
  const act = activity(
    cloud,
    `Launching a new EC2 instance into warm pool: ${instance.id}`,
    `At ${stamp(cloud)} an instance was launched in response to a difference between the desired and actual warm pool capacity.`,
    JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az }),
    group,
  );
  afterWarming(cloud, pool, instance, act);
}

/** A launching pool instance has booted and initialised: it waits in the pool's state. */
function afterWarming(cloud: Cloud, pool: WarmPool, instance: Ec2Instance, act?: ScalingActivity): void {
  cloud.clock.after(cloud.timing.instanceLaunchMs, () => {
    if (instance.lifecycle !== 'Warmed:Pending') return;
    instance.lifecycle = `Warmed:${pool.poolState}`;
    if (act) finish(cloud, act);
  });
}

function finish(cloud: Cloud, act: ScalingActivity): void {
  act.status = 'Successful';
  act.endedAt = cloud.clock.now();
}

/** A pool instance leaves the account: Warmed:Terminating, then gone after warmTerminateMs. */
export function terminatePoolInstance(
  cloud: Cloud,
  group: AutoScalingGroup,
  pool: WarmPool,
  instance: Ec2Instance,
): void {
  if (GONE.has(instance.lifecycle)) return;
  instance.lifecycle = 'Warmed:Terminating';
  const act = activity(
    cloud,
    `Terminating EC2 instance from warm pool: ${instance.id}`,
    `At ${stamp(cloud)} an instance was taken out of the warm pool in response to a difference between the desired and actual warm pool capacity.`,
    JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az }),
    group,
  );
  afterTerminating(cloud, group, pool, instance, act);
}

function afterTerminating(
  cloud: Cloud,
  group: AutoScalingGroup,
  pool: WarmPool,
  instance: Ec2Instance,
  act?: ScalingActivity,
): void {
  cloud.clock.after(cloud.timing.warmTerminateMs, () => {
    instance.lifecycle = 'Warmed:Terminated';
    instance.terminatedAt = cloud.clock.now();
    if (act) finish(cloud, act);
    pool.instanceIds = pool.instanceIds.filter((id) => id !== instance.id);
    if (pool.status === 'PendingDelete' && pool.instanceIds.length === 0 && group.warmPool === pool)
      group.warmPool = undefined;
  });
}

/**
 * Scale-out from the pool: a ready instance joins the group (Pending) and registers after the warm
 * start time. False when the pool has none ready (a cold launch is then the only way).
 */
export function startFromWarmPool(cloud: Cloud, group: AutoScalingGroup, hooks: TaskHooks): boolean {
  const pool = group.warmPool;
  if (!pool || pool.status === 'PendingDelete') return false;
  const ready = poolInstances(cloud, pool).find((i) => READY.has(i.lifecycle));
  if (!ready) return false;
  const fromRunning = ready.lifecycle === 'Warmed:Running';
  pool.instanceIds = pool.instanceIds.filter((id) => id !== ready.id);
  group.instanceIds.push(ready.id);
  ready.lifecycle = 'Pending';
  const act = activity(
    cloud,
    `Launching a new EC2 instance from warm pool: ${ready.id}`,
    group.lastCause ??
      `At ${stamp(cloud)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${group.instanceIds.length - 1} to ${group.instanceIds.length}.`,
    JSON.stringify({ 'Subnet ID': ready.subnetId, 'Availability Zone': ready.az }),
    group,
  );
  const ms = fromRunning ? cloud.timing.warmRunningStartMs : cloud.timing.warmStartMs;
  cloud.clock.after(ms, () => completeLaunch(cloud, ready, act, hooks));
  return true;
}

/** After a restore (no timers survive): pool instances still warming or terminating finish doing so. */
export function resumeWarmPool(cloud: Cloud, group: AutoScalingGroup): void {
  const pool = group.warmPool;
  if (!pool) return;
  for (const id of pool.instanceIds) {
    const instance = cloud.state.instances.get(id);
    const act = group.activities.find((a) => a.status === 'InProgress' && a.description.endsWith(`: ${id}`));
    if (instance?.lifecycle === 'Warmed:Pending') afterWarming(cloud, pool, instance, act);
    if (instance?.lifecycle === 'Warmed:Terminating') afterTerminating(cloud, group, pool, instance, act);
  }
}
