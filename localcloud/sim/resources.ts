import type { Cloud } from '../cloud.js';
import type { ContainerInstance, InstanceType, Task } from '../state.js';

/**
 * Registered resources per type: CPU units and memory left after the ECS agent's reservation, and task
 * ENIs without and with awsvpcTrunking ("a c5.large instance with awsvpcTrunking has an increased ENI
 * limit of twelve ... ten tasks", container-instance-eni.html; the same 10 is taken for these .large types).
 */
export const INSTANCE_TYPES: Record<
  InstanceType,
  { cpu: number; memory: number; enis: number; trunkEnis: number }
> = {
  // 4 GiB and 8 GiB hosts register ~3828 and ~7763 MiB; both have 3 ENIs, one is the host's.
  'c7i-flex.large': { cpu: 2048, memory: 3828, enis: 2, trunkEnis: 10 },
  'm7i-flex.large': { cpu: 2048, memory: 7763, enis: 2, trunkEnis: 10 },
};

/** A task holds resources on its instance from placement until it is STOPPED. */
export const holdsResources = (t: Task): boolean =>
  t.containerInstanceArn !== undefined && t.lastStatus !== 'STOPPED';

export function tasksOn(cloud: Cloud, ciArn: string): Task[] {
  const out: Task[] = [];
  for (const t of cloud.state.tasksByInstance.get(ciArn) ?? []) if (holdsResources(t)) out.push(t);
  return out;
}

/** Adds a value to a set-valued index. */
export function index<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

export interface Remaining {
  cpu: number;
  memory: number;
  enis: number;
  tasks: number;
}

export function remaining(cloud: Cloud, ci: ContainerInstance): Remaining {
  const r = { cpu: ci.cpu, memory: ci.memory, enis: ci.enis, tasks: 0 };
  for (const t of cloud.state.tasksByInstance.get(ci.arn) ?? []) {
    if (!holdsResources(t)) continue;
    r.cpu -= t.cpu;
    r.memory -= t.memory;
    if (t.awsvpc) r.enis -= 1;
    r.tasks += 1;
  }
  return r;
}

/** Why a task does not fit, named as ECS names it in events; undefined when it fits. */
export function misfit(
  r: Remaining,
  t: Pick<Task, 'cpu' | 'memory' | 'awsvpc'>,
): 'memory' | 'CPU' | 'ENI' | undefined {
  if (r.memory < t.memory) return 'memory';
  if (r.cpu < t.cpu) return 'CPU';
  if (t.awsvpc && r.enis < 1) return 'ENI';
  return undefined;
}
