import type { Cloud } from '../cloud.js';
import { writeAgentLine } from '../logs/task-logs.js';
import { killContainer, launchContainer, stopContainer } from '../runtime/data-plane.js';
import type { ContainerInstance, LoopbackEndpoint, Task } from '../state.js';
import { serviceEvent, taskId } from './events.js';
import { allocateIp, subnetById } from './network.js';
import { index } from './resources.js';
import { deregisterTarget, registerTarget, targetKey } from './targets.js';

/** The task lifecycle: PROVISIONING -> (placed) -> PENDING -> RUNNING -> DEACTIVATING -> STOPPING -> STOPPED. */
export interface TaskHooks {
  /** Called whenever something changes that the scheduler must look at (the task's service, if any). */
  changed(task?: Task): void;
}

export function placeTask(cloud: Cloud, task: Task, ci: ContainerInstance, hooks: TaskHooks): void {
  const subnetId =
    task.subnetChoices.find((id) => subnetById(cloud, id)?.az === ci.az) ??
    task.subnetChoices[0] ??
    undefined;
  const subnet = subnetId ? subnetById(cloud, subnetId) : undefined;
  task.containerInstanceArn = ci.arn;
  task.az = ci.az;
  task.subnetId = subnet?.id;
  task.ip = subnet ? allocateIp(cloud, subnet) : undefined;
  task.eniId = task.awsvpc ? `eni-${cloud.rng.hex(17)}` : undefined;
  task.version += 1;
  cloud.state.waiting.delete(task);
  index(cloud.state.tasksByInstance, ci.arn, task);
  ci.idleSince = undefined;
  // Managed termination protection: an instance that hosts tasks is protected from scale-in.
  const ec2 = cloud.state.instances.get(ci.ec2InstanceId);
  if (ec2) ec2.protectedFromScaleIn = true;
  const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
  if (svc) serviceEvent(cloud, svc, `has started 1 tasks: (task ${task.id}).`);
  provision(cloud, task, hooks);
}

/** A placed PROVISIONING task: PENDING once its ENI is attached (also where a restored one resumes). */
export function provision(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  cloud.clock.after(cloud.timing.taskProvisioningMs, () => {
    if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'PROVISIONING') return;
    task.lastStatus = 'PENDING';
    task.pullStartedAt = cloud.clock.now();
    task.version += 1;
    hooks.changed(task);
    pull(cloud, task, hooks);
  });
}

/** A PENDING task: its image is pulled, then its container starts (RUNNING once it listens). */
export function pull(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  cloud.clock.after(cloud.timing.taskStartMs, () => {
    if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'PENDING') return;
    if (cloud.dataPlane.kind === 'none') return markRunning(cloud, task, hooks);
    startContainer(cloud, task, hooks);
  });
}

/** The task's container through the runtime: RUNNING once it listens; its exit stops the task. */
function startContainer(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  launchContainer(cloud, task, {
    running: (endpoint) => {
      if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'PENDING') return;
      markRunning(cloud, task, hooks, endpoint);
    },
    failed: (reason, stopCode) => {
      if (stopCode === 'TaskFailedToStart') noteLaunchFailure(cloud, task);
      else {
        // A container that exits at once has still started: ECS moves the task to RUNNING first.
        task.lastStatus = 'RUNNING';
        task.startedAt = cloud.clock.now();
        task.version += 1;
      }
      stopTask(cloud, task, reason, stopCode, hooks);
    },
    exited: () =>
      stopTask(cloud, task, 'Essential container in task exited', 'EssentialContainerExited', hooks),
  });
}

function markRunning(cloud: Cloud, task: Task, hooks: TaskHooks, endpoint?: LoopbackEndpoint): void {
  task.lastStatus = 'RUNNING';
  task.pullStoppedAt = cloud.clock.now();
  task.startedAt = cloud.clock.now();
  task.version += 1;
  writeAgentLine(cloud, task, 'started');
  if (task.serviceName) cloud.dataPlane.launchFailures.delete(task.serviceName);
  registerTaskTargets(cloud, task, hooks, endpoint);
  hooks.changed(task);
}

/**
 * ECS's launch throttle: each task of a service that goes from PENDING straight to STOPPED doubles
 * the wait before the next launch (5 s, 10 s, 20 s ... AWS time, at most 27 minutes); a task that
 * reaches RUNNING, or a new task definition, resets it.
 */
function noteLaunchFailure(cloud: Cloud, task: Task): void {
  if (!task.serviceName) return;
  const failures = cloud.dataPlane.launchFailures;
  const entry = failures.get(task.serviceName);
  const next =
    entry && entry.taskDefinitionArn === task.taskDefinitionArn
      ? entry
      : { count: 0, notBefore: 0, retryScheduled: false, taskDefinitionArn: task.taskDefinitionArn };
  next.count += 1;
  const awsMs = Math.min(27 * 60_000, 5000 * 2 ** (next.count - 1));
  next.notBefore = cloud.clock.now() + awsMs * cloud.timingConfig.timeScale;
  failures.set(task.serviceName, next);
}

