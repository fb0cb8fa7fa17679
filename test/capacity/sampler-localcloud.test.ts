import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacitySample } from '../../shared/capacity/sample-types.js';
import { startFleetHarness } from './fleet-harness.js';

/**
 * The sampler against localcloud, through scale-out and scale-in. Every figure is checked against the
 * value worked out by hand for the fleet at that moment (c7i-flex.large registers 2048 CPU / 3828 MiB
 * and 2 task ENIs; a gateway task is 512 CPU / 1536 MiB awsvpc, so two fit per instance). The reservation
 * is also compared, in its own block at the end, with localcloud's managed-scaling computation: AWS
 * exposes that only as the CloudWatch metric CapacityProviderReservation, which localcloud does not
 * serve, so that comparison is of localcloud's own state, not of an AWS surface.
 */
const H = 730;
const C7I = { cpu: 2048, memory: 3828 };
const TASK = { cpu: 512, memory: 1536 };

/** The bill by hand with the default price book: instance prices + fixed + per-user lines. */
function hourlyByHand(instanceDollarsPerHour: number, users: number): number {
  const nat = 0.045 + (9.22 * users * 0.045) / H;
  const alb = 0.0225 + users * 0.0955 * 0.008;
  const ipv4 = (1 + 2) * 0.005; // the NAT gateway's address and the ALB's two
  const redis = 2 * 0.032;
  const fargate = 3 * (0.5 * 0.04048 + 1 * 0.004445);
  const insights = ((40 + 21 * (users + 2)) * 0.3) / H; // under 10,000 metrics: the first tier
  const secrets = ((users + 4) * 0.4 + ((users * 10_000) / 10_000) * 0.05) / H;
  const logs = (users * 0.54 * 0.5 + users * 1 * 0.03) / H;
  const ecr = (10 * 0.1) / H;
  return instanceDollarsPerHour + nat + alb + ipv4 + redis + fargate + insights + secrets + logs + ecr;
}

