/**
 * The trade-off the seed only names: keep spare instances (a managed-scaling target capacity below
 * 100%) and pay for them, or let signups wait for a scale-up. For each target we price the spare
 * instances at today's packing and replay the last day's signups that waited, to count how many the
 * spare room would have placed at once.
 */

export interface SignupLatency {
  instanceId: string;
  /** When the signup was accepted (instance createdAt). */
  createdAt: number;
  /** When it was running (null while not yet). */
  runningAt: number | null;
  waitedForCapacity: boolean;
  placementWaitMs: number;
}

export interface HeadroomInput {
  targets: readonly number[];
  /** Instances hosting tasks now (M). */
  instancesInUse: number;
  /** Users per instance in use today (at least 1). */
  usersPerInstance: number;
  /** Average hourly price of one more instance of the current mix. */
  instancePricePerHour: number;
  hoursPerMonth: number;
  /** Signups of the window (e.g. the last day), any order. */
  signups: readonly SignupLatency[];
}

export interface HeadroomRow {
  targetCapacity: number;
  spareInstances: number;
  spareSlots: number;
  extraPerMonth: number;
  signups: number;
  waited: number;
  wouldNotHaveWaited: number;
  stillWaiting: number;
}

export interface HeadroomTable {
  rows: HeadroomRow[];
  /** Measured scale-up wait: the median placement wait of the signups that waited (0 when none did). */
  scaleUpWaitMs: number;
  signupToRunning: { p50Ms: number | null; p90Ms: number | null; waitedP50Ms: number | null };
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Spare instances a target keeps: ceil(M x 100 / target) - M. */
export function spareInstancesFor(target: number, instancesInUse: number): number {
  if (instancesInUse <= 0) return 0;
  return Math.ceil((instancesInUse * 100) / target - 1e-9) - instancesInUse;
}

/**
 * Replays the waited signups in order against `slots` spare task slots. A signup takes a free slot and
 * does not wait; managed scaling then restores the headroom, which takes one scale-up wait, so the slot
 * is free again that long after. With no free slot the signup waits, as it did.
 */
export function avoidedWaits(waited: readonly SignupLatency[], slots: number, refillMs: number): number {
  if (slots <= 0) return 0;
  const refills: number[] = [];
  let avoided = 0;
  for (const s of [...waited].sort((a, b) => a.createdAt - b.createdAt)) {
    while (refills.length > 0 && refills[0]! <= s.createdAt) refills.shift();
    if (refills.length < slots) {
      avoided += 1;
      refills.push(s.createdAt + refillMs);
      refills.sort((a, b) => a - b);
    }
  }
  return avoided;
}

export function headroomTable(input: HeadroomInput): HeadroomTable {
  const waited = input.signups.filter((s) => s.waitedForCapacity);
  const scaleUpWaitMs = percentile(
    waited.map((s) => s.placementWaitMs),
    50,
  );
  const refill = scaleUpWaitMs ?? 0;
  const perUser = Math.max(1, Math.floor(input.usersPerInstance));
  const rows = input.targets.map((target) => {
    const spare = spareInstancesFor(target, input.instancesInUse);
    const slots = spare * perUser;
    const avoided = avoidedWaits(waited, slots, refill);
    return {
      targetCapacity: target,
      spareInstances: spare,
      spareSlots: slots,
      extraPerMonth: Math.round(spare * input.instancePricePerHour * input.hoursPerMonth * 100) / 100,
      signups: input.signups.length,
      waited: waited.length,
      wouldNotHaveWaited: avoided,
      stillWaiting: waited.length - avoided,
    };
  });
  const running = input.signups.filter((s) => s.runningAt !== null).map((s) => s.runningAt! - s.createdAt);
  const waitedRunning = waited.filter((s) => s.runningAt !== null).map((s) => s.runningAt! - s.createdAt);
  return {
    rows,
    scaleUpWaitMs: refill,
    signupToRunning: {
      p50Ms: percentile(running, 50),
      p90Ms: percentile(running, 90),
      waitedP50Ms: percentile(waitedRunning, 50),
    },
  };
}
