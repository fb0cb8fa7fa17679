import { type Cloud, uuid } from '../cloud.js';
import type { AutoScalingGroup, Ec2Instance, InstanceType, ScalingActivity } from '../state.js';
import { taskEnis } from './account-settings.js';
import { groupOf, groups, providerOf } from './asg-groups.js';
import { maintainWarmPool, startFromWarmPool } from './asg-warm-pool.js';
import { privateSubnetInAz } from './network.js';
import { INSTANCE_TYPES, tasksOn } from './resources.js';
import { killTask, type TaskHooks } from './tasks.js';

/**
 * The Auto Scaling groups: each keeps live instances equal to desired capacity. In the spot group the
 * first instance (on-demand base 1) is c7i-flex.large; spot launches alternate c7i-flex.large /
 * m7i-flex.large; the on-demand group launches its one type. AZs alternate us-west-2a / us-west-2b,
 * so tests can compute what comes next. Functions take the spot group unless given another.
 */
export const SPOT_TYPES: InstanceType[] = ['c7i-flex.large', 'm7i-flex.large'];
export const ON_DEMAND_TYPE: InstanceType = 'c7i-flex.large';
const MAX_ACTIVITIES = 200;

export const liveInstances = (cloud: Cloud, group: AutoScalingGroup = cloud.state.asg): Ec2Instance[] =>
  group.instanceIds
    .map((id) => cloud.state.instances.get(id))
    .filter(
      (i): i is Ec2Instance => i !== undefined && (i.lifecycle === 'Pending' || i.lifecycle === 'InService'),
    );

export function activity(
  cloud: Cloud,
  description: string,
  cause: string,
  details: string,
  group: AutoScalingGroup = cloud.state.asg,
): ScalingActivity {
  const a: ScalingActivity = {
    id: uuid(cloud),
    description,
    cause,
    startedAt: cloud.clock.now(),
    status: 'InProgress',
    details,
  };
  const list = group.activities;
  list.unshift(a);
  if (list.length > MAX_ACTIVITIES) list.length = MAX_ACTIVITIES;
  return a;
}

export const stamp = (cloud: Cloud): string =>
  new Date(cloud.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');

/** Sets desired capacity and records why, in Auto Scaling's words. */
export function changeDesired(
  cloud: Cloud,
  desired: number,
  cause: string,
  asg: AutoScalingGroup = cloud.state.asg,
): void {
  if (desired === asg.desired) return;
  const from = asg.desired;
  asg.desired = desired;
  asg.lastCause = `At ${stamp(cloud)} ${cause} changing the desired capacity from ${from} to ${desired}.`;
}

export function nextLaunch(
  cloud: Cloud,
  asg: AutoScalingGroup = cloud.state.asg,
): { type: InstanceType; market: 'on-demand' | 'spot'; az: string } {
  const onDemand = liveInstances(cloud, asg).filter((i) => i.market === 'on-demand').length;
  const market = asg.onDemandType || onDemand < asg.onDemandBase ? 'on-demand' : 'spot';
  const type =
    market === 'on-demand'
      ? (asg.onDemandType ?? ON_DEMAND_TYPE)
      : (SPOT_TYPES[asg.spotLaunches % SPOT_TYPES.length] as InstanceType);
  const azs = [...new Set(cloud.network.subnets.filter((s) => !s.public).map((s) => s.az))];
  return { type, market, az: azs[asg.launches % azs.length] as string };
}

/** A new EC2 instance of the group's next type and AZ, recorded in the account (not yet in the group). */
export function newInstance(
  cloud: Cloud,
  asg: AutoScalingGroup,
  lifecycle: Ec2Instance['lifecycle'],
): Ec2Instance {
  const { type, market, az } = nextLaunch(cloud, asg);
  asg.launches += 1;
  if (market === 'spot') asg.spotLaunches += 1;
  const subnet = privateSubnetInAz(cloud, az);
  const hostNumber = 200 + asg.launches;
  const [a, b, c] = subnet.prefix.split('.').map(Number) as [number, number, number];
  const instance: Ec2Instance = {
    id: `i-${cloud.rng.hex(17)}`,
    type,
    az,
    subnetId: subnet.id,
    market,
    lifecycle,
    protectedFromScaleIn: true, // NewInstancesProtectedFromScaleIn, required by managed termination protection
    launchedAt: cloud.clock.now(),
    // Each group numbers its hosts in its own /24, so two groups never hand out one address.
    privateIp: `${a}.${b}.${c + (asg === cloud.state.asg ? 15 : 14)}.${hostNumber % 256}`,
    ...(asg === cloud.state.asg ? {} : { group: asg.name }),
  };
  cloud.state.instances.set(instance.id, instance);
  return instance;
}

export function launchInstance(
  cloud: Cloud,
  hooks: TaskHooks,
  immediate = false,
  asg: AutoScalingGroup = cloud.state.asg,
): Ec2Instance {
  const instance = newInstance(cloud, asg, 'Pending');
  asg.instanceIds.push(instance.id);
  const act = activity(
    cloud,
    `Launching a new EC2 instance: ${instance.id}`,
    asg.lastCause ??
      `At ${stamp(cloud)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${asg.instanceIds.length - 1} to ${asg.instanceIds.length}.`,
    JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az }),
    asg,
  );
  if (immediate) completeLaunch(cloud, instance, act, hooks);
  else cloud.clock.after(cloud.timing.instanceLaunchMs, () => completeLaunch(cloud, instance, act, hooks));
  return instance;
}

