import { type CostedInstance, type CostReport, costReport } from './cost-report.js';
import { instancePricePerHour, type PriceBook } from './prices.js';

/**
 * Cost at N users with today's packing and prices: as many instances as N users need at the current
 * users-per-instance (or, with no users yet, as many tasks as fit the smallest instance type), scaled
 * up for the target capacity, never below the group's min; the on-demand base stays, the rest is spot
 * in today's mix of types.
 */
export interface ProjectionInput {
  users: number;
  /** Users per instance in use today; null when no user runs yet. */
  usersPerInstance: number | null;
  targetCapacity: number;
  asgMin: number;
  asgMax: number;
  onDemandBase: number;
  /** Instance types launched today (spot mix), in the ASG's order. */
  instanceTypes: readonly string[];
  /** Registered resources of each type, to pack tasks when nobody runs yet. */
  shapes: Readonly<Record<string, { cpu: number; memory: number }>>;
}

export interface Projection {
  users: number;
  usersPerInstance: number;
  instances: number;
  cappedAtMax: boolean;
  report: CostReport;
}

export function tasksPerInstance(book: PriceBook, shape: { cpu: number; memory: number }): number {
  return Math.max(
    1,
    Math.min(Math.floor(shape.cpu / book.usage.taskCpu), Math.floor(shape.memory / book.usage.taskMemory)),
  );
}

export function projectCost(book: PriceBook, input: ProjectionInput): Projection {
  const types = input.instanceTypes.length > 0 ? input.instanceTypes : Object.keys(book.prices.ec2);
  const fitting = types.map((t) => input.shapes[t]).filter((s) => s !== undefined);
  const packing =
    input.usersPerInstance && input.usersPerInstance > 0
      ? input.usersPerInstance
      : fitting.length > 0
        ? Math.min(...fitting.map((s) => tasksPerInstance(book, s)))
        : 1;
  const needed = input.users > 0 ? Math.ceil(input.users / packing - 1e-9) : 0;
  const withHeadroom = Math.ceil((needed * 100) / input.targetCapacity - 1e-9);
  const wanted = Math.max(input.asgMin, withHeadroom);
  const count = Math.min(input.asgMax, wanted);
  const instances: CostedInstance[] = [];
  const priced = types.filter((t) => instancePricePerHour(book, t, 'spot') !== null);
  const spotTypes = priced.length > 0 ? priced : types;
  for (let i = 0; i < count; i++) {
    const onDemand = i < input.onDemandBase;
    instances.push({
      instanceId: `projected-${i + 1}`,
      instanceType: onDemand ? types[0]! : spotTypes[(i - input.onDemandBase) % spotTypes.length]!,
      purchaseOption: onDemand ? 'on-demand' : 'spot',
      idle: i >= needed,
    });
  }
  return {
    users: input.users,
    usersPerInstance: packing,
    instances: count,
    cappedAtMax: wanted > input.asgMax,
    report: costReport(book, { instances, users: input.users }),
  };
}
