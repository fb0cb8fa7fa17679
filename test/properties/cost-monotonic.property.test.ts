import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTANCE_TYPES } from '../../shared/cost/instance-catalog.js';
import { mergePriceBook, NAT_MODES } from '../../shared/cost/prices.js';
import { projectCost } from '../../shared/cost/projection.js';

/**
 * The cost projection as users grow, over any group shape the projection accepts: more users never
 * cost less or run fewer instances, and what one user costs stays between what a very large fleet
 * charges per user (fixed costs spread thinnest) and what a single user alone costs.
 */
const types = Object.keys(INSTANCE_TYPES);
const setup = fc.record({
  targetCapacity: fc.integer({ min: 50, max: 100 }),
  asgMin: fc.integer({ min: 0, max: 3 }),
  asgMax: fc.integer({ min: 1, max: 50 }),
  onDemandBase: fc.integer({ min: 0, max: 3 }),
  instanceTypes: fc.uniqueArray(fc.constantFrom(...types), { minLength: 1, maxLength: 3 }),
  natMode: fc.constantFrom(...NAT_MODES),
  awsvpcTrunking: fc.boolean(),
});
type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

function project({ natMode, awsvpcTrunking, ...group }: Setup, users: number) {
  return projectCost(mergePriceBook({ usage: { natMode, awsvpcTrunking } }), { ...group, users });
}

describe('cost projection as users grow', () => {
  it('never costs less, nor runs fewer instances, ALBs or needed instances, for more users', () => {
    fc.assert(
      fc.property(
        setup,
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 300 }),
        (s, users, more) => {
          const a = project(s, users);
          const b = project(s, users + more);
          expect(b.instances).toBeGreaterThanOrEqual(a.instances);
          expect(b.neededInstances).toBeGreaterThanOrEqual(a.neededInstances);
          expect(b.routing.albs).toBeGreaterThanOrEqual(a.routing.albs);
          expect(b.report.total.perMonth).toBeGreaterThanOrEqual(a.report.total.perMonth - 1e-9);
          expect(b.report.total.perHour).toBeGreaterThanOrEqual(a.report.total.perHour - 1e-9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('holds every user: needed instances times users per instance covers them', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 1, max: 2_000 }), (s, users) => {
        const p = project(s, users);
        const tasks = new Map(p.packing.map((k) => [k.instanceType, k.tasks]));
        const busy = p.report.instances.filter((i) => !i.idle);
        expect(busy).toHaveLength(p.neededInstances);
        expect(busy.reduce((n, i) => n + tasks.get(i.instanceType)!, 0)).toBeGreaterThanOrEqual(users);
        expect(p.instances).toBe(p.neededInstances + p.spareInstances);
        expect(p.instances).toBeGreaterThanOrEqual(s.asgMin);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the cost per user between a huge fleet’s and one user’s alone', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 1, max: 2_000 }), (s, users) => {
        const p = project(s, users).report;
        const alone = project(s, 1).report;
        expect(p.perUser).not.toBeNull();
        // perUser and the total are each rounded to 4 decimals: users x 5e-5 from one, 5e-5 from the other.
        expect(Math.abs(p.perUser!.perMonth * users - p.total.perMonth)).toBeLessThanOrEqual(
          (users + 1) * 5e-5 + 1e-9,
        );
        expect(p.perUser!.perMonth).toBeLessThanOrEqual(alone.perUser!.perMonth + 1e-9);
        // Far more users than any of these (10,000): the floor of what a user can cost.
        const floor = project(s, 10_000).report.perUser!.perMonth;
        expect(p.perUser!.perMonth).toBeGreaterThanOrEqual(floor * 0.999);
      }),
      { numRuns: 40 },
    );
  });
});
