import { describe, expect, it } from 'vitest';
import { defaultPriceBook } from '../../shared/cost/prices.js';
import { projectCost } from '../../shared/cost/projection.js';

/**
 * The projection at 1,000 and 3,000 users on the seed's fleet (on-demand base 1, then spot c7i-flex /
 * m7i-flex, target capacity 100%), every figure worked out by hand from the price book: nothing is
 * capped at the group's max_size, and the first quota to bind is named with the user count it allows.
 */
const H = 730;
const fleet = {
  targetCapacity: 100,
  asgMin: 1,
  asgMax: 20,
  onDemandBase: 1,
  instanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
};

/** The monthly bill by hand: instances, then each line of the price book. */
function monthlyByHand(users: number, c7iSpot: number, m7iSpot: number, albs: number): number {
  const ec2 = (0.08479 + c7iSpot * 0.0312 + m7iSpot * 0.0353) * H;
  const nat = 0.045 * H + users * 9.22 * 0.045;
  const alb = albs * 0.0225 * H + users * 0.0955 * 0.008 * H;
  const ipv4 = (1 + albs * 2) * 0.005 * H;
  const redis = 2 * 0.032 * H;
  const fargate = 3 * (0.5 * 0.04048 + 1 * 0.004445) * H;
  const metrics = 40 + 21 * (users + 2);
  const insights = Math.min(metrics, 10_000) * 0.3 + Math.max(0, metrics - 10_000) * 0.1;
  const secrets = (users + 4) * 0.4 + users * 0.05;
  const logs = users * 0.54 * 0.5 + users * 1 * 0.03;
  const ecr = 10 * 0.1;
  return ec2 + nat + alb + ipv4 + redis + fargate + insights + secrets + logs + ecr;
}

describe('cost projection at scale, checked by hand', () => {
  it('1,000 users: 500 instances (2 tasks each, the ENI limit), 11 ALBs; target groups bind at 2,999', () => {
    const p = projectCost(defaultPriceBook, { ...fleet, users: 1000 });
    // 1 on-demand c7i holds 2; 998 more at 4 per c7i+m7i pair = 249 pairs + 1 c7i for the last 2.
    expect(p.instances).toBe(500);
    expect(p.instancesByType).toEqual([
      { instanceType: 'c7i-flex.large', purchaseOption: 'on-demand', count: 1 },
      { instanceType: 'c7i-flex.large', purchaseOption: 'spot', count: 250 },
      { instanceType: 'm7i-flex.large', purchaseOption: 'spot', count: 249 },
    ]);
    expect(p.asg).toEqual({ maxSizeRequired: 500, currentMaxSize: 20, maxSizeTooLow: true });
    // 100 rules and 100 target groups per ALB, less the margin of 2: 98 users per ALB.
    expect(p.routing).toEqual({ usersPerAlb: 98, albs: 11, listeners: 11, rules: 1000, targetGroups: 1001 });
    expect(p.binding).toMatchObject({
      id: 'target-groups-per-region',
      limit: 3000,
      maxUsers: 2999,
      exceeded: false,
    });
    const enis = p.quotas.find((q) => q.id === 'network-interfaces-per-region')!;
    // 1,000 task ENIs + 500 primary ENIs + 2 per ALB + 3 Fargate tasks + 2 Redis nodes + 1 NAT gateway.
    expect(enis.used).toBe(1000 + 500 + 22 + 3 + 2 + 1);
    expect(enis.maxUsers).toBeGreaterThan(2999);
    const month = monthlyByHand(1000, 250, 249, 11);
    expect(p.report.total.perMonth).toBeCloseTo(month, 1);
    expect(p.report.perUser!.perMonth).toBeCloseTo(month / 1000, 3);
    // Plausible: more than the instances alone (~$12/user), less than $25 a user.
    expect(p.report.perUser!.perMonth).toBeGreaterThan(12);
    expect(p.report.perUser!.perMonth).toBeLessThan(25);
  });

  it('3,000 users: 1,500 instances and 31 ALBs, past the 3,000 target groups per Region', () => {
    const p = projectCost(defaultPriceBook, { ...fleet, users: 3000 });
    expect(p.instances).toBe(1500);
    expect(p.routing.albs).toBe(31);
    expect(p.binding).toMatchObject({
      id: 'target-groups-per-region',
      used: 3001,
      maxUsers: 2999,
      exceeded: true,
      adjustable: true,
    });
    // 1 on-demand c7i + 1,499 spot: 750 c7i-flex, 749 m7i-flex.
    const month = monthlyByHand(3000, 750, 749, 31);
    expect(p.report.total.perMonth).toBeCloseTo(month, 1);
    expect(p.report.perUser!.perMonth).toBeGreaterThan(10);
    expect(p.report.perUser!.perMonth).toBeLessThan(25);
  });
});
