import { type Cloud, uuid } from '../cloud.js';
import type { Ec2Instance, InstanceType, ScalingActivity } from '../state.js';
import { taskEnis } from './account-settings.js';
import { privateSubnetInAz } from './network.js';
import { INSTANCE_TYPES, tasksOn } from './resources.js';
import { killTask, type TaskHooks } from './tasks.js';

/**
 * The Auto Scaling group: keeps live instances equal to desired capacity. The first instance
 * (on-demand base 1) is c7i-flex.large; spot launches alternate c7i-flex.large / m7i-flex.large;
 * AZs alternate us-west-2a / us-west-2b, so tests can compute what comes next.
 */
export const SPOT_TYPES: InstanceType[] = ['c7i-flex.large', 'm7i-flex.large'];
export const ON_DEMAND_TYPE: InstanceType = 'c7i-flex.large';
const MAX_ACTIVITIES = 200;

export const liveInstances = (cloud: Cloud): Ec2Instance[] =>
  cloud.state.asg.instanceIds
    .map((id) => cloud.state.instances.get(id))
    .filter(
      (i): i is Ec2Instance => i !== undefined && (i.lifecycle === 'Pending' || i.lifecycle === 'InService'),
    );

export function activity(cloud: Cloud, description: string, cause: string, details: string): ScalingActivity {
  const a: ScalingActivity = {
    id: uuid(cloud),
    description,
    cause,
    startedAt: cloud.clock.now(),
    status: 'InProgress',
    details,
  };
  const list = cloud.state.asg.activities;
  list.unshift(a);
  if (list.length > MAX_ACTIVITIES) list.length = MAX_ACTIVITIES;
  return a;
}

const stamp = (cloud: Cloud): string => new Date(cloud.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');

/** Sets desired capacity and records why, in Auto Scaling's words. */
export function changeDesired(cloud: Cloud, desired: number, cause: string): void {
  const asg = cloud.state.asg;
  if (desired === asg.desired) return;
  const from = asg.desired;
  asg.desired = desired;
  asg.lastCause = `At ${stamp(cloud)} ${cause} changing the desired capacity from ${from} to ${desired}.`;
}

export function nextLaunch(cloud: Cloud): { type: InstanceType; market: 'on-demand' | 'spot'; az: string } {
  const asg = cloud.state.asg;
  const onDemand = liveInstances(cloud).filter((i) => i.market === 'on-demand').length;
  const market = onDemand < asg.onDemandBase ? 'on-demand' : 'spot';
  const type =
    market === 'on-demand'
      ? ON_DEMAND_TYPE
      : (SPOT_TYPES[asg.spotLaunches % SPOT_TYPES.length] as InstanceType);
  const azs = [...new Set(cloud.network.subnets.filter((s) => !s.public).map((s) => s.az))];
  return { type, market, az: azs[asg.launches % azs.length] as string };
}

export function launchInstance(cloud: Cloud, hooks: TaskHooks, immediate = false): Ec2Instance {
  const asg = cloud.state.asg;
  const { type, market, az } = nextLaunch(cloud);
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
    lifecycle: 'Pending',
    protectedFromScaleIn: true, // NewInstancesProtectedFromScaleIn, required by managed termination protection
    launchedAt: cloud.clock.now(),
    privateIp: `${a}.${b}.${c + 15}.${hostNumber % 256}`,
  };
  cloud.state.instances.set(instance.id, instance);
  asg.instanceIds.push(instance.id);
  const act = activity(
    cloud,
    `Launching a new EC2 instance: ${instance.id}`,
    asg.lastCause ??
      `At ${stamp(cloud)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${asg.instanceIds.length - 1} to ${asg.instanceIds.length}.`,
    JSON.stringify({ 'Subnet ID': subnet.id, 'Availability Zone': az }),
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
  const act = activity(
    cloud,
    `Terminating EC2 instance: ${instance.id}`,
    `At ${stamp(cloud)} ${cause}`,
    JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az }),
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
  const asg = cloud.state.asg;
  asg.instanceIds = asg.instanceIds.filter((id) => id !== instance.id);
  hooks.changed();
}

/** Brings live instances to desired: launch the missing ones, terminate unprotected extras. */
export function reconcileAsg(cloud: Cloud, hooks: TaskHooks): void {
  const asg = cloud.state.asg;
  // instanceIds holds exactly the live (Pending/InService) instances between calls: a cheap fast path.
  if (asg.instanceIds.length === asg.desired) {
    asg.lastCause = undefined;
    return;
  }
  const live = liveInstances(cloud);
  for (let i = live.length; i < asg.desired; i++) launchInstance(cloud, hooks);
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
