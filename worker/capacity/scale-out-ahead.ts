import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../shared/aws-clients.js';
import { smallestShape, taskEnisOf } from '../../shared/capacity/instance-shapes.js';
import {
  type PredictiveDecision,
  predictiveDesiredCapacity,
  slotsOn,
} from '../../shared/capacity/predictive-scale-out.js';
import type { CapacitySample, ContainerInstanceInfo } from '../../shared/capacity/sample-types.js';
import { recentSignups } from '../../shared/capacity/signup-latencies.js';
import type { WorkerConfig } from '../../shared/config.js';
import type { InstanceRecord } from '../../shared/domain.js';
import type { Logger } from '../../shared/logger.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { TASK_CPU, TASK_MEMORY } from '../steps/task-definition.js';

/** Unset budget: off (the capacity tests' config has no predictive settings). */
export type ScaleOutAheadConfig = Pick<WorkerConfig, 'ASG_NAME'> &
  Partial<Pick<WorkerConfig, 'PREDICTIVE_MAX_EXTRA_INSTANCES' | 'PREDICTIVE_LEAD_MS' | 'SAMPLE_INTERVAL_MS'>>;
const DEFAULT_LEAD_MS = 180_000;

const GATEWAY_TASK = { cpu: Number(TASK_CPU), memory: Number(TASK_MEMORY) };
/** Steps from placement on hold a task already, which the reservation counts. */
const HOLDS_A_TASK = new Set<InstanceRecord['currentStep']>(['placement', 'reachable']);

/**
 * Gateway tasks one registered instance can still take. remainingResources reports CPU and memory but
 * not ENIs, and each awsvpc task holds one: without trunking an m7i-flex.large has memory for four
 * gateways but ENIs for two, so the ENIs its tasks hold count too (taskEnisOf).
 */
export function freeSlotsOn(ci: ContainerInstanceInfo): number {
  const freeEnis = Math.max(0, taskEnisOf(ci.instanceType) - ci.runningTasks - ci.pendingTasks);
  return slotsOn({ ...ci.remaining, enis: freeEnis }, GATEWAY_TASK);
}

/** Task slots free on registered instances and on launches still joining, after the waiting tasks. */
export function spareSlotsOf(sample: CapacitySample, slotsPerInstance: number): number {
  const { fleet } = sample;
  const registered = new Set(fleet.containerInstances.map((ci) => ci.ec2InstanceId));
  const free = fleet.containerInstances
    .filter((ci) => ci.status === 'ACTIVE')
    .reduce((sum, ci) => sum + freeSlotsOn(ci), 0);
  const joining = fleet.asg.instances.filter(
    (i) =>
      (i.lifecycleState === 'Pending' || i.lifecycleState === 'InService') && !registered.has(i.instanceId),
  ).length;
  const launching = Math.max(0, fleet.asg.desired - fleet.asg.instances.length) + joining;
  return Math.max(0, free + launching * slotsPerInstance - fleet.waitingTasks.length);
}

/**
 * Signups expected before the instances of the next tick can serve them: instances ordered now are
 * ready after one lead time, those of the next tick one sampling interval later, so this tick's order
 * serves the arrivals of lead + interval. The rate of the last lead time is projected over that span.
 */
export function projectedArrivals(recent: number, leadMs: number, intervalMs: number): number {
  return Math.ceil((recent * (leadMs + intervalMs)) / leadMs);
}

/**
 * The sampler's predictive step: signups not yet holding a task, plus the arrivals the recent rate
 * projects until the next tick's order is ready (projectedArrivals), against the slots there are. Raises the group's desired capacity (HonorCooldown false: this is not a scaling policy) only
 * when the policy asks for more than the group has; managed scaling scales idle instances back in.
 */
export async function scaleOutAhead(
  deps: { aws: AwsClients; store: Pick<InstanceStore, 'list'>; config: ScaleOutAheadConfig; log: Logger },
  sample: CapacitySample,
  now: number,
): Promise<PredictiveDecision | null> {
  const budget = deps.config.PREDICTIVE_MAX_EXTRA_INSTANCES ?? 0;
  if (budget <= 0) return null;
  const lead = deps.config.PREDICTIVE_LEAD_MS ?? DEFAULT_LEAD_MS;
  const [queued, provisioning, recent] = await Promise.all([
    deps.store.list({ status: 'queued', limit: 1000 }),
    deps.store.list({ status: 'provisioning', limit: 1000 }),
    recentSignups(deps.store, now - lead),
  ]);
  const unplaced =
    queued.items.length + provisioning.items.filter((r) => !HOLDS_A_TASK.has(r.currentStep)).length;
  const slotsPerInstance = Math.max(
    1,
    slotsOn(smallestShape(sample.fleet.asg.instanceTypes, {}), GATEWAY_TASK),
  );
  const decision = predictiveDesiredCapacity({
    neededInstances: sample.reservation.m,
    spareSlots: spareSlotsOf(sample, slotsPerInstance),
    expectedSignups: unplaced + projectedArrivals(recent.length, lead, deps.config.SAMPLE_INTERVAL_MS ?? 0),
    slotsPerInstance,
    desired: sample.fleet.asg.desired,
    max: sample.fleet.asg.max,
    maxExtraInstances: budget,
  });
  if (!decision.raise) return decision;
  const { autoscaling } = await deps.aws.fleet();
  await autoscaling.send(
    new SetDesiredCapacityCommand({
      AutoScalingGroupName: deps.config.ASG_NAME,
      DesiredCapacity: decision.desired,
      HonorCooldown: false,
    }),
  );
  deps.log.info({ from: sample.fleet.asg.desired, to: decision.desired }, decision.reason);
  return decision;
}
