import type { ContainerInstanceInfo, Reservation, Resources } from './sample-types.js';

/**
 * CapacityProviderReservation, as ECS defines it for managed scaling:
 *
 *   reservation = M / N x 100
 *
 * N is the number of instances in the Auto Scaling group that are running (launched and not draining:
 * InService, or Pending while it boots, so a launch in flight is not asked for twice); M is the number
 * of instances needed to run every task assigned to the provider, including tasks still PROVISIONING
 * because nothing has room: instances hosting tasks, plus the empty or new ones the waiting tasks need. Two cases are fixed by definition: no instances and no tasks
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
 * How many instances the waiting tasks need, first-fit in arrival order: empty instances first (idle
 * ones, or launching ones not yet registered), then fresh instances of `shape`. A task larger than the
 * shape still counts one instance (ECS cannot place it, but it does ask for capacity).
 */
export function instancesForTasks(
  tasks: readonly TaskDemand[],
  shape: InstanceShape,
  empty: readonly InstanceShape[] = [],
): number {
  const toBin = (s: InstanceShape) => ({
    cpu: s.cpu,
    memory: s.memory,
    enis: s.enis ?? Number.POSITIVE_INFINITY,
    used: false,
  });
  const bins = empty.map(toBin);
  for (const task of tasks) {
    const enis = task.enis ?? 0;
    let bin = bins.find((b) => b.cpu >= task.cpu && b.memory >= task.memory && b.enis >= enis);
    if (!bin) {
      bin = toBin(shape);
      bins.push(bin);
    }
    bin.cpu -= task.cpu;
    bin.memory -= task.memory;
    bin.enis -= enis;
    bin.used = true;
  }
  return bins.filter((b) => b.used).length;
}

/** An instance hosts work when it has any running or pending task. */
export const hostsTasks = (ci: Pick<ContainerInstanceInfo, 'runningTasks' | 'pendingTasks'>): boolean =>
  ci.runningTasks + ci.pendingTasks > 0;

export interface ReservationInput {
  /** Running instances in the ASG (InService or Pending, not draining). */
  inServiceInstances: number;
  containerInstances: readonly Pick<ContainerInstanceInfo, 'runningTasks' | 'pendingTasks' | 'status'>[];
  waitingTasks: readonly TaskDemand[];
  /** What is free on the running instances without tasks, where waiting tasks go before new ones. */
  emptyInstances?: readonly InstanceShape[];
  /** The shape new instances will have; ECS uses the smallest the group can launch. */
  newInstanceShape: InstanceShape;
}

/** M and N from a fleet: instances hosting tasks, plus the instances the waiting tasks need. */
export function computeReservation(input: ReservationInput): Reservation {
  const hosting = input.containerInstances.filter((ci) => ci.status === 'ACTIVE' && hostsTasks(ci)).length;
  const extra =
    input.waitingTasks.length > 0
      ? instancesForTasks(input.waitingTasks, input.newInstanceShape, input.emptyInstances)
      : 0;
  const m = hosting + extra;
  const n = input.inServiceInstances;
  return { m, n, value: reservationValue(m, n) };
}