export function registerTaskTargets(
  cloud: Cloud,
  task: Task,
  hooks: TaskHooks,
  endpoint?: LoopbackEndpoint,
): void {
  const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
  if (!svc) return;
  for (const lb of svc.loadBalancers) {
    const tg = cloud.state.targetGroups.get(lb.targetGroupArn);
    if (!tg || !task.ip) continue;
    const instanceTarget = tg.settings.TargetType === 'instance';
    const ci = task.containerInstanceArn
      ? cloud.state.containerInstances.get(task.containerInstanceArn)
      : undefined;
    const id = instanceTarget && ci ? ci.ec2InstanceId : task.ip;
    registerTarget(cloud, tg, id, lb.containerPort ?? 80, task.az, () => hooks.changed(task), endpoint);
    serviceEvent(cloud, svc, `registered 1 targets in (target-group ${tg.arn})`);
  }
}

/** The target keys a task holds in each of its service's target groups. */
export function taskTargets(cloud: Cloud, task: Task): { tgArn: string; key: string }[] {
  const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
  if (!svc || !task.ip) return [];
  const out: { tgArn: string; key: string }[] = [];
  for (const lb of svc.loadBalancers) {
    const tg = cloud.state.targetGroups.get(lb.targetGroupArn);
    if (!tg) continue;
    const ci = task.containerInstanceArn
      ? cloud.state.containerInstances.get(task.containerInstanceArn)
      : undefined;
    const id = tg.settings.TargetType === 'instance' && ci ? ci.ec2InstanceId : task.ip;
    const key = targetKey(id, lb.containerPort ?? 80);
    if (tg.targets.has(key)) out.push({ tgArn: tg.arn, key });
  }
  return out;
}

/**
 * Stops a task as the service scheduler does: deregister from its target groups and wait out the
 * deregistration delay (DEACTIVATING), then STOPPING, then STOPPED, which frees its resources.
 */
export function stopTask(cloud: Cloud, task: Task, reason: string, stopCode: string, hooks: TaskHooks): void {
  if (task.desiredStatus === 'STOPPED') return;
  const now = cloud.clock.now();
  task.desiredStatus = 'STOPPED';
  task.stoppingAt = now;
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  task.version += 1;
  const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
  if (!task.containerInstanceArn) {
    finish(cloud, task, hooks);
    return;
  }
  if (svc && task.lastStatus === 'RUNNING')
    serviceEvent(cloud, svc, `has stopped 1 running tasks: (task ${task.id}).`);
  const targets = taskTargets(cloud, task);
  const stopping = (): void => enterStopping(cloud, task, hooks);
  if (targets.length === 0) {
    stopping();
    return;
  }
  task.lastStatus = 'DEACTIVATING';
  let left = targets.length;
  for (const { tgArn, key } of targets) {
    const tg = cloud.state.targetGroups.get(tgArn);
    if (!tg) continue;
    if (svc) serviceEvent(cloud, svc, `deregistered 1 targets in (target-group ${tgArn})`);
    deregisterTarget(cloud, tg, key, () => {
      left -= 1;
      if (left === 0) stopping();
    });
  }
}

/** DEACTIVATING is over: STOPPING, the container is stopped, then STOPPED (also a restored task's way out). */
export function enterStopping(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  if (task.lastStatus === 'STOPPED') return;
  task.lastStatus = 'STOPPING';
  task.version += 1;
  hooks.changed(task);
  // The container gets SIGTERM now and SIGKILL after its stopTimeout; STOPPED once it has exited.
  const gone = stopContainer(cloud, task);
  cloud.clock.after(cloud.timing.taskProvisioningMs, () => void gone.then(() => finish(cloud, task, hooks)));
}

/** Ends a task at once (its host is gone): no deregistration delay. */
export function killTask(cloud: Cloud, task: Task, reason: string, hooks: TaskHooks): void {
  if (task.desiredStatus !== 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = cloud.clock.now();
    task.stoppedReason = reason;
    task.stopCode = 'TerminationNotice';
  }
  for (const { tgArn, key } of taskTargets(cloud, task))
    cloud.state.targetGroups.get(tgArn)?.targets.delete(key);
  killContainer(cloud, task);
  finish(cloud, task, hooks);
}

function finish(cloud: Cloud, task: Task, hooks: TaskHooks): void {
  if (task.lastStatus === 'STOPPED') return;
  task.lastStatus = 'STOPPED';
  task.stoppedAt = cloud.clock.now();
  task.version += 1;
  if (task.startedAt !== undefined) writeAgentLine(cloud, task, 'stopped');
  // Whatever path stopped it, no container outlives a STOPPED task.
  killContainer(cloud, task);
  cloud.state.waiting.delete(task);
  const ci = task.containerInstanceArn
    ? cloud.state.containerInstances.get(task.containerInstanceArn)
    : undefined;
  if (ci) {
    const onHost = cloud.state.tasksByInstance.get(ci.arn);
    onHost?.delete(task);
    if (!onHost || onHost.size === 0) ci.idleSince = cloud.clock.now();
  }
  hooks.changed(task);
}

export { taskId };
