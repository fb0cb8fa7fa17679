import { describe, expect, it } from 'vitest';
import { nextScalingAction } from './managed-scaling.js';
import { reservationValue } from './reservation.js';

const settings = {
  status: 'ENABLED' as const,
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10000,
};

describe('nextScalingAction', () => {
  it.each([
    {
      name: 'empty fleet holds',
      m: 0,
      n: 0,
      desired: 0,
      min: 0,
      max: 20,
      target: 100,
      mixed: false,
      action: 'hold',
      to: 0,
    },
    {
      name: 'first task on empty fleet',
      m: 1,
      n: 0,
      desired: 0,
      min: 0,
      max: 20,
      target: 100,
      mixed: false,
      action: 'scale-out',
      to: 1,
    },
    {
      name: 'full holds',
      m: 2,
      n: 2,
      desired: 2,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'hold',
      to: 2,
    },
    {
      name: 'need 4 of 2: by demand',
      m: 4,
      n: 2,
      desired: 2,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'scale-out',
      to: 4,
    },
    {
      name: 'need 4 of 2, mixed types: min step only',
      m: 4,
      n: 2,
      desired: 2,
      min: 1,
      max: 20,
      target: 100,
      mixed: true,
      action: 'scale-out',
      to: 3,
    },
    {
      name: 'never past max',
      m: 25,
      n: 18,
      desired: 18,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'scale-out',
      to: 20,
    },
    {
      name: 'at max holds',
      m: 21,
      n: 20,
      desired: 20,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'hold',
      to: 20,
    },
    {
      name: 'launch in progress keeps desired',
      m: 3,
      n: 2,
      desired: 3,
      min: 1,
      max: 20,
      target: 100,
      mixed: true,
      action: 'scale-out',
      to: 3,
    },
    {
      name: 'one idle of three scales in',
      m: 2,
      n: 3,
      desired: 3,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'scale-in',
      to: 2,
    },
    {
      name: 'all idle scales to min',
      m: 0,
      n: 3,
      desired: 3,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'scale-in',
      to: 1,
    },
    {
      name: 'never below min',
      m: 0,
      n: 1,
      desired: 1,
      min: 1,
      max: 20,
      target: 100,
      mixed: false,
      action: 'hold',
      to: 1,
    },
    {
      name: 'target 80: 4 busy keep 5',
      m: 4,
      n: 5,
      desired: 5,
      min: 1,
      max: 20,
      target: 80,
      mixed: false,
      action: 'hold',
      to: 5,
    },
    {
      name: 'target 80: 4 busy of 4 add one',
      m: 4,
      n: 4,
      desired: 4,
      min: 1,
      max: 20,
      target: 80,
      mixed: false,
      action: 'scale-out',
      to: 5,
    },
    {
      name: 'target 90: 9 busy of 10 holds',
      m: 9,
      n: 10,
      desired: 10,
      min: 1,
      max: 20,
      target: 90,
      mixed: false,
      action: 'hold',
      to: 10,
    },
    {
      name: 'target 90: 8 busy of 10 scales in to 9',
      m: 8,
      n: 10,
      desired: 10,
      min: 1,
      max: 20,
      target: 90,
      mixed: false,
      action: 'scale-in',
      to: 9,
    },
  ])('$name', ({ m, n, desired, min, max, target, mixed, action, to }) => {
    const d = nextScalingAction({
      reservation: { m, n, value: reservationValue(m, n) },
      settings: { ...settings, targetCapacity: target },
      asg: { desired, min, max },
      mixedInstances: mixed,
    });
    expect({ action: d.action, to: d.targetInstances }).toEqual({ action, to });
    expect(d.targetInstances).toBeLessThanOrEqual(max);
    expect(d.targetInstances).toBeGreaterThanOrEqual(min);
  });

  it('holds when managed scaling is disabled', () => {
    const d = nextScalingAction({
      reservation: { m: 5, n: 1, value: 500 },
      settings: { ...settings, status: 'DISABLED' },
      asg: { desired: 1, min: 1, max: 20 },
      mixedInstances: false,
    });
    expect(d.action).toBe('hold');
  });

  it('respects minimum and maximum step sizes', () => {
    const base = {
      reservation: { m: 10, n: 2, value: 500 },
      asg: { desired: 2, min: 1, max: 20 },
      mixedInstances: false,
    };
    expect(
      nextScalingAction({ ...base, settings: { ...settings, maximumScalingStepSize: 3 } }).targetInstances,
    ).toBe(5);
    const small = { ...base, reservation: { m: 3, n: 2, value: 150 } };
    expect(
      nextScalingAction({ ...small, settings: { ...settings, minimumScalingStepSize: 4 } }).targetInstances,
    ).toBe(6);
  });
});
