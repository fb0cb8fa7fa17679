import type { CapacitySample } from './sample-types.js';

/**
 * One point of the capacity time series: the figures the charts and the headroom table need, a few
 * hundred bytes, so a week at one-minute resolution stays small. The full sample (every instance and
 * task) is kept only for the latest tick.
 */
export interface HistoryPoint {
  bucket: number;
  at: number;
  resolutionMs: number;
  gap?: false;
  reservation: number;
  m: number;
  n: number;
  desired: number;
  action: string;
  instances: { total: number; spot: number; onDemand: number };
  idle: number;
  tasks: { running: number; pending: number; waitingForCapacity: number };
  waitingSignups: number;
  utilisation: { cpu: number; memory: number };
  cost: { perHour: number; perUserPerMonth: number | null; idlePerMonth: number; users: number };
}

export interface HistoryGap {
  bucket: number;
  at: number;
  resolutionMs: number;
  gap: true;
  reason: string;
}

export type HistoryEntry = HistoryPoint | HistoryGap;

const r2 = (v: number) => Math.round(v * 100) / 100;

export function historyPointOf(sample: CapacitySample): HistoryPoint {
  const live = sample.fleet.asg.instances.filter(
    (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
  );
  return {
    bucket: sample.bucket,
    at: sample.at,
    resolutionMs: sample.resolutionMs,
    reservation: r2(sample.reservation.value),
    m: sample.reservation.m,
    n: sample.reservation.n,
    desired: sample.fleet.asg.desired,
    action: sample.scaling.action,
    instances: {
      total: live.length,
      spot: live.filter((i) => i.purchaseOption === 'spot').length,
      onDemand: live.filter((i) => i.purchaseOption === 'on-demand').length,
    },
    idle: sample.idle.length,
    tasks: sample.tasks,
    waitingSignups: sample.waitingSignups.length,
    utilisation: { cpu: r2(sample.utilisation.percent.cpu), memory: r2(sample.utilisation.percent.memory) },
    cost: {
      perHour: sample.cost.perHour,
      perUserPerMonth: sample.cost.perUserPerMonth,
      idlePerMonth: sample.cost.idlePerMonth,
      users: sample.cost.users,
    },
  };
}
