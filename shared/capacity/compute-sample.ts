import { costReport } from '../cost/cost-report.js';
import type { PriceBook } from '../cost/prices.js';
import { findIdleInstances, type PreviousIdleView } from './idle-instances.js';
import { KNOWN_SHAPES, smallestShape, taskEnisOf } from './instance-shapes.js';
import { nextScalingAction } from './managed-scaling.js';
import { computeReservation } from './reservation.js';
import type { CapacitySample, FleetSnapshot, WaitingSignup } from './sample-types.js';
import { computeUtilisation } from './utilisation.js';

/** The previous full sample's idle view, so idle time carries across ticks. */
export function idleViewOf(previous: CapacitySample | null): PreviousIdleView | null {
  if (!previous) return null;
  return {
    at: previous.at,
    seen: new Set(previous.fleet.containerInstances.map((ci) => ci.ec2InstanceId)),
    idleSince: new Map(previous.idle.map((i) => [i.ec2InstanceId, i.idleSince])),
  };
}

/** Every computed figure of a sample, from what the sampler read. Pure: the tests feed it tables. */
export function computeSample(input: {
  bucket: number;
  resolutionMs: number;
  fleet: FleetSnapshot;
  previous: CapacitySample | null;
  waitingSignups: WaitingSignup[];
  prices: PriceBook;
}): CapacitySample {
  const { fleet } = input;
  const now = fleet.at;
  const observed: Record<string, { cpu: number; memory: number }> = {};
  for (const ci of fleet.containerInstances) observed[ci.instanceType] ??= ci.registered;
  const shape = smallestShape(fleet.asg.instanceTypes, observed);
  const ciByInstance = new Map(fleet.containerInstances.map((ci) => [ci.ec2InstanceId, ci]));
  const running = fleet.asg.instances.filter(
    (i) =>
      (i.lifecycleState === 'InService' || i.lifecycleState === 'Pending') &&
      ciByInstance.get(i.instanceId)?.status !== 'DRAINING',
  );
  const emptyInstances = running.flatMap((i) => {
    const ci = ciByInstance.get(i.instanceId);
    if (!ci) return [{ ...(KNOWN_SHAPES[i.instanceType] ?? shape) }];
    if (ci.status !== 'ACTIVE' || ci.runningTasks + ci.pendingTasks > 0) return [];
    return [{ ...ci.remaining, enis: taskEnisOf(ci.instanceType) }];
  });
  const reservation = computeReservation({
    inServiceInstances: running.length,
    emptyInstances,
    containerInstances: fleet.containerInstances,
    waitingTasks: fleet.waitingTasks.map((t) => ({ cpu: t.cpu, memory: t.memory, enis: 1 })),
    newInstanceShape: { ...shape, enis: shape.enis ?? 2 },
  });
  const azs = new Set(fleet.asg.instances.map((i) => i.availabilityZone));
  const scaling = nextScalingAction({
    reservation,
    settings: fleet.capacityProvider.managedScaling,
    asg: fleet.asg,
    mixedInstances: fleet.asg.instanceTypes.length > 1 || azs.size > 1,
  });
  const active = fleet.containerInstances.filter((ci) => ci.status !== 'INACTIVE');
  const idle = findIdleInstances(active, now, idleViewOf(input.previous));
  const idleIds = new Set(idle.map((i) => i.ec2InstanceId));
  const runningTasks = active.reduce((s, ci) => s + ci.runningTasks, 0);
  const pending = active.reduce((s, ci) => s + ci.pendingTasks, 0);
  const billed = fleet.asg.instances.filter(
    (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
  );
  const report = costReport(input.prices, {
    users: runningTasks,
    instances: billed.map((i) => ({
      instanceId: i.instanceId,
      instanceType: i.instanceType,
      purchaseOption: i.purchaseOption,
      idle: idleIds.has(i.instanceId),
    })),
  });
  return {
    bucket: input.bucket,
    at: now,
    resolutionMs: input.resolutionMs,
    fleet,
    reservation,
    scaling,
    utilisation: computeUtilisation(active),
    idle,
    waitingSignups: input.waitingSignups,
    tasks: { running: runningTasks, pending, waitingForCapacity: fleet.waitingTasks.length },
    cost: {
      perHour: report.total.perHour,
      perMonth: report.total.perMonth,
      users: runningTasks,
      perUserPerMonth: report.perUser?.perMonth ?? null,
      idlePerMonth: report.waste.idlePerMonth,
    },
  };
}
