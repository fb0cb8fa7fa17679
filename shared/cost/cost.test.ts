import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costReport } from './cost-report.js';
import { avoidedWaits, headroomTable, spareInstancesFor } from './headroom.js';
import { costOptions } from './options.js';
import { defaultPriceBook, loadPriceBook, mergePriceBook } from './prices.js';
import { projectCost } from './projection.js';
import { withSpotPrices } from './with-spot-prices.js';

describe('price book', () => {
  it('merges an override file over the defaults, key by key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prices-'));
    const file = join(dir, 'prices.json');
    await writeFile(file, JSON.stringify({ prices: { natGateway: { perHour: 0.05 } }, usage: { ecrGb: 3 } }));
    const book = await loadPriceBook(file);
    expect(book.prices.natGateway).toEqual({ perHour: 0.05, perGb: 0.045 });
    expect(book.usage.ecrGb).toBe(3);
    expect(book.prices.alb).toEqual(defaultPriceBook.prices.alb);
  });
  it('rejects a malformed override, naming the field', () => {
    expect(() => mergePriceBook({ prices: { alb: { perHour: -1 } } })).toThrow(/prices\.alb\.perHour/);
  });
  it('replaces spot prices with measured ones and keeps on-demand', () => {
    const book = withSpotPrices(defaultPriceBook, { 'c7i-flex.large': 0.02 });
    expect(book.prices.ec2['c7i-flex.large']).toEqual({ onDemandPerHour: 0.08479, spotPerHour: 0.02 });
  });
});

describe('costReport', () => {
  it('prices instances by purchase option and counts idle ones as waste', () => {
    const r = costReport(defaultPriceBook, {
      users: 2,
      instances: [
        { instanceId: 'i-1', instanceType: 'c7i-flex.large', purchaseOption: 'on-demand', idle: false },
        { instanceId: 'i-2', instanceType: 'm7i-flex.large', purchaseOption: 'spot', idle: true },
        { instanceId: 'i-3', instanceType: 'x9.huge', purchaseOption: 'spot', idle: false },
      ],
    });
    const byId = Object.fromEntries(r.components.map((c) => [c.id, c]));
    expect(byId['ec2-on-demand']!.perHour).toBeCloseTo(0.08479, 6);
    expect(byId['ec2-spot']!.perHour).toBeCloseTo(0.0353, 6);
    expect(byId['public-ipv4']!.perMonth).toBeCloseTo(3 * 0.005 * 730, 4);
    expect(r.waste).toMatchObject({ idleInstances: 1, idlePerHour: 0.0353, idlePerMonth: 25.769 });
    expect(r.unpriced).toEqual(['x9.huge']);
    expect(r.perUser!.perMonth).toBeCloseTo(r.total.perMonth / 2, 3);
  });
  it('has no per-user cost without users', () => {
    expect(costReport(defaultPriceBook, { users: 0, instances: [] }).perUser).toBeNull();
  });
});

describe('headroom', () => {
  it.each([
    { target: 100, m: 5, spare: 0 },
    { target: 90, m: 5, spare: 1 },
    { target: 80, m: 5, spare: 2 },
    { target: 80, m: 4, spare: 1 },
    { target: 90, m: 9, spare: 1 },
    { target: 80, m: 0, spare: 0 },
  ])('target $target% with $m in use keeps $spare spare', ({ target, m, spare }) => {
    expect(spareInstancesFor(target, m)).toBe(spare);
  });

  const min = 60_000;
  const waited = (at: number) => ({
    instanceId: `s${at}`,
    createdAt: at * min,
    runningAt: at * min + 4 * min,
    waitedForCapacity: true,
    placementWaitMs: 3 * min,
  });
  it.each([
    { name: 'no slots', slots: 0, at: [0, 10], avoided: 0 },
    { name: 'spread out: each refilled in time', slots: 1, at: [0, 10, 20], avoided: 3 },
    { name: 'burst of three on one slot', slots: 1, at: [0, 1, 2], avoided: 1 },
    { name: 'burst of three on two slots', slots: 2, at: [0, 1, 2], avoided: 2 },
    { name: 'refill after 3 minutes', slots: 1, at: [0, 3, 5], avoided: 2 },
  ])('avoidedWaits: $name', ({ slots, at, avoided }) => {
    expect(avoidedWaits(at.map(waited), slots, 3 * min)).toBe(avoided);
  });

  it('builds the table from latencies and packing', () => {
    const t = headroomTable({
      targets: [100, 90, 80],
      instancesInUse: 5,
      usersPerInstance: 2,
      instancePricePerHour: 0.03,
      hoursPerMonth: 730,
      signups: [
        waited(0),
        waited(1),
        waited(2),
        { instanceId: 'fast', createdAt: 0, runningAt: 60_000, waitedForCapacity: false, placementWaitMs: 0 },
      ],
    });
    expect(t.scaleUpWaitMs).toBe(3 * min);
    expect(t.rows).toEqual([
      {
        targetCapacity: 100,
        spareInstances: 0,
        spareSlots: 0,
        extraPerMonth: 0,
        signups: 4,
        waited: 3,
        wouldNotHaveWaited: 0,
        stillWaiting: 3,
      },
      {
        targetCapacity: 90,
        spareInstances: 1,
        spareSlots: 2,
        extraPerMonth: 21.9,
        signups: 4,
        waited: 3,
        wouldNotHaveWaited: 2,
        stillWaiting: 1,
      },
      {
        targetCapacity: 80,
        spareInstances: 2,
        spareSlots: 4,
        extraPerMonth: 43.8,
        signups: 4,
        waited: 3,
        wouldNotHaveWaited: 3,
        stillWaiting: 0,
      },
    ]);
    expect(t.signupToRunning).toEqual({ p50Ms: 4 * min, p90Ms: 4 * min, waitedP50Ms: 4 * min });
  });
});

