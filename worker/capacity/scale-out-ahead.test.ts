import { describe, expect, it } from 'vitest';
import type { ContainerInstanceInfo } from '../../shared/capacity/sample-types.js';
import { freeSlotsOn, projectedArrivals } from './scale-out-ahead.js';

describe('projectedArrivals', () => {
  it("projects the last lead time's arrivals over lead plus one sampling interval, rounding up", () => {
    expect(projectedArrivals(30, 180_000, 60_000)).toBe(40);
    expect(projectedArrivals(10, 180_000, 60_000)).toBe(14);
  });

  it('is the recent count itself with no interval, and nothing with no arrivals', () => {
    expect(projectedArrivals(12, 180_000, 0)).toBe(12);
    expect(projectedArrivals(0, 180_000, 60_000)).toBe(0);
  });
});

const instance = (type: string, tasks: number, remaining: { cpu: number; memory: number }) =>
  ({
    arn: 'arn:ci',
    ec2InstanceId: 'i-1',
    instanceType: type,
    availabilityZone: 'us-west-2a',
    purchaseOption: 'spot',
    status: 'ACTIVE',
    agentConnected: true,
    registeredAt: 0,
    registered: { cpu: 2048, memory: 7763 },
    remaining,
    runningTasks: tasks,
    pendingTasks: 0,
    tasks: [],
  }) satisfies ContainerInstanceInfo;

describe('freeSlotsOn', () => {
  it('counts the ENIs running tasks hold, which remainingResources does not report', () => {
    // An m7i-flex.large with one gateway (512 CPU / 1536 MiB) has memory for three more, an ENI for one.
    expect(freeSlotsOn(instance('m7i-flex.large', 1, { cpu: 1536, memory: 6227 }))).toBe(1);
    expect(freeSlotsOn(instance('m7i-flex.large', 2, { cpu: 1024, memory: 4691 }))).toBe(0);
  });

  it('is bounded by CPU and memory when those run out first', () => {
    expect(freeSlotsOn(instance('c7i-flex.large', 0, { cpu: 2048, memory: 1600 }))).toBe(1);
    expect(freeSlotsOn(instance('c7i-flex.large', 0, { cpu: 2048, memory: 3828 }))).toBe(2);
  });
});
