import { describe, expect, it } from 'vitest';
import { computeReservation, instancesForTasks, reservationValue } from './reservation.js';

const c7i = { cpu: 2048, memory: 3828, enis: 2 };
const task = { cpu: 512, memory: 1536, enis: 1 };

describe('reservationValue (M / N x 100, as ECS defines it)', () => {
  it.each([
    { m: 0, n: 0, value: 100, why: 'no instances, no tasks' },
    { m: 1, n: 0, value: 200, why: 'tasks but no instances: scale out' },
    { m: 3, n: 0, value: 200, why: 'any M > 0 with N = 0 is 200' },
    { m: 0, n: 2, value: 0, why: 'all idle' },
    { m: 1, n: 2, value: 50, why: 'half the instances host tasks' },
    { m: 2, n: 2, value: 100, why: 'exactly full' },
    { m: 3, n: 2, value: 150, why: 'one more instance needed' },
    { m: 2, n: 3, value: (2 / 3) * 100, why: 'not rounded' },
  ])('M=$m N=$n -> $value ($why)', ({ m, n, value }) => {
    expect(reservationValue(m, n)).toBe(value);
  });
});

describe('instancesForTasks (first-fit decreasing on fresh instances)', () => {
  it.each([
    { tasks: 0, shape: c7i, want: 0 },
    { tasks: 1, shape: c7i, want: 1 },
    { tasks: 2, shape: c7i, want: 1 }, // 2 x 1536 = 3072 <= 3828, 2 ENIs
    { tasks: 3, shape: c7i, want: 2 },
    { tasks: 5, shape: c7i, want: 3 },
    { tasks: 5, shape: { cpu: 2048, memory: 7763, enis: 2 }, want: 3 }, // ENI-bound: 2 per instance
    { tasks: 5, shape: { cpu: 2048, memory: 7763 }, want: 2 }, // no ENI limit: 4 by CPU, 5 by memory
  ])('$tasks tasks on $shape.memory MiB / $shape.enis ENIs -> $want', ({ tasks, shape, want }) => {
    expect(
      instancesForTasks(
        Array.from({ length: tasks }, () => task),
        shape,
      ),
    ).toBe(want);
  });

  it('fills empty instances before asking for new ones', () => {
    const tasks = Array.from({ length: 3 }, () => task);
    expect(instancesForTasks(tasks, c7i, [c7i])).toBe(2);
    expect(instancesForTasks([task], c7i, [c7i, c7i])).toBe(1);
    expect(instancesForTasks([task], c7i, [{ cpu: 2048, memory: 1000, enis: 2 }])).toBe(1);
  });

  it('counts a task larger than the shape as one instance', () => {
    expect(instancesForTasks([{ cpu: 4096, memory: 9000 }], c7i)).toBe(1);
  });
});

describe('computeReservation', () => {
  const ci = (running: number, pending = 0, status = 'ACTIVE') => ({
    runningTasks: running,
    pendingTasks: pending,
    status,
  });
  it.each([
    { name: 'empty fleet', inService: 0, cis: [], waiting: 0, m: 0, n: 0, value: 100 },
    { name: 'first signup, no instance', inService: 0, cis: [], waiting: 1, m: 1, n: 0, value: 200 },
    { name: 'one busy of one', inService: 1, cis: [ci(2)], waiting: 0, m: 1, n: 1, value: 100 },
    { name: 'full, one waiting', inService: 1, cis: [ci(2)], waiting: 1, m: 2, n: 1, value: 200 },
    {
      name: 'pending counts as hosting',
      inService: 2,
      cis: [ci(0, 1), ci(1)],
      waiting: 0,
      m: 2,
      n: 2,
      value: 100,
    },
    { name: 'one idle of two', inService: 2, cis: [ci(2), ci(0)], waiting: 0, m: 1, n: 2, value: 50 },
    { name: 'three waiting need two', inService: 2, cis: [ci(2), ci(2)], waiting: 3, m: 4, n: 2, value: 200 },
    {
      name: 'INACTIVE ignored',
      inService: 1,
      cis: [ci(1), ci(1, 0, 'INACTIVE')],
      waiting: 0,
      m: 1,
      n: 1,
      value: 100,
    },
  ])('$name: M=$m N=$n reservation=$value', ({ inService, cis, waiting, m, n, value, ...rest }) => {
    const r = computeReservation({
      emptyInstances: 'empty' in rest ? (rest.empty as (typeof c7i)[]) : [],
      inServiceInstances: inService,
      containerInstances: cis,
      waitingTasks: Array.from({ length: waiting }, () => task),
      newInstanceShape: c7i,
    });
    expect(r).toEqual({ m, n, value });
  });
});