describe('projectCost', () => {
  const base = {
    targetCapacity: 100,
    asgMin: 1,
    asgMax: 20,
    onDemandBase: 1,
    instanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
  };
  it.each([
    { users: 0, instances: 1 },
    { users: 10, instances: 5 },
    { users: 11, instances: 6 },
    { users: 100, instances: 50 },
  ])(
    '$users users at 2 per instance (the ENI limit) -> $instances instances, never capped',
    ({ users, instances }) => {
      const p = projectCost(defaultPriceBook, { ...base, users });
      expect(p.instances).toBe(instances);
      expect(p.report.users).toBe(users);
      expect(p.asg.maxSizeTooLow).toBe(instances > 20);
      expect(p.asg.maxSizeRequired).toBe(instances);
      expect(p.packing.map((k) => [k.instanceType, k.tasks, k.limit])).toEqual([
        ['c7i-flex.large', 2, 'eni'],
        ['m7i-flex.large', 2, 'eni'],
      ]);
    },
  );
  it('keeps the on-demand base and fills with spot', () => {
    const p = projectCost(defaultPriceBook, { ...base, users: 6 });
    expect(p.report.instances.map((i) => `${i.purchaseOption}:${i.instanceType}`)).toEqual([
      'on-demand:c7i-flex.large',
      'spot:c7i-flex.large',
      'spot:m7i-flex.large',
    ]);
  });
  it('with awsvpcTrunking, memory binds c7i-flex.large at 2 and CPU binds m7i-flex.large at 4', () => {
    const book = mergePriceBook({ usage: { awsvpcTrunking: true } });
    const p = projectCost(book, { ...base, users: 12 });
    expect(p.packing.map((k) => [k.tasks, k.limit])).toEqual([
      [2, 'memory'],
      [4, 'cpu'],
    ]);
    // on-demand c7i (2) + spot c7i (2) + spot m7i (4) + spot c7i (2) + spot m7i (4) >= 12
    expect(p.instances).toBe(5);
  });
  it('a target capacity below 100% adds spare instances, counted as idle', () => {
    const p = projectCost(defaultPriceBook, { ...base, users: 10, targetCapacity: 80 });
    expect([p.neededInstances, p.instances, p.spareInstances]).toEqual([5, 7, 2]);
    expect(p.report.waste.idleInstances).toBe(2);
  });
});

describe('stranded capacity', () => {
  it('prices what the ENI limit leaves unused on each type', () => {
    const r = costReport(defaultPriceBook, {
      users: 3,
      instances: [
        { instanceId: 'i-1', instanceType: 'c7i-flex.large', purchaseOption: 'on-demand', idle: false },
        { instanceId: 'i-2', instanceType: 'm7i-flex.large', purchaseOption: 'spot', idle: false },
      ],
    });
    const s = r.waste.stranded;
    expect(s.byType.map((t) => [t.instanceType, t.tasksPerInstance, t.limit, t.strandedPerInstance])).toEqual(
      [
        ['c7i-flex.large', 2, 'eni', { cpu: 1024, memory: 3828 - 3072 }],
        ['m7i-flex.large', 2, 'eni', { cpu: 1024, memory: 7763 - 3072 }],
      ],
    );
    // Half the price for CPU, half for memory, pro rata.
    const c7i = 0.08479 * (0.5 * (1024 / 2048) + 0.5 * (756 / 3828)) * 730;
    const m7i = 0.0353 * (0.5 * (1024 / 2048) + 0.5 * (4691 / 7763)) * 730;
    expect(s.byType[0]!.perMonth).toBeCloseTo(c7i, 1);
    expect(s.byType[1]!.perMonth).toBeCloseTo(m7i, 1);
    expect(s.freeSlots).toBe(1);
  });
});

describe('costOptions', () => {
  const fleet = {
    users: 1000,
    targetCapacity: 100,
    asgMin: 1,
    asgMax: 20,
    onDemandBase: 1,
    instanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
  };
  const rows = costOptions(defaultPriceBook, fleet);
  const row = (option: string) => rows.find((r) => r.option.startsWith(option))!;

  it('prices each egress choice against the NAT gateway, by hand', () => {
    expect(row('NAT gateway').current).toBe(true);
    // A NAT instance saves the gateway's hour and its per-GB charge, and costs its own hour.
    const saved = 0.045 * 730 + 1000 * 9.22 * 0.045 - 0.0042 * 730;
    expect(row('NAT instance').deltaPerMonth).toBeCloseTo(-saved, 1);
    // Public subnets: no NAT at all, but a public IPv4 on each of the 500 instances and the 3 control-plane
    // tasks instead of the NAT's one.
    const publicDelta = -(0.045 * 730 + 1000 * 9.22 * 0.045) + (500 + 3 - 1) * 0.005 * 730;
    expect(row('Public subnets').deltaPerMonth).toBeCloseTo(publicDelta, 1);
    expect(row('Public subnets').caveat).toMatch(/bridge networking/);
  });

  it('trunking packs m7i-flex.large by CPU (4), so fewer instances; a Savings Plan discounts the base', () => {
    expect(row('awsvpc with ENI trunking').instances).toBeLessThan(row('awsvpc, no trunking').instances);
    expect(row('Savings Plan').deltaPerMonth).toBeCloseTo(-0.08479 * 0.28 * 730, 2);
  });
});
