import {
  DeleteWarmPoolCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  DescribeWarmPoolCommand,
  PutWarmPoolCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { FAST } from './capacity-helpers.js';
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
    expect(pool.WarmPoolConfiguration).toMatchObject({
      MinSize: 2,
      MaxGroupPreparedCapacity: 2,
      PoolState: 'Stopped',
    });
    const group = await warmGroup(c);
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
