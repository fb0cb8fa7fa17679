import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import { recentSignups, signupLatencyOf } from '../../shared/capacity/signup-latencies.js';
import { type CostReport, costReport } from '../../shared/cost/cost-report.js';
import { type HeadroomTable, headroomTable } from '../../shared/cost/headroom.js';
import { type CostOption, costOptions } from '../../shared/cost/options.js';
import { instancePricePerHour, type PriceBook } from '../../shared/cost/prices.js';
import { type Projection, type ProjectionInput, projectCost } from '../../shared/cost/projection.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';

export const HEADROOM_TARGETS = [100, 90, 80] as const;
const DAY = 24 * 3600_000;

/** Today's packing: users per instance hosting tasks (null when none does). */
export function packingOf(sample: CapacitySample): number | null {
  return sample.reservation.m > 0 && sample.tasks.running > 0
    ? sample.tasks.running /
        Math.max(
          1,
          sample.fleet.containerInstances.filter((ci) => ci.runningTasks + ci.pendingTasks > 0).length,
        )
    : null;
}

export function currentCost(book: PriceBook, sample: CapacitySample): CostReport {
  const idle = new Set(sample.idle.map((i) => i.ec2InstanceId));
  return costReport(book, {
    users: sample.tasks.running,
    observedShapes: observedShapes(sample),
    instances: sample.fleet.asg.instances
      .filter((i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending')
      .map((i) => ({
        instanceId: i.instanceId,
        instanceType: i.instanceType,
        purchaseOption: i.purchaseOption,
        idle: idle.has(i.instanceId),
      })),
  });
}

/** Average spot price of the types the group launches: what one more spare instance costs. */
export function marginalInstancePrice(book: PriceBook, sample: CapacitySample): number {
  const prices = sample.fleet.asg.instanceTypes
    .map((t) => instancePricePerHour(book, t, 'spot'))
    .filter((p): p is number => p !== null);
  return prices.length > 0 ? prices.reduce((s, p) => s + p, 0) / prices.length : 0;
}

export async function currentHeadroom(
  book: PriceBook,
  sample: CapacitySample,
  store: Pick<InstanceStore, 'list'>,
  now: number,
): Promise<HeadroomTable> {
  const signups = (await recentSignups(store, now - DAY)).map(signupLatencyOf);
  return headroomTable({
    targets: HEADROOM_TARGETS,
    instancesInUse: sample.reservation.m,
    usersPerInstance: packingOf(sample) ?? 1,
    instancePricePerHour: marginalInstancePrice(book, sample),
    hoursPerMonth: book.hoursPerMonth,
    signups,
  });
}

/** Registered resources read from running instances, by type. */
export function observedShapes(sample: CapacitySample): Record<string, { cpu: number; memory: number }> {
  const shapes: Record<string, { cpu: number; memory: number }> = {};
  for (const ci of sample.fleet.containerInstances) shapes[ci.instanceType] ??= ci.registered;
  return shapes;
}

/** The projection's input from the fleet of a sample: its group settings and observed shapes. */
export function projectionInput(sample: CapacitySample, users: number): ProjectionInput {
  const onDemand = sample.fleet.asg.instances.filter(
    (i) =>
      i.purchaseOption === 'on-demand' &&
      (i.lifecycleState === 'InService' || i.lifecycleState === 'Pending'),
  ).length;
  return {
    users,
    targetCapacity: sample.fleet.capacityProvider.managedScaling.targetCapacity,
    asgMin: sample.fleet.asg.min,
    asgMax: sample.fleet.asg.max,
    onDemandBase: onDemand,
    instanceTypes: sample.fleet.asg.instanceTypes,
    observedShapes: observedShapes(sample),
    observedUsersPerInstance: packingOf(sample),
  };
}

export function projection(book: PriceBook, sample: CapacitySample, users: number): Projection {
  return projectCost(book, projectionInput(sample, users));
}

export function options(book: PriceBook, sample: CapacitySample, users: number): CostOption[] {
  return costOptions(book, projectionInput(sample, users));
}
