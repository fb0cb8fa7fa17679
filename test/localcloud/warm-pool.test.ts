import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteWarmPoolCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  DescribeWarmPoolCommand,
  PutWarmPoolCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { FAST, registerGateway, serviceTask } from './capacity-helpers.js';
import { clients, errorOf, waitFor } from './helpers.js';

const WARM_GROUP = 'openclaw-warm-asg';

type Clients = ReturnType<typeof clients>;

async function warmPool(c: Clients) {
  return c.asg.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP }));
}

async function warmGroup(c: Clients) {
  const out = await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [WARM_GROUP] }));
  return out.AutoScalingGroups![0]!;
}

const states = (pool: Awaited<ReturnType<typeof warmPool>>) =>
  (pool.Instances ?? []).map((i) => i.LifecycleState).sort();

describe('warm pools: PutWarmPool, DescribeWarmPool, DeleteWarmPool', () => {
  let lc: Localcloud;
  let c: Clients;
  beforeAll(async () => {
    lc = await startLocalcloud({
      port: 0,
      seed: 61,
      taskRuntime: 'none',
      timing: { ...FAST, warmTerminateMs: 2_000 },
      warmGroup: { min: 0, max: 10 },
    });
    c = clients(lc);
  });
  afterAll(() => lc.close());

  it('refuses a warm pool on the spot group (mixed instances policy) with ValidationError, changing nothing', async () => {
    const err = await errorOf(() =>
      c.asg.send(new PutWarmPoolCommand({ AutoScalingGroupName: lc.ids.ASG_NAME, MinSize: 1 })),
    );
    expect(err.name).toBe('ValidationError');
    expect(err.message).toMatch(/mixed instances policy or a launch template that requests Spot Instances/);
    const spot = await c.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [lc.ids.ASG_NAME] }),
    );
    expect(spot.AutoScalingGroups![0]!.WarmPoolConfiguration).toBeUndefined();
  });

  it('rejects a pool state AWS does not know, and an unknown group', async () => {
    const bad = await errorOf(() =>
      c.asg.send(
        new PutWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP, PoolState: 'Frozen' as 'Stopped' }),
      ),
    );
    expect(bad.name).toBe('ValidationError');
    const missing = await errorOf(() =>
      c.asg.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'nope' })),
    );
    expect(missing.name).toBe('ValidationError');
    expect((await warmPool(c)).WarmPoolConfiguration).toBeUndefined();
  });

  it('creates the pool on the on-demand group: instances warm up, then wait Stopped (EC2 state stopped)', async () => {
    await c.asg.send(
      new PutWarmPoolCommand({
        AutoScalingGroupName: WARM_GROUP,
        MinSize: 2,
        MaxGroupPreparedCapacity: 2,
        PoolState: 'Stopped',
      }),
    );
    const pool = await waitFor(
      async () => {
        const p = await warmPool(c);
        return states(p).join() === 'Warmed:Stopped,Warmed:Stopped' && p;
      },
      { what: 'two Warmed:Stopped instances' },
    );
    expect(pool.WarmPoolConfiguration).toEqual({
      MinSize: 2,
      MaxGroupPreparedCapacity: 2,
      PoolState: 'Stopped',
      InstanceReusePolicy: { ReuseOnScaleIn: false },
    });
    const group = await warmGroup(c);
    // A plain launch template (terraform's one), no mixed instances policy: the kind of group AWS allows a pool.
    expect(group.MixedInstancesPolicy).toBeUndefined();
    expect(group.LaunchTemplate?.LaunchTemplateName).toBe('openclaw-ecs');
    expect(group.WarmPoolSize).toBe(2);
    expect(group.Instances).toEqual([]);
    const ids = pool.Instances!.map((i) => i.InstanceId!);
    const ec2 = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const ec2States = ec2.Reservations!.flatMap((r) => r.Instances!.map((i) => i.State?.Name));
    expect(ec2States).toEqual(['stopped', 'stopped']);
  });

  it('scale-out takes a pool instance, which goes in service; the pool launches a replacement', async () => {
    const before = (await warmPool(c)).Instances!.map((i) => i.InstanceId);
    await c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: WARM_GROUP, DesiredCapacity: 1 }));
    const inService = await waitFor(
      async () => {
        const g = await warmGroup(c);
        return g.Instances?.[0]?.LifecycleState === 'InService' && g.Instances[0];
      },
      { what: 'the warm group instance InService' },
    );
    expect(before).toContain(inService.InstanceId);
    const activities = await c.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: WARM_GROUP }),
    );
    expect(activities.Activities!.map((a) => a.Description)).toContain(
      `Launching a new EC2 instance from warm pool: ${inService.InstanceId}`,
    );
    // Without a group name, every group's activities, each naming its group.
    const everyGroup = await c.asg.send(new DescribeScalingActivitiesCommand({}));
    expect(
      everyGroup.Activities!.find((a) => a.Description?.endsWith(`from warm pool: ${inService.InstanceId}`))
        ?.AutoScalingGroupName,
    ).toBe(WARM_GROUP);
    const refilled = await waitFor(
      async () => {
        const p = await warmPool(c);
        return (
          p.Instances?.length === 2 && !p.Instances.some((i) => i.InstanceId === inService.InstanceId) && p
        );
      },
      { what: 'the pool back at MinSize 2 without the instance that left' },
    );
    expect(refilled.Instances!.length).toBe(2);
  });

  it('DeleteWarmPool: PendingDelete while its instances terminate, then gone', async () => {
    await c.asg.send(new DeleteWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP }));
    const pending = await warmPool(c);
    expect(pending.WarmPoolConfiguration?.Status).toBe('PendingDelete');
    expect(states(pending).every((s) => s === 'Warmed:Terminating')).toBe(true);
    await waitFor(async () => (await warmPool(c)).WarmPoolConfiguration === undefined, {
      what: 'the warm pool gone',
    });
    expect((await warmGroup(c)).WarmPoolConfiguration).toBeUndefined();
    const again = await errorOf(() =>
      c.asg.send(new DeleteWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP })),
    );
    expect(again.name).toBe('ValidationError');
  });

  it('DeleteWarmPool with ForceDelete removes the pool and its instances at once', async () => {
    await c.asg.send(
      new PutWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP, MinSize: 1, MaxGroupPreparedCapacity: 1 }),
    );
    expect((await warmPool(c)).Instances).toHaveLength(1);
    await c.asg.send(new DeleteWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP, ForceDelete: true }));
    const gone = await warmPool(c);
    expect(gone.WarmPoolConfiguration).toBeUndefined();
    expect(gone.Instances).toEqual([]);
  });
});

