import { KNOWN_SHAPES } from '../capacity/instance-shapes.js';

/**
 * What an instance type offers awsvpc tasks: registered CPU and memory (what the ECS agent registers),
 * task ENIs without trunking (the type's network interfaces minus the primary one) and with the
 * awsvpcTrunking account setting. AWS: "a c5.large instance with awsvpcTrunking has an increased ENI
 * limit of twelve ... So this configuration allows you to launch ten tasks on the container instance
 * instead of the current two tasks" (docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html).
 * The per-type trunk limits follow that page's table for the same size (.large 10, .xlarge 20); for the
 * flex types the table is the one to check (`trunkingSource`).
 */
export interface InstanceTypeFacts {
  cpu: number;
  memory: number;
  enis: number;
  trunkEnis: number;
  /** Where the trunk ENI figure comes from. */
  trunkingSource: 'aws-table' | 'assumed-same-as-size';
  /** Registered memory was read from a running instance (true) or estimated from the type's RAM. */
  memoryMeasured: boolean;
}

const seed = (
  type: 'c7i-flex.large' | 'm7i-flex.large',
): Pick<InstanceTypeFacts, 'cpu' | 'memory' | 'enis'> => {
  const s = KNOWN_SHAPES[type]!;
  return { cpu: s.cpu, memory: s.memory, enis: s.enis };
};

/** A .large of the wider set: 2 vCPU, 2 ENIs (10 trunked, AWS's table), memory estimated from its RAM. */
const large = (memory: number): InstanceTypeFacts => ({
  cpu: 2048,
  memory,
  enis: 2,
  trunkEnis: 10,
  trunkingSource: 'aws-table',
  memoryMeasured: false,
});

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeFacts>> = {
  'c7i-flex.large': {
    ...seed('c7i-flex.large'),
    trunkEnis: 10,
    trunkingSource: 'assumed-same-as-size',
    memoryMeasured: true,
  },
  'm7i-flex.large': {
    ...seed('m7i-flex.large'),
    trunkEnis: 10,
    trunkingSource: 'assumed-same-as-size',
    memoryMeasured: true,
  },
  // Registered memory of the wider set: the type's RAM minus what the agent keeps, scaled from the two
  // measured types (4 GiB -> 3,828 MiB, 8 GiB -> 7,763 MiB).
  'c7i.large': large(3828),
  'c6i.large': large(3828),
  'm7i.large': large(7763),
  'm6i.large': large(7763),
  'r7i.large': large(15633),
  'm7i-flex.xlarge': {
    cpu: 4096,
    memory: 15633,
    enis: 3,
    trunkEnis: 20,
    trunkingSource: 'assumed-same-as-size',
    memoryMeasured: false,
  },
};

export type PackingLimit = 'eni' | 'cpu' | 'memory';

export interface Packing {
  tasks: number;
  /** The resource that runs out first (ENIs win ties: they are the one no task size changes). */
  limit: PackingLimit;
  byLimit: Record<PackingLimit, number>;
}

/** How many tasks of `task` size fit one instance of `shape`, and what stops the next one. */
export function packingOf(
  shape: { cpu: number; memory: number; enis: number; trunkEnis?: number },
  task: { cpu: number; memory: number },
  trunking: boolean,
): Packing {
  const byLimit = {
    eni: trunking ? (shape.trunkEnis ?? shape.enis) : shape.enis,
    cpu: Math.floor(shape.cpu / task.cpu),
    memory: Math.floor(shape.memory / task.memory),
  };
  const tasks = Math.max(0, Math.min(byLimit.eni, byLimit.cpu, byLimit.memory));
  const limit: PackingLimit = byLimit.eni === tasks ? 'eni' : byLimit.cpu === tasks ? 'cpu' : 'memory';
  return { tasks, limit, byLimit };
}

/** Facts for a type: the catalog, with registered CPU and memory replaced by what was observed. */
export function factsFor(type: string, observed?: { cpu: number; memory: number }): InstanceTypeFacts | null {
  const known = INSTANCE_TYPES[type];
  if (!known && !observed) return null;
  const base = known ?? {
    cpu: 0,
    memory: 0,
    enis: 2,
    trunkEnis: 2,
    trunkingSource: 'assumed-same-as-size',
    memoryMeasured: false,
  };
  return observed ? { ...base, ...observed, memoryMeasured: true } : base;
}
