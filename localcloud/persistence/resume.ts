import type { Cloud } from '../cloud.js';
import { launchContainer } from '../runtime/data-plane.js';
import { completeLaunch } from '../sim/asg.js';
import { groups } from '../sim/asg-groups.js';
import { resumeWarmPool } from '../sim/asg-warm-pool.js';
import { hooksFor, reconcileAll } from '../sim/service-scheduler.js';
import { scheduleSpotTermination } from '../sim/spot-interruption.js';
import { checkHealth, forgetAfterDrain } from '../sim/targets.js';
import {
  enterStopping,
  provision,
  pull,
  registerTaskTargets,
  stopTask,
  type TaskHooks,
  taskTargets,
} from '../sim/tasks.js';
import type { AutoScalingGroup, Task } from '../state.js';

/**
 * A restored world has no timers and no processes: every transition that was under way is started
 * again from where it stood. Instances still Pending finish launching; a Spot instance under notice
 * terminates after a full notice; tasks continue their lifecycle (a RUNNING task's container is
 * started again on a new port and its targets are registered anew, health-checked from `initial`);
 * stopping tasks finish stopping; then every service's scheduler looks again.
 */
export function resumeWorld(cloud: Cloud): void {
  const hooks = hooksFor(cloud);
  resumeInstances(cloud, hooks);
  resumeTargets(cloud);
  for (const task of cloud.state.tasks.values()) resumeTask(cloud, task, hooks);
  reconcileAll(cloud);
}

function resumeInstances(cloud: Cloud, hooks: TaskHooks): void {
  for (const group of groups(cloud)) {
    resumeGroup(cloud, group, hooks);
    resumeWarmPool(cloud, group);
  }
}

function resumeGroup(cloud: Cloud, group: AutoScalingGroup, hooks: TaskHooks): void {
  for (const id of group.instanceIds) {
    const instance = cloud.state.instances.get(id);
    if (instance?.lifecycle === 'Pending') {
      // Cold (`Launching a new EC2 instance: i-…`) or from the warm pool (`… from warm pool: i-…`).
      const act = group.activities.find(
        (a) => a.status === 'InProgress' && a.description.endsWith(`: ${id}`),
      );
      const warm = act?.description.includes('from warm pool') === true;
      const ms = warm ? cloud.timing.warmStartMs : cloud.timing.instanceLaunchMs;
      cloud.clock.after(ms, () => completeLaunch(cloud, instance, act, hooks));
    }
    const ci = instance?.containerInstanceArn
      ? cloud.state.containerInstances.get(instance.containerInstanceArn)
      : undefined;
    if (instance?.lifecycle === 'InService' && ci?.status === 'DRAINING')
      scheduleSpotTermination(cloud, instance);
  }
}

/**
 * Targets of running tasks are dropped (their endpoints were the old processes; the tasks register
 * again once their new containers listen). Stopping tasks' draining targets are left to resumeTask.
 * Any other target (registered by hand) is checked again from `initial`, or drains out.
 */
function resumeTargets(cloud: Cloud): void {
  const owned = new Set<string>();
  for (const task of cloud.state.tasks.values()) {
    if (task.lastStatus === 'STOPPED') continue;
    for (const { tgArn, key } of taskTargets(cloud, task)) {
      owned.add(`${tgArn} ${key}`);
      if (task.desiredStatus === 'RUNNING') cloud.state.targetGroups.get(tgArn)?.targets.delete(key);
    }
  }
  for (const tg of cloud.state.targetGroups.values()) {
    for (const [key, target] of tg.targets) {
      if (owned.has(`${tg.arn} ${key}`) || target.state === 'unused') continue;
      if (target.state === 'draining') forgetAfterDrain(cloud, tg, key, target);
      else {
        target.state = 'initial';
        checkHealth(cloud, tg, key, target);
      }
    }
  }
}

function resumeTask(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  if (task.lastStatus === 'STOPPED') return;
  if (task.desiredStatus === 'STOPPED') resumeStopping(cloud, task, hooks);
  // An unplaced PROVISIONING task is in `waiting`: the scheduler places it.
  else if (task.lastStatus === 'PROVISIONING') {
    if (task.containerInstanceArn) provision(cloud, task, hooks);
  } else if (task.lastStatus === 'RUNNING') restartContainer(cloud, task, hooks);
  else {
    task.lastStatus = 'PENDING';
    pull(cloud, task, hooks);
  }
}

/** DEACTIVATING waits out the deregistration delay again, then both go through STOPPING. */
function resumeStopping(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  const draining = taskTargets(cloud, task);
  if (task.lastStatus !== 'DEACTIVATING' || draining.length === 0) {
    enterStopping(cloud, task, hooks);
    return;
  }
  let left = draining.length;
  for (const { tgArn, key } of draining) {
    const tg = cloud.state.targetGroups.get(tgArn);
    const target = tg?.targets.get(key);
    if (!tg || !target) continue;
    forgetAfterDrain(cloud, tg, key, target, () => {
      left -= 1;
      if (left === 0) enterStopping(cloud, task, hooks);
    });
  }
}

/** The task stays RUNNING; its container comes up again and its targets register with the new address. */
function restartContainer(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  if (cloud.dataPlane.kind === 'none') {
    registerTaskTargets(cloud, task, hooks);
    return;
  }
  const current = (): boolean => task.desiredStatus === 'RUNNING' && task.lastStatus === 'RUNNING';
  launchContainer(cloud, task, {
    running: (endpoint) => {
      if (!current()) return;
      registerTaskTargets(cloud, task, hooks, endpoint);
      hooks.changed(task);
    },
    failed: (reason, stopCode) => stopTask(cloud, task, reason, stopCode, hooks),
    exited: () =>
      stopTask(cloud, task, 'Essential container in task exited', 'EssentialContainerExited', hooks),
  });
}