type Strategy = { capacityProvider: string; base?: number; weight?: number }[];
const spotOnly = (lc: Localcloud) => ({ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1 });

async function createService(c: Clients, lc: Localcloud, name: string, strategy: Strategy): Promise<void> {
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: lc.ids.ECS_CLUSTER,
      serviceName: name,
      taskDefinition: 'gateway',
      desiredCount: 1,
      capacityProviderStrategy: strategy,
      networkConfiguration: { awsvpcConfiguration: { subnets: lc.ids.SUBNET_IDS.split(',') } },
    }),
  );
}

describe('warm pools: scale-out from the pool is faster than cold, for tasks on the openclaw-warm provider', () => {
  let lc: Localcloud;
  let c: Clients;
  beforeAll(async () => {
    // A cold launch takes a minute here, a warm start 20 ms: only the pool can serve within the test's wait.
    lc = await startLocalcloud({
      port: 0,
      seed: 62,
      taskRuntime: 'none',
      timing: { ...FAST, instanceLaunchMs: 60_000, warmStartMs: 20, scaleInIdleMs: 60_000 },
      warmGroup: { min: 0, max: 10, warmPool: { minSize: 2, poolState: 'Stopped' } },
    });
    c = clients(lc);
    await registerGateway(c);
  });
  afterAll(() => lc.close());

  it('the cluster offers both capacity providers; only the spot one is the default', async () => {
    const providers = await c.ecs.send(new DescribeCapacityProvidersCommand({}));
    const warm = providers.capacityProviders!.find((p) => p.name === 'openclaw-warm');
    expect(warm?.autoScalingGroupProvider?.autoScalingGroupArn).toBe(
      (await warmGroup(c)).AutoScalingGroupARN,
    );
    const cluster = await c.ecs.send(new DescribeClustersCommand({ clusters: [lc.ids.ECS_CLUSTER] }));
    expect(cluster.clusters![0]!.capacityProviders).toEqual([lc.ids.CAPACITY_PROVIDER, 'openclaw-warm']);
    expect(cluster.clusters![0]!.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1, base: 0 },
    ]);
  });

  it('with the spot fleet full, a task on openclaw-warm runs on a pool instance while a spot one waits for a cold launch', async () => {
    // The spot base instance holds two gateways; the third spot task waits for a (one-minute) cold launch.
    for (const name of ['spot-1', 'spot-2', 'spot-3']) await createService(c, lc, name, [spotOnly(lc)]);
    await waitFor(async () => (await serviceTask(c, lc, 'spot-2'))?.lastStatus === 'RUNNING', {
      what: 'spot-2 RUNNING on the base instance',
    });
    await createService(c, lc, 'warm-user', [
      { capacityProvider: 'openclaw-warm', base: 1, weight: 0 },
      { capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1 },
    ]);
    const task = await waitFor(
      async () => {
        const t = await serviceTask(c, lc, 'warm-user');
        return t?.lastStatus === 'RUNNING' && t;
      },
      { what: 'the warm-user task RUNNING' },
    );
    expect((await serviceTask(c, lc, 'spot-3'))?.lastStatus).toBe('PROVISIONING');
    expect(task.capacityProviderName).toBe('openclaw-warm');
    const ci = await c.ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: lc.ids.ECS_CLUSTER,
        containerInstances: [task.containerInstanceArn!],
      }),
    );
    expect(ci.containerInstances![0]!.capacityProviderName).toBe('openclaw-warm');
    const host = ci.containerInstances![0]!.ec2InstanceId!;
    const activities = await c.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: WARM_GROUP }),
    );
    expect(activities.Activities!.map((a) => a.Description)).toContain(
      `Launching a new EC2 instance from warm pool: ${host}`,
    );
  });

  it('two from the pool are in service while a cold launch asked for at the same time is still Pending', async () => {
    // The pool holds one ready instance and one warming (its replacement, launched cold).
    await c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: WARM_GROUP, DesiredCapacity: 3 }));
    const group = await waitFor(
      async () => {
        const g = await warmGroup(c);
        return g.Instances?.filter((i) => i.LifecycleState === 'InService').length === 2 && g;
      },
      { what: 'two warm group instances InService' },
    );
    const pending = group.Instances!.filter((i) => i.LifecycleState === 'Pending');
    expect(pending).toHaveLength(1);
    const activities = await c.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: WARM_GROUP }),
    );
    expect(activities.Activities!.map((a) => a.Description)).toContain(
      `Launching a new EC2 instance: ${pending[0]!.InstanceId}`,
    );
    // The pool is refilled toward MinSize: instances launched into it are warming (Warmed:Pending).
    const pool = await warmPool(c);
    expect(pool.Instances!.length).toBe(2);
    expect(states(pool)).toEqual(['Warmed:Pending', 'Warmed:Pending']);
  });
});