describe('capacity sampler on localcloud: scale-out and scale-in', () => {
  let h: Awaited<ReturnType<typeof startFleetHarness>>;
  let spotC7i = 0;
  const seen: CapacitySample[] = [];
  /** The sampler's reservation next to localcloud's own (`/_localcloud/state`), at each stage. */
  const ownReservation: {
    stage: string;
    sampled: { m: number; n: number };
    localcloud: { m: number; n: number };
  }[] = [];
  const noteOwnReservation = async (stage: string, sampled: { m: number; n: number }) => {
    const { m, n } = (await h.state()).reservation;
    ownReservation.push({ stage, sampled: { m: sampled.m, n: sampled.n }, localcloud: { m, n } });
  };
  /** Each sampled instance's purchase option next to the market localcloud launched it in. */
  const ownMarkets: { instanceId: string; sampled: string; localcloud: string | undefined }[] = [];
  const noteOwnMarkets = async (s: CapacitySample) => {
    const st = await h.state();
    for (const i of s.fleet.asg.instances) {
      const market = st.instances.find((x) => x.id === i.instanceId)?.market;
      ownMarkets.push({ instanceId: i.instanceId, sampled: i.purchaseOption, localcloud: market });
    }
  };
  beforeAll(async () => {
    h = await startFleetHarness(11);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('samples the bootstrapped fleet: one on-demand instance, idle, reservation 0%', async () => {
    const s = await h.sample();
    seen.push(s);
    expect(s.fleet.capacityProvider.managedScaling).toMatchObject({ status: 'ENABLED', targetCapacity: 100 });
    expect(s.fleet.asg).toMatchObject({ desired: 1, min: 1, max: 20 });
    expect(s.fleet.asg.instances).toHaveLength(1);
    const [i0] = s.fleet.asg.instances;
    expect(i0).toMatchObject({
      instanceType: 'c7i-flex.large',
      purchaseOption: 'on-demand',
      lifecycleState: 'InService',
    });
    expect(i0!.purchaseOption).toBe('on-demand');
    await noteOwnMarkets(s);
    expect(s.reservation).toEqual({ m: 0, n: 1, value: 0 });
    await noteOwnReservation('bootstrapped', s.reservation);
    expect(s.scaling).toMatchObject({ action: 'hold', targetInstances: 1 }); // never below min 1
    expect(s.utilisation.registered).toEqual(C7I);
    expect(s.utilisation.reserved).toEqual({ cpu: 0, memory: 0 });
    // First sample: nothing known before, idle since now (a lower bound).
    expect(s.idle).toEqual([
      expect.objectContaining({ ec2InstanceId: i0!.instanceId, idleSince: s.at, idleForMs: 0 }),
    ]);
    expect(s.tasks).toEqual({ running: 0, pending: 0, waitingForCapacity: 0 });
    expect(s.cost.users).toBe(0);
    expect(s.cost.perUserPerMonth).toBeNull();
    expect(s.cost.perHour).toBeCloseTo(hourlyByHand(0.08479, 0), 5);
    expect(s.cost.idlePerMonth).toBeCloseTo(0.08479 * H, 2);
    spotC7i = (await h.samples.cachedSpotPrices())!['c7i-flex.large']!;
    expect(spotC7i).toBeGreaterThan(0.02);
    expect(spotC7i).toBeLessThan(0.04);
  });

  it('two users on the instance: reservation 100%, 50% CPU and 3072/3828 MiB reserved, no idle', async () => {
    await h.deploy('u1');
    await h.deploy('u2');
    await h.waitFor(
      async () => (await h.state()).tasks.filter((t) => t.lastStatus === 'RUNNING').length === 2,
      {
        what: 'two running tasks',
      },
    );
    const s = await h.sample();
    seen.push(s);
    expect(s.reservation).toEqual({ m: 1, n: 1, value: 100 });
    await noteOwnReservation('two users', s.reservation);
    expect(s.scaling.action).toBe('hold');
    expect(s.utilisation.reserved).toEqual({ cpu: 2 * TASK.cpu, memory: 2 * TASK.memory });
    expect(s.utilisation.percent.cpu).toBe(50);
    expect(s.utilisation.percent.memory).toBeCloseTo((3072 / 3828) * 100, 10);
    expect(s.idle).toEqual([]);
    expect(s.tasks).toEqual({ running: 2, pending: 0, waitingForCapacity: 0 });
    const ci = s.fleet.containerInstances[0]!;
    expect(ci).toMatchObject({ runningTasks: 2, pendingTasks: 0, status: 'ACTIVE', agentConnected: true });
    expect(ci.remaining).toEqual({ cpu: 1024, memory: 756 });
    expect(ci.tasks.map((t) => t.group).sort()).toEqual(['service:u1', 'service:u2']);
    expect(s.cost.users).toBe(2);
    expect(s.cost.perHour).toBeCloseTo(hourlyByHand(0.08479, 2), 5);
    expect(s.cost.perUserPerMonth!).toBeCloseTo((hourlyByHand(0.08479, 2) * H) / 2, 2);
    expect(s.cost.idlePerMonth).toBe(0);
  });

  it('a third user waits for capacity: the Pending launch counts in N, the waiting signup is reported', async () => {
    // A launch slow enough that the sample below always sees the new instance Pending.
    await fetch(`${h.lc.url}/_localcloud/timing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instanceLaunchMs: 4000 }),
    });
    const parkedAt = new Date(Date.now() - 90_000);
    const signup = await h.waitingSignup(parkedAt);
    await h.deploy('u3');
    await h.waitFor(async () => (await h.state()).instances.some((i) => i.lifecycle === 'Pending'), {
      what: 'managed scaling to launch a second instance (Pending)',
    });
    const s = await h.sample();
    seen.push(s);
    expect(s.tasks.waitingForCapacity).toBe(1);
    expect(s.fleet.waitingTasks[0]).toMatchObject({
      group: 'service:u3',
      lastStatus: 'PROVISIONING',
      cpu: 512,
      memory: 1536,
    });
    const live = s.fleet.asg.instances.filter(
      (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
    );
    // The launch is in flight: the waiting task will go to it, so 2 needed of 2 (N counts Pending).
    expect(live).toHaveLength(2);
    expect(s.fleet.asg.desired).toBe(2);
    expect(live[1]).toMatchObject({ lifecycleState: 'Pending', purchaseOption: 'spot' });
    expect(s.reservation).toEqual({ m: 2, n: 2, value: 100 });
    expect(s.scaling).toMatchObject({ action: 'hold', targetInstances: 2 });
    expect(s.waitingSignups).toEqual([
      { instanceId: signup, since: parkedAt.getTime(), waitingMs: s.at - parkedAt.getTime() },
    ]);
    expect(s.waitingSignups[0]!.waitingMs).toBeGreaterThanOrEqual(90_000);
  });

  it('the new spot instance runs the third task: 2 of 2, one spot and one on-demand', async () => {
    await h.waitFor(
      async () => (await h.state()).tasks.filter((t) => t.lastStatus === 'RUNNING').length === 3,
      {
        what: 'three running tasks',
        timeoutMs: 15_000,
      },
    );
    await h.store.recordStep(
      (await h.store.list({ status: 'provisioning', limit: 1 })).items[0]!.id,
      'placement',
      {
        state: 'done',
        attempts: 1,
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        endedAt: new Date().toISOString(),
        output: { waitedForCapacity: 'true', placementWaitMs: '60000' },
      },
      'provisioning',
    );
    const s = await h.sample();
    seen.push(s);
    expect(s.reservation).toEqual({ m: 2, n: 2, value: 100 });
    await noteOwnReservation('scaled out', s.reservation);
    const byOption = {
      'on-demand': s.fleet.asg.instances.filter((i) => i.purchaseOption === 'on-demand'),
      spot: s.fleet.asg.instances.filter((i) => i.purchaseOption === 'spot'),
    };
    expect(byOption['on-demand']).toHaveLength(1);
    expect(byOption.spot).toHaveLength(1);
    await noteOwnMarkets(s);
    expect(byOption.spot[0]!.instanceType).toBe('c7i-flex.large');
    expect(s.utilisation.registered).toEqual({ cpu: 2 * C7I.cpu, memory: 2 * C7I.memory });
    expect(s.utilisation.reserved).toEqual({ cpu: 3 * TASK.cpu, memory: 3 * TASK.memory });
    expect(s.utilisation.percent.cpu).toBe(37.5);
    expect(s.idle).toEqual([]);
    expect(s.waitingSignups).toEqual([]);
    expect(s.cost.perHour).toBeCloseTo(hourlyByHand(0.08479 + spotC7i, 3), 5);
  });

  let spotId = '';
  it('the third user leaves: the spot instance is idle since this sample, reservation 50%, scale-in', async () => {
    await h.remove('u3');
    await h.waitFor(
      async () => (await h.state()).tasks.filter((t) => t.lastStatus === 'RUNNING').length === 2,
      {
        what: 'u3 stopped',
      },
    );
    await h.waitFor(
      async () =>
        (await h.state()).tasks.every((t) => t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED'),
      { what: 'u3 STOPPED' },
    );
    const s = await h.sample();
    seen.push(s);
    spotId = s.fleet.asg.instances.find((i) => i.purchaseOption === 'spot')!.instanceId;
    expect(s.reservation).toEqual({ m: 1, n: 2, value: 50 });
    await noteOwnReservation('third user left', s.reservation);
    expect(s.scaling).toMatchObject({ action: 'scale-in', targetInstances: 1 });
    // Busy in the previous sample, idle now: idle since this sample.
    expect(s.idle).toEqual([
      expect.objectContaining({ ec2InstanceId: spotId, idleSince: s.at, idleForMs: 0 }),
    ]);
    expect(s.cost.idlePerMonth).toBeCloseTo(spotC7i * H, 2);
    expect(s.utilisation.reserved).toEqual({ cpu: 1024, memory: 3072 });
  });

  it('idle time carries across samples', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const previous = seen[seen.length - 1]!;
    const s = await h.sample();
    seen.push(s);
    expect(s.idle).toEqual([
      expect.objectContaining({
        ec2InstanceId: spotId,
        idleSince: previous.at,
        idleForMs: s.at - previous.at,
      }),
    ]);
    expect(s.idle[0]!.idleForMs).toBeGreaterThanOrEqual(300);
  });

  it('records a failed read as a gap, not zeros, and keeps the last good sample', async () => {
    const before = await h.samples.latest();
    await fetch(`${h.lc.url}/_localcloud/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ operation: 'ecs:*', errorRate: 1, error: 'throttle' }] }),
    });
    const out = await h.tickOnce();
    await fetch(`${h.lc.url}/_localcloud/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [] }),
    });
    expect(out.result).toBe('gap');
    expect(out.reason).toMatch(/Throttl/);
    const last = await h.samples.lastEntry();
    expect(last).toMatchObject({ bucket: out.bucket, gap: true });
    expect(Object.keys(last!).sort()).toEqual(['at', 'bucket', 'gap', 'reason', 'resolutionMs']);
    expect((await h.samples.latest())!.bucket).toBe(before!.bucket);
  });

  it('after the scale-in: one instance, reservation 100%, nothing idle', async () => {
    await fetch(`${h.lc.url}/_localcloud/timing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scaleInIdleMs: 100 }),
    });
    await h.waitFor(async () => (await h.state()).asg.instanceIds.length === 1, {
      what: 'scale-in',
      timeoutMs: 15_000,
    });
    const s = await h.sample();
    expect(s.fleet.asg.instances.map((i) => i.instanceId)).not.toContain(spotId);
    expect(s.reservation).toEqual({ m: 1, n: 1, value: 100 });
    expect(s.scaling.action).toBe('hold');
    expect(s.idle).toEqual([]);
    expect(s.cost.idlePerMonth).toBe(0);
    const history = await h.samples.history(0, Date.now() + 3600_000 * 24 * 2);
    expect(history.map((p) => (p.gap ? 'gap' : p.reservation))).toEqual([
      0,
      100,
      100,
      100,
      50,
      50,
      'gap',
      100,
    ]);
  });

  describe("localcloud's own state (not an AWS surface)", () => {
    it("localcloud's managed-scaling reservation agreed with every sample's", () => {
      expect(ownReservation.map((r) => r.stage)).toEqual([
        'bootstrapped',
        'two users',
        'scaled out',
        'third user left',
      ]);
      for (const r of ownReservation) expect(r.localcloud, r.stage).toEqual(r.sampled);
    });
    it('the sampler read each instance in the market localcloud launched it in', () => {
      expect(ownMarkets.map((m) => m.sampled)).toEqual(['on-demand', 'on-demand', 'spot']);
      for (const m of ownMarkets) expect(m.localcloud, m.instanceId).toBe(m.sampled);
    });
  });
});
