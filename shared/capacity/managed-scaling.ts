import type { ManagedScalingSettings, Reservation, ScalingDecision } from './sample-types.js';

export interface ScalingInput {
  reservation: Reservation;
  settings: Pick<
    ManagedScalingSettings,
    'status' | 'targetCapacity' | 'minimumScalingStepSize' | 'maximumScalingStepSize'
  >;
  asg: { desired: number; min: number; max: number };
  /**
   * True when the group mixes instance types or AZs: ECS then scales out by exactly the minimum step
   * size and ignores demand and the maximum step (as the ManagedScaling API reference says).
   */
  mixedInstances: boolean;
}

/**
 * What managed scaling does next. The target tracking policy keeps reservation at targetCapacity, so it
 * aims for ceil(M x 100 / target) instances: above N it scales out (by at least the minimum step, at
 * most the maximum step, never past max), below N it scales in (only instances without tasks, after
 * 15 minutes below target, never below min), otherwise it holds.
 */
export function nextScalingAction(input: ScalingInput): ScalingDecision {
  const { reservation, settings, asg } = input;
  const clamp = (n: number) => Math.min(asg.max, Math.max(asg.min, n));
  if (settings.status !== 'ENABLED') {
    return { action: 'hold', targetInstances: asg.desired, reason: 'managed scaling is disabled' };
  }
  const wanted = Math.ceil((reservation.m * 100) / settings.targetCapacity);
  const n = reservation.n;
  if (reservation.value > settings.targetCapacity && wanted > n) {
    const minStep = Math.max(1, settings.minimumScalingStepSize);
    const step = input.mixedInstances
      ? minStep
      : Math.min(Math.max(wanted - n, minStep), Math.max(minStep, settings.maximumScalingStepSize));
    const target = clamp(Math.max(n + step, asg.desired));
    if (target <= n) {
      return {
        action: 'hold',
        targetInstances: asg.max,
        reason: `reservation ${fmt(reservation.value)}% above target ${settings.targetCapacity}% but the group is at max ${asg.max}`,
      };
    }
    return {
      action: 'scale-out',
      targetInstances: target,
      reason: `reservation ${fmt(reservation.value)}% above target ${settings.targetCapacity}%: ${reservation.m} instances needed for ${n} running`,
    };
  }
  if (reservation.value < settings.targetCapacity && wanted < n) {
    const target = clamp(wanted);
    if (target >= n) {
      return {
        action: 'hold',
        targetInstances: target,
        reason: `reservation ${fmt(reservation.value)}% below target but the group is at min ${asg.min}`,
      };
    }
    return {
      action: 'scale-in',
      targetInstances: target,
      reason: `reservation ${fmt(reservation.value)}% below target ${settings.targetCapacity}%: ${n - target} instance(s) without tasks can go after 15 minutes`,
    };
  }
  return {
    action: 'hold',
    targetInstances: clamp(Math.max(n, asg.desired)),
    reason: `reservation ${fmt(reservation.value)}% at target ${settings.targetCapacity}%`,
  };
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();
