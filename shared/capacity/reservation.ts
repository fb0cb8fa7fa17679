import type { ContainerInstanceInfo, Reservation, Resources } from './sample-types.js';

/**
 * CapacityProviderReservation, as ECS defines it for managed scaling:
 *
 *   reservation = M / N x 100
 *
 * N is the number of instances in the Auto Scaling group that are already running (InService); M is
 * the number of instances needed to run every task assigned to the provider, including tasks still
 * PROVISIONING because nothing has room. Two cases are fixed by definition: no instances and no tasks
 * is 100 (nothing to do), no instances but tasks waiting is 200 (scale out).
 * See https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
 */
export function reservationValue(m: number, n: number): number {
  if (n === 0) return m > 0 ? 200 : 100;
  return (m / n) * 100;
}

/** One task's demand on an instance: its CPU units, memory MiB and (awsvpc) one ENI. */
export interface TaskDemand extends Resources {
  enis?: number;
}

export interface InstanceShape extends Resources {
  /** ENIs available to awsvpc tasks (the instance's limit minus the primary). */
  enis?: number;
}

/**
 * How many fresh instances of one shape the tasks need: first-fit decreasing by memory, the way ECS
 * estimates the instances to add for PROVISIONING tasks. A task larger than the shape still counts one
 * instance (ECS cannot place it anywhere, but it does ask for capacity).
 */
export function instancesForTasks(tasks: readonly TaskDemand[], shape: InstanceShape): number {
  const bins: { cpu: number; memory: number; enis: number }[] = [];
  const sorted = [...tasks].sort((a, b) => b.memory - a.memory || b.cpu - a.cpu);
  for (const task of sorted) {
    const enis = task.enis ?? 0;
    const bin = bins.find((b) => b.cpu >= task.cpu && b.memory >= task.memory && b.enis >= enis);
    if (bin) {
      bin.cpu -= task.cpu;
      bin.memory -= task.memory;
      bin.enis -= enis;
    } else {
      bins.push({
        cpu: shape.cpu - task.cpu,
        memory: shape.memory - task.memory,
        enis: (shape.enis ?? Number.POSITIVE_INFINITY) - enis,
      });
    }
  }
  return bins.length;
}

/** An instance hosts work when it has any running or pending task. */
export const hostsTasks = (ci: Pick<ContainerInstanceInfo, 'runningTasks' | 'pendingTasks'>): boolean =>
  ci.runningTasks + ci.pendingTasks > 0;

export interface ReservationInput {
  /** Running (InService) instances in the ASG. */
  inServiceInstances: number;
  containerInstances: readonly Pick<ContainerInstanceInfo, 'runningTasks' | 'pendingTasks' | 'status'>[];
  waitingTasks: readonly TaskDemand[];
  /** The shape new instances will have; ECS uses the smallest the group can launch. */
  newInstanceShape: InstanceShape;
}

/** M and N from a fleet: instances hosting tasks, plus the instances the waiting tasks need. */
export function computeReservation(input: ReservationInput): Reservation {
  const hosting = input.containerInstances.filter((ci) => ci.status !== 'INACTIVE' && hostsTasks(ci)).length;
  const extra =
    input.waitingTasks.length > 0 ? instancesForTasks(input.waitingTasks, input.newInstanceShape) : 0;
  const m = hosting + extra;
  const n = input.inServiceInstances;
  return { m, n, value: reservationValue(m, n) };
}
