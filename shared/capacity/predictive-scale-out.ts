/**
 * Predictive scale-out: the desired capacity the group should have now so that signups already on
 * their way, and those the recent arrival rate says will come within one instance launch, find a slot
 * when they reach placement instead of waiting 2-4 minutes for managed scaling to notice them.
 *
 * Managed scaling only sees tasks once they exist (PROVISIONING with no instance), i.e. after the
 * signup's secret, task definition, target group, rule and service steps, and then acts on its next
 * evaluation. This policy sees the signups themselves. It only ever adds instances, at most
 * `maxExtraInstances` beyond what the reservation already needs; managed scaling takes them back
 * (scale-in of idle instances) once they are not used. Pure: the sampler feeds it, tests feed it tables.
 */
export interface PredictiveInput {
  /** Instances needed to run every task now, including tasks waiting for capacity (reservation M). */
  neededInstances: number;
  /** Task slots free now or on their way: on registered instances and on launches, after waiting tasks. */
  spareSlots: number;
  /** Signups expected to need a slot within one launch: in flight before placement, plus recent arrivals. */
  expectedSignups: number;
  /** Tasks one new instance of the group's smallest shape holds. */
  slotsPerInstance: number;
  /** The group's current desired capacity and maximum size. */
  desired: number;
  max: number;
  /** The budget: instances beyond `neededInstances` this policy may ask for. 0 turns it off. */
  maxExtraInstances: number;
}

export interface PredictiveDecision {
  /** The desired capacity the policy wants: never below the group's own desired capacity. */
  desired: number;
  /** True when that is above the group's desired capacity, i.e. SetDesiredCapacity should be called. */
  raise: boolean;
  reason: string;
}

export function predictiveDesiredCapacity(input: PredictiveInput): PredictiveDecision {
  const slots = Math.max(1, Math.floor(input.slotsPerInstance));
  const needed = Math.max(0, input.neededInstances);
  const budget = Math.max(0, Math.floor(input.maxExtraInstances));
  const shortfall = Math.max(0, input.expectedSignups - Math.max(0, input.spareSlots));
  // The spare slots are the group's own: on instances it already wants (launching, or registered and
  // free). The shortfall goes on top of that, not on top of what the tasks need now, which would count
  // the launching instances twice (as spare, and as not yet wanted) and order too few.
  const extra = Math.ceil(shortfall / slots);
  const wanted = Math.min(input.max, needed + budget, Math.max(input.desired, needed) + extra);
  if (wanted <= input.desired) {
    return {
      desired: input.desired,
      raise: false,
      reason: `hold: ${input.expectedSignups} expected signups fit in ${input.spareSlots} spare slots or the ${input.desired} instances already wanted`,
    };
  }
  return {
    desired: wanted,
    raise: true,
    reason: `scale out ahead: ${input.expectedSignups} expected signups, ${input.spareSlots} spare slots, ${wanted - input.desired} more instance(s) of ${slots} slots (${input.neededInstances} needed now, budget ${input.maxExtraInstances} over that, max ${input.max})`,
  };
}

/** Tasks of `task` size one instance of `shape` holds (CPU, memory and, for awsvpc tasks, ENIs). */
export function slotsOn(
  shape: { cpu: number; memory: number; enis?: number },
  task: { cpu: number; memory: number },
): number {
  const byResources = Math.min(Math.floor(shape.cpu / task.cpu), Math.floor(shape.memory / task.memory));
  return Math.max(0, shape.enis === undefined ? byResources : Math.min(byResources, shape.enis));
}
