import { arns } from '../arns.js';
import { type Cloud, uuid } from '../cloud.js';
import type { Deployment, Service, Task } from '../state.js';
import { reconcileAsg } from './asg.js';
import { providerForNextTask } from './capacity-provider-strategy.js';
import { tripCircuitBreaker } from './circuit-breaker.js';
import { serviceEvent } from './events.js';
import { choosePlacement, type Placement } from './placement.js';
import { index } from './resources.js';
import { launchAllowed, replaceUnhealthy } from './task-health.js';
import { placeTask, stopTask, type TaskHooks, taskTargets } from './tasks.js';

/**
 * The ECS service scheduler: keeps each service at its desired count, places waiting tasks,
 * replaces old deployments once the new one is healthy, and reports what it does as service events.
 * Every mutation calls reconcileAll naming the service it touched (or none); only those services are
 * looked at, so the cost of a change does not grow with the fleet. The periodic evaluation looks at
 * all. A call made while a pass runs just asks for another pass.
 */
export function hooksFor(cloud: Cloud): TaskHooks {
  return { changed: (task) => reconcileAll(cloud, task?.serviceName ?? null) };
}

/** serviceName: the service to look at; undefined: all of them; null: none (placement and ASG only). */
export function reconcileAll(cloud: Cloud, serviceName?: string | null): void {
  const guard = cloud.reconcile;
  guard.generation += 1;
  if (serviceName === undefined) guard.all = true;
  else if (serviceName !== null) guard.dirty.add(serviceName);
  if (guard.running) {
    guard.again = true;
    return;
  }
  guard.running = true;
  try {
    const hooks = hooksFor(cloud);
    let passes = 0;
    do {
      guard.again = false;
      const names = guard.all ? [...cloud.state.services.keys()] : [...guard.dirty];
      guard.all = false;
      guard.dirty.clear();
      const services = names
        .map((n) => cloud.state.services.get(n))
        .filter((s): s is Service => s !== undefined);
      for (const svc of services) reconcileService(cloud, svc, hooks);
      placeWaiting(cloud, hooks);
      for (const svc of services) checkSteady(cloud, svc);
      reconcileAsg(cloud, hooks);
      passes += 1;
    } while ((guard.again || guard.all || guard.dirty.size > 0) && passes < 50);
  } finally {
    guard.running = false;
  }
}

const serviceTasks = (cloud: Cloud, svc: Service): Task[] => {
  const out: Task[] = [];
  for (const t of cloud.state.tasksByService.get(svc.name) ?? []) if (t.lastStatus !== 'STOPPED') out.push(t);
  return out;
};

export const isHealthy = (cloud: Cloud, task: Task): boolean => {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
  const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
  if (!svc || svc.loadBalancers.length === 0) return true;
  const held = taskTargets(cloud, task);
  if (held.length < svc.loadBalancers.length) return false;
  return held.every(
    ({ tgArn, key }) => cloud.state.targetGroups.get(tgArn)?.targets.get(key)?.state === 'healthy',
  );
};

/** Order in which extra tasks are stopped: unplaced first, then the least advanced, then newest. */
const STOP_ORDER: Record<string, number> = { PROVISIONING: 0, PENDING: 1, ACTIVATING: 2, RUNNING: 3 };

function reconcileService(cloud: Cloud, svc: Service, hooks: TaskHooks): void {
  if (svc.status === 'INACTIVE') return;
  const primary = svc.deployments[0];
  if (!primary) return;
  replaceUnhealthy(cloud, svc, hooks);
  const live = serviceTasks(cloud, svc).filter((t) => t.desiredStatus === 'RUNNING');
  const mine = live.filter((t) => t.deploymentId === primary.id);
  const old = live.filter((t) => t.deploymentId !== primary.id);
  const want = svc.status === 'ACTIVE' ? svc.desiredCount : 0;
  // A deployment the circuit breaker failed launches nothing more; with rollback, a new one replaces it.
  if (tripCircuitBreaker(cloud, svc, isHealthy)) {
    reconcileService(cloud, svc, hooks);
    return;
  }
  if (mine.length < want && primary.rolloutState !== 'FAILED' && launchAllowed(cloud, svc))
    for (let i = mine.length; i < want; i++) createServiceTask(cloud, svc, primary);
  if (mine.length > want) {
    const extras = [...mine]
      .sort(
        (a, b) =>
          Number(a.containerInstanceArn !== undefined) - Number(b.containerInstanceArn !== undefined) ||
          (STOP_ORDER[a.lastStatus] ?? 9) - (STOP_ORDER[b.lastStatus] ?? 9) ||
          b.createdAt - a.createdAt,
      )
      .slice(0, mine.length - want);
    for (const t of extras)
      stopTask(
        cloud,
        t,
        `Scaling activity initiated by (deployment ${primary.id})`,
        'ServiceSchedulerInitiated',
        hooks,
      );
  }
  // Rolling update with minimumHealthyPercent 100: old tasks go once the new ones are healthy.
  const healthy = mine.filter((t) => isHealthy(cloud, t)).length;
  if (old.length > 0 && healthy >= want) {
    for (const t of old) {
      stopTask(
        cloud,
        t,
        `Scaling activity initiated by (deployment ${primary.id})`,
        'ServiceSchedulerInitiated',
        hooks,
      );
    }
  }
  const remainingTasks = serviceTasks(cloud, svc);
  for (const d of svc.deployments.slice(1)) {
    if (!remainingTasks.some((t) => t.deploymentId === d.id)) d.status = 'INACTIVE';
  }
  svc.deployments = svc.deployments.filter((d) => d.status !== 'INACTIVE');
  if (svc.status === 'DRAINING' && remainingTasks.length === 0) {
    svc.status = 'INACTIVE';
    svc.inactiveAt = cloud.clock.now();
    for (const d of svc.deployments) d.status = 'INACTIVE';
  }
}