describe('warm pools: kept across a restart on the state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'localcloud-warm-'));
  const persistFile = join(dir, 'state.json');
  let second: Localcloud | undefined;
  afterAll(async () => {
    await second?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the group, its pool and a pool instance still warming come back; the warming one finishes', async () => {
    const options = {
      port: 0,
      seed: 63,
      taskRuntime: 'none' as const,
      persistFile,
      // Warming takes a minute before the restart (so it is still under way), 300 ms after it.
      timing: { ...FAST, instanceLaunchMs: 60_000 },
      warmGroup: { min: 0, max: 10, warmPool: { minSize: 1, poolState: 'Stopped' as const } },
    };
    const first = await startLocalcloud(options);
    const c1 = clients(first);
    await c1.asg.send(
      new PutWarmPoolCommand({ AutoScalingGroupName: WARM_GROUP, MinSize: 2, MaxGroupPreparedCapacity: 2 }),
    );
    const before = await warmPool(c1);
    expect(states(before)).toEqual(['Warmed:Pending', 'Warmed:Stopped']);
    await first.close();

    second = await startLocalcloud({ ...options, timing: { ...FAST, instanceLaunchMs: 300 } });
    const c2 = clients(second);
    const after = await waitFor(
      async () => {
        const p = await warmPool(c2);
        return states(p).join() === 'Warmed:Stopped,Warmed:Stopped' && p;
      },
      { what: 'the restored pool instance that was warming to finish (Warmed:Stopped)' },
    );
    expect(after.Instances!.map((i) => i.InstanceId).sort()).toEqual(
      before.Instances!.map((i) => i.InstanceId).sort(),
    );
    expect(after.WarmPoolConfiguration).toMatchObject({ MinSize: 2, MaxGroupPreparedCapacity: 2 });
  });
});
