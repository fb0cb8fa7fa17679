import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeSpotPriceHistoryCommand } from '@aws-sdk/client-ec2';
import { DescribeClustersCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { clients, errorOf, inspect, waitFor } from './helpers.js';

let lc: Localcloud;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  lc = await startLocalcloud({
    port: 0,
    seed: 61,
    albs: 2,
    timing: { instanceLaunchMs: 50, scalingEvaluationMs: 1_000_000 },
  });
  c = clients(lc);
});
afterAll(() => lc.close());

describe('Auto Scaling', () => {
  it('describes the group as terraform creates it', async () => {
    const g = (
      await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['openclaw-ecs-asg'] }))
    ).AutoScalingGroups![0]!;
    expect(g).toMatchObject({
      MinSize: 1,
      MaxSize: 20,
      DesiredCapacity: 1,
      NewInstancesProtectedFromScaleIn: true,
    });
    expect(g.MixedInstancesPolicy?.InstancesDistribution?.OnDemandBaseCapacity).toBe(1);
    expect(g.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.map((o) => o.InstanceType)).toEqual([
      'c7i-flex.large',
      'm7i-flex.large',
    ]);
    expect(g.Instances?.[0]).toMatchObject({
      LifecycleState: 'InService',
      InstanceType: 'c7i-flex.large',
      AvailabilityZone: 'us-west-2a',
    });
    expect(g.VPCZoneIdentifier).toBe(lc.ids.SUBNET_IDS);
  });

  it('sets desired capacity (launching an instance) and validates against min/max', async () => {
    await c.asg.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: 'openclaw-ecs-asg', DesiredCapacity: 2 }),
    );
    const g = await waitFor(
      async () => {
        const x = (await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!;
        return x.Instances?.length === 2 && x.Instances.every((i) => i.LifecycleState === 'InService')
          ? x
          : undefined;
      },
      { what: 'second instance in service' },
    );
    expect(g.DesiredCapacity).toBe(2);
    const tooMany = await errorOf(() =>
      c.asg.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: 'openclaw-ecs-asg', DesiredCapacity: 21 }),
      ),
    );
    expect(tooMany.name).toBe('ValidationError');
    expect(tooMany.message).toMatch(/above max value 20/);
    const unknown = await errorOf(() =>
      c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 1 })),
    );
    expect(unknown.name).toBe('ValidationError');
    const acts = await c.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'openclaw-ecs-asg', MaxRecords: 1 }),
    );
    expect(acts.Activities).toHaveLength(1);
    expect(acts.Activities?.[0]?.StatusCode).toBe('Successful');
    expect(acts.NextToken).toBeDefined();
    const next = await c.asg.send(
      new DescribeScalingActivitiesCommand({
        AutoScalingGroupName: 'openclaw-ecs-asg',
        NextToken: acts.NextToken,
      }),
    );
    expect(next.Activities?.[0]?.Description).toMatch(/^Launching a new EC2 instance: i-/);
  });

  it('removes scale-in protection so lowering desired terminates that instance', async () => {
    const g = (await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!;
    const spot = g.Instances![1]!.InstanceId!;
    await c.asg.send(
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: 'openclaw-ecs-asg',
        InstanceIds: [spot],
        ProtectedFromScaleIn: false,
      }),
    );
    await c.asg.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: 'openclaw-ecs-asg', DesiredCapacity: 1 }),
    );
    const after = (await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!;
    expect(after.Instances?.map((i) => i.InstanceId)).not.toContain(spot);
    const err = await errorOf(() =>
      c.asg.send(
        new SetInstanceProtectionCommand({
          AutoScalingGroupName: 'openclaw-ecs-asg',
          InstanceIds: ['i-0'],
          ProtectedFromScaleIn: true,
        }),
      ),
    );
    expect(err.name).toBe('ValidationError');
  });
});