/** A Pending instance is up: InService, and its container instance registers with the cluster. */
export function completeLaunch(
  cloud: Cloud,
  instance: Ec2Instance,
  act: ScalingActivity | undefined,
  hooks: TaskHooks,
): void {
  if (instance.lifecycle !== 'Pending') return;
  instance.lifecycle = 'InService';
  if (act) {
    act.status = 'Successful';
    act.endedAt = cloud.clock.now();
  }
  registerContainerInstance(cloud, instance);
  hooks.changed();
}

function registerContainerInstance(cloud: Cloud, instance: Ec2Instance): void {
  const spec = INSTANCE_TYPES[instance.type];
  const id = cloud.rng.hex(32);
  const arn = `arn:aws:ecs:${cloud.account.region}:${cloud.account.accountId}:container-instance/${cloud.clusterName}/${id}`;
  const now = cloud.clock.now();
  cloud.state.containerInstances.set(arn, {
    capacityProviderName: providerOf(cloud, groupOf(cloud, instance)),
    arn,
    ec2InstanceId: instance.id,
    type: instance.type,
    az: instance.az,
    status: 'ACTIVE',
    cpu: spec.cpu,
    memory: spec.memory,
    enis: taskEnis(cloud, instance.type),
    registeredAt: now,
    agentConnected: true,
    version: 1,
    idleSince: now,
    tags: [],
  });
  instance.containerInstanceArn = arn;
}

/** Terminates an instance: its container instance goes INACTIVE and any task on it stops at once. */
export function terminateInstance(
  cloud: Cloud,
  instance: Ec2Instance,
  cause: string,
  hooks: TaskHooks,
): void {
  if (instance.lifecycle === 'Terminating' || instance.lifecycle === 'Terminated') return;
  instance.lifecycle = 'Terminating';
  const asg = groupOf(cloud, instance);
  const act = activity(
    cloud,
    `Terminating EC2 instance: ${instance.id}`,
    `At ${stamp(cloud)} ${cause}`,
    JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az }),
    asg,
  );
  const ci = instance.containerInstanceArn
    ? cloud.state.containerInstances.get(instance.containerInstanceArn)
    : undefined;
  if (ci) {
    for (const t of tasksOn(cloud, ci.arn))
      killTask(cloud, t, `Host EC2 (instance ${instance.id}) terminated.`, hooks);
    ci.status = 'INACTIVE';
    ci.agentConnected = false;
    ci.version += 1;
  }
  instance.lifecycle = 'Terminated';
  instance.terminatedAt = cloud.clock.now();
  act.status = 'Successful';
  act.endedAt = cloud.clock.now();
  asg.instanceIds = asg.instanceIds.filter((id) => id !== instance.id);
  hooks.changed();
}

/** Brings every group to its desired capacity, and its warm pool (if any) to its size. */
export function reconcileAsg(cloud: Cloud, hooks: TaskHooks): void {
  for (const g of groups(cloud)) {
    reconcileGroup(cloud, g, hooks);
    if (g.warmPool) maintainWarmPool(cloud, g);
  }
}

/** Live instances to desired: the missing ones from the warm pool first, then cold; unprotected extras go. */
function reconcileGroup(cloud: Cloud, asg: AutoScalingGroup, hooks: TaskHooks): void {
  // instanceIds holds exactly the live (Pending/InService) instances between calls: a cheap fast path.
  if (asg.instanceIds.length === asg.desired) {
    asg.lastCause = undefined;
    return;
  }
  const live = liveInstances(cloud, asg);
  for (let i = live.length; i < asg.desired; i++) {
    if (!startFromWarmPool(cloud, asg, hooks)) launchInstance(cloud, hooks, false, asg);
  }
  if (live.length > asg.desired) {
    // Default termination policy, simplified: idle spot instances first, then newest; protected never.
    const victims = live
      .filter((i) => !i.protectedFromScaleIn)
      .sort(
        (x, y) =>
          Number(x.market === 'on-demand') - Number(y.market === 'on-demand') || y.launchedAt - x.launchedAt,
      )
      .slice(0, live.length - asg.desired);
    for (const v of victims) {
      terminateInstance(
        cloud,
        v,
        'an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity.',
        hooks,
      );
    }
  }
  asg.lastCause = undefined;
}
