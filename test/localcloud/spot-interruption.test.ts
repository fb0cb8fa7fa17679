import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
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

describe('spot interruption', () => {
  let lc: Localcloud;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    lc = await startLocalcloud({ port: 0, seed: 51, timing: { ...FAST, drainMs: 400 } });
    c = clients(lc);
    await registerGateway(c);
  });
  afterAll(() => lc.close());

  it('drains the instance, replaces its task elsewhere (scaling out), then terminates it', async () => {
    await deployUser(c, lc, 's1', 1);
    await deployUser(c, lc, 's2', 2);
    const tg3 = await deployUser(c, lc, 's3', 3);
    const first = await waitFor(
      async () => {
        const t = await serviceTask(c, lc, 's3');
        return t?.lastStatus === 'RUNNING' ? t : undefined;
      },
      { what: 's3 running on a spot instance' },
    );
    const spotCi = first.containerInstanceArn!;
    const spotInstance = (
      await c.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: lc.ids.ECS_CLUSTER, containerInstances: [spotCi] }),
      )
    ).containerInstances![0]!.ec2InstanceId!;

    const notice = await inspect<{ instanceId: string }>(lc, 'spot-interruption', {});
    expect(notice.instanceId).toBe(spotInstance);
    const draining = await c.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: lc.ids.ECS_CLUSTER, containerInstances: [spotCi] }),
    );
    expect(draining.containerInstances?.[0]?.status).toBe('DRAINING');

    const old = (
      await c.ecs.send(new DescribeTasksCommand({ cluster: lc.ids.ECS_CLUSTER, tasks: [first.taskArn!] }))
    ).tasks![0]!;
    expect(old.desiredStatus).toBe('STOPPED');
    expect(old.stoppedReason).toMatch(/draining/);

    // The base instance is full, so the replacement needs a new instance: m7i-flex.large in us-west-2a.
    const replacement = await waitFor(
      async () => {
        const t = await serviceTask(c, lc, 's3');
        return t && t.taskArn !== first.taskArn && t.lastStatus === 'RUNNING' ? t : undefined;
      },
      { what: 'replacement running' },
    );
    expect(replacement.containerInstanceArn).not.toBe(spotCi);
    await waitFor(async () => (await targetState(c, tg3)) === 'healthy', { what: 'replacement healthy' });

    const g = await waitFor(
      async () => {
        const x = await group(c);
        return x.Instances!.every((i) => i.InstanceId !== spotInstance) && x.Instances!.length === 2
          ? x
          : undefined;
      },
      { what: 'interrupted instance gone' },
    );
    expect(g.Instances!.map((i) => i.InstanceType).sort()).toEqual(['c7i-flex.large', 'm7i-flex.large']);
    expect(g.DesiredCapacity).toBe(2);
    const stopped = await c.ecs.send(
      new ListTasksCommand({ cluster: lc.ids.ECS_CLUSTER, serviceName: 's3', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toContain(first.taskArn);
    expect((await service(c, lc, 's3')).runningCount).toBe(1);
  });

  it('refuses to interrupt an on-demand instance', async () => {
    const base = (await group(c)).Instances!.find((i) => i.InstanceType === 'c7i-flex.large')!;
    const res = await inspect<{ error?: string }>(lc, 'spot-interruption', { instanceId: base.InstanceId });
    expect(res.error).toMatch(/not a Spot Instance/);
  });
});