describe('EC2 spot prices', () => {
  it('returns plausible us-west-2 prices for both types in both AZs, with paging', async () => {
    const out = await c.ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
        ProductDescriptions: ['Linux/UNIX'],
        StartTime: new Date(),
      }),
    );
    const combos = new Set(out.SpotPriceHistory!.map((p) => `${p.InstanceType}@${p.AvailabilityZone}`));
    expect([...combos].sort()).toEqual([
      'c7i-flex.large@us-west-2a',
      'c7i-flex.large@us-west-2b',
      'm7i-flex.large@us-west-2a',
      'm7i-flex.large@us-west-2b',
    ]);
    for (const p of out.SpotPriceHistory!) {
      expect(Number(p.SpotPrice)).toBeGreaterThan(0.02);
      expect(Number(p.SpotPrice)).toBeLessThan(0.05);
      expect(p.Timestamp).toBeInstanceOf(Date);
    }
    const page = await c.ec2.send(
      new DescribeSpotPriceHistoryCommand({ InstanceTypes: ['c7i-flex.large'], MaxResults: 5 }),
    );
    expect(page.SpotPriceHistory).toHaveLength(5);
    const rest = await c.ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: ['c7i-flex.large'],
        MaxResults: 5,
        NextToken: page.NextToken,
      }),
    );
    expect(rest.SpotPriceHistory!.length).toBeGreaterThan(0);
  });
});

describe('EC2 instances', () => {
  it("describes the group's instances: spot lifecycle, type, AZ, state; unknown ids fail", async () => {
    const all = await c.ec2.send(new DescribeInstancesCommand({}));
    const instances = all.Reservations!.flatMap((r) => r.Instances!);
    const base = instances[0]!;
    expect(base).toMatchObject({ InstanceType: 'c7i-flex.large', State: { Name: 'running', Code: 16 } });
    expect(base.InstanceLifecycle).toBeUndefined();
    expect(base.Placement?.AvailabilityZone).toBe('us-west-2a');
    const spot = instances.find((i) => i.InstanceLifecycle === 'spot');
    expect(spot?.State?.Name).toBe('terminated');
    const err = await errorOf(() =>
      c.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-00000000000000000'] })),
    );
    expect(err.name).toBe('InvalidInstanceID.NotFound');
  });
});

