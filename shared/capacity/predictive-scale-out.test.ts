import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PredictiveInput, predictiveDesiredCapacity, slotsOn } from './predictive-scale-out.js';

const base: PredictiveInput = {
  neededInstances: 4,
  spareSlots: 0,
  expectedSignups: 0,
  slotsPerInstance: 2,
  desired: 4,
  max: 20,
  maxExtraInstances: 5,
};

const inputs = fc.record({
  neededInstances: fc.integer({ min: 0, max: 200 }),
  spareSlots: fc.integer({ min: 0, max: 400 }),
  expectedSignups: fc.integer({ min: 0, max: 2000 }),
  slotsPerInstance: fc.integer({ min: 1, max: 8 }),
  desired: fc.integer({ min: 0, max: 200 }),
  max: fc.integer({ min: 1, max: 200 }),
  maxExtraInstances: fc.integer({ min: 0, max: 50 }),
});

describe('predictiveDesiredCapacity', () => {
  it('asks for the instances a burst of signups in flight will need, ahead of their tasks', () => {
    const d = predictiveDesiredCapacity({ ...base, expectedSignups: 5, spareSlots: 1 });
    // 4 slots short at 2 a instance: 2 more than the 4 needed.
    expect(d).toMatchObject({ desired: 6, raise: true });
  });

  it('adds the shortfall on top of instances still launching, whose slots already count as spare', () => {
    // 3 instances launching beyond the 4 needed: 6 spare slots. 10 signups on their way are 4 short,
    // 2 more instances on top of the 7 wanted (not 4 + 2, which is below 7 and would order nothing).
    const d = predictiveDesiredCapacity({ ...base, desired: 7, spareSlots: 6, expectedSignups: 10 });
    expect(d).toMatchObject({ desired: 9, raise: true });
  });

  it('does nothing while spare slots cover the signups on their way', () => {
    const d = predictiveDesiredCapacity({ ...base, expectedSignups: 3, spareSlots: 3 });
    expect(d).toMatchObject({ desired: 4, raise: false });
  });

  it('stays within the budget: a launch-day wave gets the budget, not 500 instances', () => {
    const d = predictiveDesiredCapacity({ ...base, expectedSignups: 1000 });
    expect(d.desired).toBe(base.neededInstances + base.maxExtraInstances);
  });

  it('with a budget of 0 never raises the group', () => {
    const d = predictiveDesiredCapacity({ ...base, expectedSignups: 1000, maxExtraInstances: 0 });
    expect(d.raise).toBe(false);
  });

  it('never lowers desired capacity (scaling in is managed scaling`s job)', () => {
    const d = predictiveDesiredCapacity({ ...base, desired: 10, expectedSignups: 2 });
    expect(d).toMatchObject({ desired: 10, raise: false });
  });

  it('property: never above the group`s max size nor the budget over what is needed', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const d = predictiveDesiredCapacity(input);
        if (d.raise) {
          expect(d.desired).toBeLessThanOrEqual(input.max);
          expect(d.desired).toBeLessThanOrEqual(input.neededInstances + input.maxExtraInstances);
          expect(d.desired).toBeGreaterThan(input.desired);
        } else expect(d.desired).toBe(input.desired);
      }),
    );
  });

  it('property: more signups expected never means fewer instances wanted', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 500 }), (input, more) => {
        const fewer = predictiveDesiredCapacity(input).desired;
        const bigger = predictiveDesiredCapacity({ ...input, expectedSignups: input.expectedSignups + more });
        expect(bigger.desired).toBeGreaterThanOrEqual(fewer);
      }),
    );
  });

  it('property: more spare slots never means more instances wanted', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 500 }), (input, more) => {
        const tight = predictiveDesiredCapacity(input).desired;
        const roomier = predictiveDesiredCapacity({ ...input, spareSlots: input.spareSlots + more });
        expect(roomier.desired).toBeLessThanOrEqual(tight);
      }),
    );
  });
});

describe('slotsOn', () => {
  it('counts the gateway tasks a c7i-flex.large holds: memory binds at 2', () => {
    expect(slotsOn({ cpu: 2048, memory: 3828, enis: 2 }, { cpu: 512, memory: 1536 })).toBe(2);
  });

  it('is bound by ENIs for awsvpc tasks when they run out first', () => {
    expect(slotsOn({ cpu: 2048, memory: 7763, enis: 2 }, { cpu: 512, memory: 1536 })).toBe(2);
    expect(slotsOn({ cpu: 2048, memory: 7763 }, { cpu: 512, memory: 1536 })).toBe(4);
  });
});
