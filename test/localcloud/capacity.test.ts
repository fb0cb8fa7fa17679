import { DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import {
  deployUser,
  FAST,
  group,
  registerGateway,
  service,
  serviceTask,
  targetState,
} from './capacity-helpers.js';
import { clients, inspect, waitFor } from './helpers.js';

const UNABLE =
  /^\(service \S+\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) (has insufficient memory available|encountered error "RESOURCE:ENI")\./;

describe('capacity: scale out when full, scale in when idle', () => {
  let lc: Localcloud;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    lc = await startLocalcloud({ port: 0, seed: 41, timing: FAST });
    c = clients(lc);
    await registerGateway(c);
  });
  afterAll(() => lc.close());

  it('places two tasks on the bootstrapped instance', async () => {
    await deployUser(c, lc, 'u1', 1);
    await deployUser(c, lc, 'u2', 2);
    await waitFor(
      async () =>
        (await service(c, lc, 'u1')).runningCount === 1 && (await service(c, lc, 'u2')).runningCount === 1,
      {
        what: 'two running tasks',
      },
    );
    const base = (await group(c)).Instances!;
    expect(base).toHaveLength(1);
    const t1 = await serviceTask(c, lc, 'u1');
    const t2 = await serviceTask(c, lc, 'u2');
    expect(t1?.containerInstanceArn).toBe(t2?.containerInstanceArn);
  });

  it('a third task waits in PROVISIONING, the ASG scales out, the task runs and turns healthy', async () => {
    const tg3 = await deployUser(c, lc, 'u3', 3);
    const waiting = await serviceTask(c, lc, 'u3');
    expect(waiting?.lastStatus).toBe('PROVISIONING');
    expect(waiting?.containerInstanceArn).toBeUndefined();
    const events = (await service(c, lc, 'u3')).events!.map((e) => e.message!);
    expect(events.some((m) => UNABLE.test(m))).toBe(true);

    const scaled = await waitFor(
      async () => {
        const g = await group(c);
        return g.DesiredCapacity === 2 ? g : undefined;
      },
      { what: 'desired capacity 2' },
    );
    // Launches alternate AZs; the first spot launch is a c7i-flex.large.
    const added = scaled.Instances!.find((i) => i.InstanceId !== scaled.Instances![0]!.InstanceId)!;
    expect(added).toMatchObject({
      InstanceType: 'c7i-flex.large',
      AvailabilityZone: 'us-west-2b',
      ProtectedFromScaleIn: true,
    });
    const activities = await c.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'openclaw-ecs-asg' }),
    );
    expect(activities.Activities?.[0]?.Description).toBe(`Launching a new EC2 instance: ${added.InstanceId}`);
    expect(activities.Activities?.[0]?.Cause).toMatch(/changing the desired capacity from 1 to 2\.$/);

    const running = await waitFor(
      async () => {
        const t = await serviceTask(c, lc, 'u3');
        return t?.lastStatus === 'RUNNING' ? t : undefined;
      },
      { what: 'u3 running' },
    );
    expect(running.availabilityZone).toBe('us-west-2b');
    await waitFor(async () => (await targetState(c, tg3)) === 'healthy', { what: 'u3 healthy' });
    await waitFor(
      async () =>
        (await service(c, lc, 'u3')).events?.[0]?.message === '(service u3) has reached a steady state.',
      {
        what: 'u3 steady',
      },
    );

    const cis = await c.ecs.send(new ListContainerInstancesCommand({ cluster: lc.ids.ECS_CLUSTER }));
    const described = await c.ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: lc.ids.ECS_CLUSTER,
        containerInstances: cis.containerInstanceArns!,
      }),
    );
    expect(described.containerInstances?.map((ci) => ci.runningTasksCount)).toEqual([2, 1]);
  });

  // AWS publishes the reservation only as the CloudWatch metric CapacityProviderReservation, which
  // localcloud does not serve: this reads its managed-scaling computation from its inspection surface.
  describe("localcloud's own state (not an AWS surface)", () => {
    it('reserves 100% (M = N = 2) with three tasks on two instances', async () => {
      const state = await inspect<{ reservation: { m: number; n: number; percent: number } }>(lc, 'state');
      expect(state.reservation).toMatchObject({ m: 2, n: 2, percent: 100 });
    });
  });

  it('deleting services lets the idle spot instance scale in after the idle period; the on-demand base stays', async () => {
    const before = await group(c);
    const baseId = before.Instances![0]!.InstanceId;
    const deletedAt = Date.now();
    await c.ecs.send(new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'u3', force: true }));
    const after = await waitFor(
      async () => {
        const g = await group(c);
        return g.Instances!.length === 1 && g.DesiredCapacity === 1 ? g : undefined;
      },
      { what: 'scale-in to 1' },
    );
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(400);
    expect(after.Instances![0]!.InstanceId).toBe(baseId);

    await c.ecs.send(new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'u1', force: true }));
    await c.ecs.send(new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'u2', force: true }));
    await waitFor(async () => (await service(c, lc, 'u2')).status === 'INACTIVE', { what: 'u2 inactive' });
    await new Promise((r) => setTimeout(r, 600));
    const idle = await group(c);
    expect(idle.Instances?.map((i) => i.InstanceId)).toEqual([baseId]);
    expect(idle.DesiredCapacity).toBe(1);
  });
});

describe('capacity: max size caps growth', () => {
  let lc: Localcloud;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    lc = await startLocalcloud({ port: 0, seed: 42, timing: FAST, asg: { max: 2 } });
    c = clients(lc);
    await registerGateway(c);
  });
  afterAll(() => lc.close());

  it('overflow tasks stay PROVISIONING with the AWS-like event, desired never passes max', async () => {
    for (let i = 1; i <= 5; i++) await deployUser(c, lc, `m${i}`, i);
    await waitFor(
      async () => {
        let running = 0;
        for (let i = 1; i <= 5; i++) running += (await service(c, lc, `m${i}`)).runningCount ?? 0;
        return running === 4;
      },
      { what: 'four running tasks' },
    );
    await new Promise((r) => setTimeout(r, 300)); // several evaluation periods
    const g = await group(c);
    expect(g.DesiredCapacity).toBe(2);
    expect(g.Instances).toHaveLength(2);
    const waiting = await serviceTask(c, lc, 'm5');
    expect(waiting?.lastStatus).toBe('PROVISIONING');
    const s = await service(c, lc, 'm5');
    expect(s.pendingCount).toBe(1);
    expect(s.events?.some((e) => UNABLE.test(e.message!))).toBe(true);
  });
});
