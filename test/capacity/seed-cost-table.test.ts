import { describe, expect, it } from 'vitest';
import { costReport } from '../../shared/cost/cost-report.js';
import {
  SEED_SPOT_INSTANCES,
  SEED_TABLE,
  SEED_USERS,
  seedPriceBook,
} from '../../shared/cost/seed-assumptions.js';

describe("the seed's 10-user cost table, reproduced from its assumptions", () => {
  const report = costReport(seedPriceBook, {
    users: SEED_USERS,
    instances: Array.from({ length: SEED_SPOT_INSTANCES }, (_, i) => ({
      instanceId: `i-${i}`,
      instanceType: i % 2 === 0 ? 'c7i-flex.large' : 'm7i-flex.large',
      purchaseOption: 'spot' as const,
      idle: false,
    })),
  });
  const line = (id: string) => report.components.find((c) => c.id === id)!.perMonth;

  it.each([
    ['ec2-spot', SEED_TABLE['ec2-spot']],
    ['nat-gateway', SEED_TABLE['nat-gateway']],
    ['alb', SEED_TABLE.alb],
    ['secrets-manager', SEED_TABLE['secrets-manager']],
    ['cloudwatch-logs', SEED_TABLE['cloudwatch-logs']],
    ['ecr', SEED_TABLE.ecr],
  ] as const)('%s is ~$%s a month', (id, dollars) => {
    expect(Math.abs(line(id) - dollars)).toBeLessThan(0.05);
  });

  it('has nothing the seed does not list', () => {
    expect(line('ec2-on-demand')).toBe(0);
    for (const id of ['public-ipv4', 'elasticache', 'fargate-control-plane', 'container-insights']) {
      expect(line(id), id).toBe(0);
    }
  });

  it('totals ~$122.50 a month, ~$12.25 per user', () => {
    expect(Math.abs(report.total.perMonth - SEED_TABLE.total)).toBeLessThan(0.05);
    expect(Math.abs(report.perUser!.perMonth - SEED_TABLE.perUser)).toBeLessThan(0.01);
    expect(report.total.perHour * 730).toBeCloseTo(report.total.perMonth, 2);
  });
});
