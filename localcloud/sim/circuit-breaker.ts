import type { Cloud } from '../cloud.js';
import { deploymentId } from '../services/ecs-common.js';
import type { Service, Task } from '../state.js';
import { serviceEvent } from './events.js';

/**
 * ECS's deployment circuit breaker (rolling updates): a deployment whose tasks keep failing moves to
 * `rolloutState: FAILED` and launches no more tasks; with `rollback`, ECS starts a new deployment of the
 * last one that COMPLETED. The threshold is `0.5 * desired count`, at least 3 and at most 200. A task
 * counts as failed when it stops because it could not start, its essential container exited, or it failed
 * its load balancer health checks; a task of the deployment that is healthy resets the count
 * (`resetOnHealthyTask`, true by default). See localcloud/README.md for the documentation quoted.
 */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}

const breaker = (svc: Service) =>
  (svc.deploymentConfiguration.deploymentCircuitBreaker ?? {}) as { enable?: boolean; rollback?: boolean };

const failed = (t: Task) =>
  t.desiredStatus === 'STOPPED' &&
  (t.stopCode === 'TaskFailedToStart' ||
    t.stopCode === 'EssentialContainerExited' ||
    (t.stoppedReason ?? '').startsWith('Task failed ELB health checks'));

type Healthy = (cloud: Cloud, task: Task) => boolean;

function failureCount(cloud: Cloud, svc: Service, deployment: string, healthy: Healthy): number {
  let count = 0;
  for (const t of cloud.state.tasksByService.get(svc.name) ?? []) {
    if (t.deploymentId !== deployment) continue;
    if (healthy(cloud, t)) return 0;
    if (failed(t)) count += 1;
  }
  return count;
}

/**
 * Looks at the service's PRIMARY deployment and fails it once its failures reach the threshold; with
 * rollback, puts a new PRIMARY deployment of the last completed task definition in front. True when it
 * changed the deployments (the scheduler then looks at the service again).
 */
export function tripCircuitBreaker(cloud: Cloud, svc: Service, healthy: Healthy): boolean {
  const primary = svc.deployments[0];
  const { enable, rollback } = breaker(svc);
  if (!enable || !primary || primary.rolloutState !== 'IN_PROGRESS' || svc.status !== 'ACTIVE') return false;
  if (failureCount(cloud, svc, primary.id, healthy) < circuitBreakerThreshold(svc.desiredCount)) return false;
  const now = cloud.clock.now();
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  primary.updatedAt = now;
  serviceEvent(cloud, svc, `(deployment ${primary.id}) deployment failed: tasks failed to start.`);
  const back = svc.lastCompletedTaskDefinitionArn;
  if (!rollback || !back || back === primary.taskDefinitionArn || !cloud.state.taskDefinitions.has(back))
    return false;
  const id = deploymentId(cloud);
  primary.status = 'ACTIVE';
  svc.taskDefinitionArn = back;
  svc.deployments.unshift({
    id,
    status: 'PRIMARY',
    taskDefinitionArn: back,
    createdAt: now,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment circuit breaker: rolling back to deployment ${id}.`,
  });
  svc.steady = false;
  serviceEvent(cloud, svc, `(deployment ${primary.id}) rolling back to deployment ${id}.`);
  return true;
}