describe('fault injection', () => {
  it('throttles JSON services with ThrottlingException and query services with Throttling', async () => {
    await inspect(lc, 'faults', {
      seed: 1,
      rules: [
        { operation: 'ecs:ListServices', errorRate: 1 },
        { operation: 'elasticloadbalancing:*', errorRate: 1 },
      ],
    });
    const ecsErr = await errorOf(() => c.ecs.send(new ListServicesCommand({ cluster: lc.ids.ECS_CLUSTER })));
    expect(ecsErr.name).toBe('ThrottlingException');
    expect(ecsErr.$metadata?.httpStatusCode).toBe(400);
    const elbErr = await errorOf(() => c.elb.send(new DescribeLoadBalancersCommand({})));
    expect(elbErr.name).toBe('Throttling');
    // Other operations are untouched.
    await c.ecs.send(new DescribeClustersCommand({ clusters: [lc.ids.ECS_CLUSTER] }));
  });

  it('injects 500s, stops after maxErrors, and the SDK retry recovers', async () => {
    await inspect(lc, 'faults', {
      rules: [{ operation: 'secretsmanager:ListSecrets', errorRate: 1, error: 'internal', maxErrors: 1 }],
    });
    const err = await errorOf(() => c.sm.send(new ListSecretsCommand({})));
    expect(err.name).toBe('InternalFailure');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    await c.sm.send(new ListSecretsCommand({}));
    await inspect(lc, 'faults', {
      rules: [{ operation: '*', errorRate: 1, error: 'unavailable', maxErrors: 1 }],
    });
    const retrying = clients(lc, 3);
    const ok = await retrying.sm.send(new ListSecretsCommand({}));
    expect(ok.$metadata.attempts).toBe(2);
  });

  it('is deterministic for a seed and adds latency', async () => {
    const pattern = async () => {
      await inspect(lc, 'faults', {
        seed: 99,
        rules: [{ operation: 'ecs:DescribeClusters', errorRate: 0.5 }],
      });
      const out: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        out.push(
          await c.ecs.send(new DescribeClustersCommand({})).then(
            () => true,
            () => false,
          ),
        );
      }
      return out;
    };
    const a = await pattern();
    expect(await pattern()).toEqual(a);
    expect(a).toContain(true);
    expect(a).toContain(false);
    await inspect(lc, 'faults', { rules: [{ operation: 'ecs:*', latencyMs: 60 }] });
    const t0 = Date.now();
    await c.ecs.send(new DescribeClustersCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect((await inspect<{ rules: unknown[] }>(lc, 'faults')).rules).toHaveLength(1);
    await inspect(lc, 'faults', { rules: [] });
  });

  it('holds a call in flight until the rules stop holding its operation, then answers it', async () => {
    const hold = { operation: 'ecs:DescribeClusters', hold: true };
    await inspect(lc, 'faults', { rules: [hold] });
    let answered = false;
    const call = c.ecs.send(new DescribeClustersCommand({ clusters: [lc.ids.ECS_CLUSTER] })).then((out) => {
      answered = true;
      return out;
    });
    // Other operations are not held meanwhile.
    await c.ecs.send(new ListServicesCommand({ cluster: lc.ids.ECS_CLUSTER }));
    expect(answered).toBe(false);
    // New rules that still hold the operation keep it held.
    await inspect(lc, 'faults', { rules: [{ operation: 'ecs:ListServices', latencyMs: 1 }, hold] });
    await c.ecs.send(new ListServicesCommand({ cluster: lc.ids.ECS_CLUSTER }));
    expect(answered).toBe(false);
    await inspect(lc, 'faults', { rules: [] });
    expect((await call).clusters?.map((cl) => cl.clusterName)).toEqual([lc.ids.ECS_CLUSTER]);
    const bad = await fetch(`${lc.url}/_localcloud/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ operation: '*', hold: 'yes' }] }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('inspection surface', () => {
  it('serves the ids the worker needs', async () => {
    const ids = await inspect<Record<string, string>>(lc, 'ids');
    expect(ids).toEqual(lc.ids);
    expect(ids.ALB_LISTENER_ARNS!.split(',')).toHaveLength(2);
    expect(ids.SUBNET_IDS!.split(',')).toHaveLength(2);
    expect(ids.AWS_ENDPOINT_URL).toBe(lc.url);
  });

  it('counts calls per operation and resets the count', async () => {
    await inspect(lc, 'calls/reset', {});
    await c.ecs.send(new DescribeClustersCommand({}));
    await c.ecs.send(new DescribeClustersCommand({}));
    await c.elb.send(new DescribeLoadBalancersCommand({}));
    expect(await inspect(lc, 'calls')).toEqual({
      'ecs:DescribeClusters': 2,
      'elasticloadbalancing:DescribeLoadBalancers': 1,
    });
  });

  it('changes timings at run time and resets to the bootstrap state with the same ids', async () => {
    const t = await inspect<{ timing: { instanceLaunchMs: number } }>(lc, 'timing', {
      instanceLaunchMs: 5,
      timeScale: 0.5,
    });
    expect(t.timing.instanceLaunchMs).toBe(5);
    const state = await inspect<{ timing: { drainMs: number } }>(lc, 'state');
    expect(state.timing.drainMs).toBe(60_000);
    await inspect(lc, 'reset', {});
    const after = await inspect<{ asg: { desired: number; instanceIds: string[] } }>(lc, 'state');
    expect(after.asg.desired).toBe(1);
    expect(after.asg.instanceIds).toHaveLength(1);
    expect(await inspect(lc, 'ids')).toEqual(lc.ids);
    expect(await inspect(lc, 'calls')).toEqual({});
  });
});

describe('bootstrap with a larger min size', () => {
  // Markets and lifecycles as localcloud keeps them (AWS shows them through DescribeInstances and
  // DescribeAutoScalingGroups, which other tests here read).
  describe("localcloud's own state (not an AWS surface)", () => {
    it('starts exactly min instances, all registered, the first on-demand', async () => {
      const big = await startLocalcloud({ port: 0, seed: 62, asg: { min: 3 } });
      try {
        const s = await inspect<{
          asg: { desired: number; instanceIds: string[] };
          instances: { market: string; lifecycle: string }[];
        }>(big, 'state');
        expect(s.asg.desired).toBe(3);
        expect(s.instances.map((i) => `${i.market}/${i.lifecycle}`)).toEqual([
          'on-demand/InService',
          'spot/InService',
          'spot/InService',
        ]);
      } finally {
        await big.close();
      }
    });
  });
});
