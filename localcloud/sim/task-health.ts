import type { Cloud } from '../cloud.js';
import type { Service, Task } from '../state.js';
import { scaledSetting } from '../timing.js';
import { serviceEvent } from './events.js';
import { reconcileAll } from './service-scheduler.js';
import { stopTask, type TaskHooks, taskTargets } from './tasks.js';

/** Tasks whose end-of-grace re-check is already scheduled (one timer per task). */
const graceTimers = new WeakSet<Task>();

/**
 * ECS replaces a service's task whose load balancer target is unhealthy once the service's
 * healthCheckGracePeriodSeconds (scaled) since the task started has passed: it says which target group
 * found it unhealthy, stops it, and the desired count brings a new one.
 */
export function replaceUnhealthy(cloud: Cloud, svc: Service, hooks: TaskHooks): void {
  for (const task of cloud.state.tasksByService.get(svc.name) ?? []) {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') continue;
    const bad = taskTargets(cloud, task)
      .map(({ tgArn, key }) => ({ tgArn, target: cloud.state.targetGroups.get(tgArn)?.targets.get(key) }))
      .find(({ target }) => target?.state === 'unhealthy');
    if (!bad?.target) continue;
    const graceEnds =
      (task.startedAt ?? 0) + scaledSetting(cloud.timingConfig, svc.healthCheckGracePeriodSeconds ?? 0, 0);
    const now = cloud.clock.now();
    if (now < graceEnds) {
      if (!graceTimers.has(task)) {
        graceTimers.add(task);
        cloud.clock.after(graceEnds - now, () => reconcileAll(cloud, svc.name));
      }
      continue;
    }
    const why = bad.target.health?.description ?? 'Health checks failed';
    serviceEvent(
      cloud,
      svc,
      `(task ${task.id}) (port ${bad.target.port}) is unhealthy in (target-group ${bad.tgArn}) due to (reason ${why}).`,
    );
    stopTask(
      cloud,
      task,
      `Task failed ELB health checks in (target-group ${bad.tgArn})`,
      'ServiceSchedulerInitiated',
      hooks,
    );
  }
}

/**
 * The launch throttle (see tasks.ts noteLaunchFailure): while a service waits out its backoff, no new
 * task starts; one reconcile is scheduled for when it ends, and ECS's event is said once per run.
 */
export function launchAllowed(cloud: Cloud, svc: Service): boolean {
  const entry = cloud.dataPlane.launchFailures.get(svc.name);
  const now = cloud.clock.now();
  // A new task definition returns the service to normal at once, as ECS documents.
  if (entry && entry.taskDefinitionArn !== svc.taskDefinitionArn)
    cloud.dataPlane.launchFailures.delete(svc.name);
  if (!entry || entry.taskDefinitionArn !== svc.taskDefinitionArn || now >= entry.notBefore) return true;
  if (!entry.retryScheduled) {
    entry.retryScheduled = true;
    serviceEvent(cloud, svc, 'is unable to consistently start tasks successfully.');
    cloud.clock.after(entry.notBefore - now, () => {
      entry.retryScheduled = false;
      reconcileAll(cloud, svc.name);
    });
  }
  return false;
}