function createServiceTask(cloud: Cloud, svc: Service, deployment: Deployment): Task {
  const td = cloud.state.taskDefinitions.get(deployment.taskDefinitionArn);
  const id = cloud.rng.hex(32);
  const awsvpc = (svc.networkConfiguration?.awsvpcConfiguration ?? undefined) as
    | { subnets?: string[] }
    | undefined;
  const cp = providerForNextTask(cloud, svc);
  const task: Task = {
    arn: arns.task(cloud.account, cloud.clusterName, id),
    id,
    serviceName: svc.name,
    deploymentId: deployment.id,
    taskDefinitionArn: deployment.taskDefinitionArn,
    cpu: td?.cpu ?? 0,
    memory: td?.memory ?? 0,
    awsvpc: td?.networkMode === 'awsvpc',
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: cloud.clock.now(),
    subnetChoices: awsvpc?.subnets ?? [],
    attachmentId: uuid(cloud),
    version: 1,
    group: `service:${svc.name}`,
    startedBy: deployment.id,
    capacityProviderName: typeof cp === 'string' ? cp : undefined,
    tags:
      svc.propagateTags === 'SERVICE'
        ? [...svc.tags]
        : svc.propagateTags === 'TASK_DEFINITION'
          ? [...(td?.tags ?? [])]
          : [],
  };
  cloud.state.tasks.set(task.arn, task);
  index(cloud.state.tasksByService, svc.name, task);
  cloud.state.waiting.add(task);
  svc.steady = false;
  return task;
}

/** Tasks waiting for an instance, oldest first (the set keeps creation order). */
export function waitingTasks(cloud: Cloud): Task[] {
  return [...cloud.state.waiting];
}

function placeWaiting(cloud: Cloud, hooks: TaskHooks): void {
  // Placing only ever uses capacity up, so a shape that found no room stays without room this pass.
  const failed = new Map<string, Placement>();
  for (const task of waitingTasks(cloud)) {
    // A shape includes the capacity provider: one provider being full says nothing about another.
    const shape = `${task.cpu}|${task.memory}|${task.awsvpc}|${task.subnetChoices.join(',')}|${task.capacityProviderName}`;
    let p = failed.get(shape);
    if (!p) {
      const allowedAzs = new Set(
        task.subnetChoices.map((id) => cloud.network.subnets.find((s) => s.id === id)?.az),
      );
      p = choosePlacement(cloud, task, task.subnetChoices.length > 0 ? allowedAzs : undefined);
      if (!p.ok) failed.set(shape, p);
    }
    if (p.ok) {
      placeTask(cloud, task, p.instance, hooks);
      continue;
    }
    const svc = task.serviceName ? cloud.state.services.get(task.serviceName) : undefined;
    if (!svc || task.unplaceableReported) continue;
    task.unplaceableReported = true;
    const prefix = 'was unable to place a task because no container instance met all of its requirements.';
    if (!p.closest) {
      serviceEvent(
        cloud,
        svc,
        `${prefix} Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
      );
      continue;
    }
    const ciId = p.closest.arn.slice(p.closest.arn.lastIndexOf('/') + 1);
    const detail =
      p.reason === 'ENI'
        ? `encountered error "RESOURCE:ENI"`
        : `has insufficient ${p.reason === 'CPU' ? 'CPU units' : 'memory'} available`;
    serviceEvent(
      cloud,
      svc,
      `${prefix} The closest matching (container-instance ${ciId}) ${detail}. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
  }
}

function checkSteady(cloud: Cloud, svc: Service): void {
  if (svc.status !== 'ACTIVE') return;
  const primary = svc.deployments[0];
  const tasks = serviceTasks(cloud, svc);
  const steady =
    primary !== undefined &&
    svc.deployments.length === 1 &&
    tasks.length === svc.desiredCount &&
    tasks.every((t) => t.deploymentId === primary.id && isHealthy(cloud, t));
  if (!steady) {
    svc.steady = false;
    return;
  }
  if (svc.steady) return;
  svc.steady = true;
  if (primary.rolloutState === 'IN_PROGRESS') {
    svc.lastCompletedTaskDefinitionArn = primary.taskDefinitionArn;
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = cloud.clock.now();
    serviceEvent(cloud, svc, `(deployment ${primary.id}) deployment completed.`);
  }
  serviceEvent(cloud, svc, 'has reached a steady state.');
}
