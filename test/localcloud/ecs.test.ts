import {
  ClientException,
  ClusterNotFoundException,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ResourceNotFoundException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { clients, errorOf, inspect, waitFor } from './helpers.js';

let lc: Localcloud;
let c: ReturnType<typeof clients>;
let cluster: string;
let tgArn: string;

beforeAll(async () => {
  lc = await startLocalcloud({
    port: 0,
    seed: 31,
    timing: {
      taskProvisioningMs: 5,
      taskStartMs: 10,
      healthCheckMs: 20,
      serviceDrainMs: 20,
      scalingEvaluationMs: 50,
    },
  });
  c = clients(lc);
  cluster = lc.ids.ECS_CLUSTER;
  const tg = await c.elb.send(
    new CreateTargetGroupCommand({
      Name: 'svc-web',
      Protocol: 'HTTP',
      Port: 18789,
      VpcId: lc.ids.VPC_ID,
      TargetType: 'ip',
      // The stand-in gateway answers /health at its root, as the worker's target groups check it.
      HealthCheckPath: '/health',
    }),
  );
  tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await c.elb.send(
    new CreateRuleCommand({
      ListenerArn: lc.ids.ALB_LISTENER_ARN,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/web/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
});
afterAll(() => lc.close());

const taskDefinition = (family: string) =>
  new RegisterTaskDefinitionCommand({
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2'],
    cpu: '512',
    memory: '1536',
    executionRoleArn: lc.ids.EXECUTION_ROLE_ARN,
    taskRoleArn: lc.ids.TASK_ROLE_ARN,
    containerDefinitions: [
      { name: 'gateway', image: 'openclaw:latest', portMappings: [{ containerPort: 18789 }] },
    ],
    tags: [{ key: 'family', value: family }],
  });

const serviceInput = (
  name: string,
  extra: Partial<CreateServiceCommandInput> = {},
): CreateServiceCommandInput => ({
  cluster,
  serviceName: name,
  taskDefinition: 'gw',
  desiredCount: 1,
  capacityProviderStrategy: [{ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1, base: 0 }],
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: lc.ids.SUBNET_IDS.split(','),
      securityGroups: [lc.ids.SECURITY_GROUP_IDS],
    },
  },
  ...extra,
});

/** The first create of `web`: a retry must send exactly this to be one. */
const webInput = () =>
  serviceInput('web', {
    clientToken: 'tok-web',
    loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gateway', containerPort: 18789 }],
    tags: [{ key: 'user', value: 'u1' }],
  });

const describeService = async (name: string) =>
  (await c.ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] })))
    .services![0]!;

describe('ECS task definitions', () => {
  it('registers revisions, describes with tags, lists by family and status', async () => {
    const r1 = await c.ecs.send(taskDefinition('gw'));
    expect(r1.taskDefinition?.taskDefinitionArn).toBe(
      'arn:aws:ecs:us-west-2:000000000000:task-definition/gw:1',
    );
    const r2 = await c.ecs.send(taskDefinition('gw'));
    expect(r2.taskDefinition?.revision).toBe(2);
    await c.ecs.send(taskDefinition('other'));

    const d = await c.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'gw', include: ['TAGS'] }),
    );
    expect(d.taskDefinition?.revision).toBe(2);
    expect(d.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]).toMatchObject({
      containerPort: 18789,
      hostPort: 18789,
    });
    expect(d.tags).toEqual([{ key: 'family', value: 'gw' }]);
    expect(
      (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'gw:1' }))).tags,
    ).toBeUndefined();
    expect(
      await errorOf(() => c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' }))),
    ).toBeInstanceOf(ClientException);

    const list = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'gw' }));
    expect(list.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['gw:1', 'gw:2']);
    const page = await c.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 1 }));
    expect(page.taskDefinitionArns).toHaveLength(1);
    expect(page.nextToken).toBeDefined();
    const fams = await c.ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    expect(fams.families).toEqual(['gw', 'other']);
  });

  it('deletes only INACTIVE revisions; ACTIVE ones come back as failures', async () => {
    const refused = await c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['other:1'] }));
    expect(refused.taskDefinitions).toEqual([]);
    expect(refused.failures?.[0]?.arn).toContain('task-definition/other:1');
    const dereg = await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'other:1' }));
    expect(dereg.taskDefinition?.status).toBe('INACTIVE');
    expect(
      (await c.ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }))).taskDefinitionArns,
    ).toHaveLength(1);
    expect(
      (await c.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'INACTIVE' }))).families,
    ).toEqual(['other']);
    const deleted = await c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['other:1'] }));
    expect(deleted.taskDefinitions?.[0]?.status).toBe('DELETE_IN_PROGRESS');
  });
});

describe('ECS services', () => {
  it('creates a service whose task is placed, runs, registers in its target group and reaches steady state', async () => {
    const created = await c.ecs.send(new CreateServiceCommand(webInput()));
    expect(created.service?.serviceArn).toBe(
      'arn:aws:ecs:us-west-2:000000000000:service/openclaw-cluster/web',
    );
    expect(created.service?.status).toBe('ACTIVE');
    const steady = await waitFor(
      async () => {
        const s = await describeService('web');
        return s.events?.[0]?.message?.includes('has reached a steady state.') ? s : undefined;
      },
      { what: 'steady state' },
    );
    expect(steady.runningCount).toBe(1);
    expect(steady.pendingCount).toBe(0);
    expect(steady.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      runningCount: 1,
    });
    expect(steady.tags).toEqual([{ key: 'user', value: 'u1' }]);
    const messages = steady.events!.map((e) => e.message!).reverse();
    expect(messages[0]).toMatch(/^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/);
    expect(messages).toContain(`(service web) registered 1 targets in (target-group ${tgArn})`);

    const tasks = await c.ecs.send(new ListTasksCommand({ cluster, serviceName: 'web' }));
    expect(tasks.taskArns).toHaveLength(1);
    const [task] = (await c.ecs.send(new DescribeTasksCommand({ cluster, tasks: tasks.taskArns! }))).tasks!;
    expect(task).toMatchObject({
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      cpu: '512',
      memory: '1536',
      group: 'service:web',
    });
    const ip = task!.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    const health = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(health.TargetHealthDescriptions?.[0]).toMatchObject({
      Target: { Id: ip, Port: 18789 },
      TargetHealth: { State: 'healthy' },
    });
  });

  it('is idempotent for the same clientToken and parameters, refuses another token or other parameters', async () => {
    const again = await c.ecs.send(new CreateServiceCommand(webInput()));
    expect(again.service?.serviceArn).toContain('service/openclaw-cluster/web');
    // The same token with other parameters (here: no tags) is not a retry of the first create.
    const otherParameters = await errorOf(() =>
      c.ecs.send(new CreateServiceCommand({ ...webInput(), tags: undefined })),
    );
    expect(otherParameters).toBeInstanceOf(InvalidParameterException);
    expect(otherParameters.message).toBe('Creation of service was not idempotent.');
    const err = await errorOf(() =>
      c.ecs.send(new CreateServiceCommand(serviceInput('web', { clientToken: 'other' }))),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.message).toBe('Creation of service was not idempotent.');
    const noToken = await errorOf(() => c.ecs.send(new CreateServiceCommand(serviceInput('web'))));
    expect(noToken).toBeInstanceOf(InvalidParameterException);
  });

  it('refuses an unknown cluster, task definition and capacity provider', async () => {
    expect(
      await errorOf(() => c.ecs.send(new CreateServiceCommand(serviceInput('x', { cluster: 'nope' })))),
    ).toBeInstanceOf(ClusterNotFoundException);
    expect(
      await errorOf(() =>
        c.ecs.send(new CreateServiceCommand(serviceInput('x', { taskDefinition: 'missing' }))),
      ),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await errorOf(() =>
        c.ecs.send(
          new CreateServiceCommand(
            serviceInput('x', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }),
          ),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
  });

  it('describes missing services as failures, lists services with paging', async () => {
    await c.ecs.send(new CreateServiceCommand(serviceInput('second', { desiredCount: 0 })));
    const d = await c.ecs.send(new DescribeServicesCommand({ cluster, services: ['web', 'ghost'] }));
    expect(d.services).toHaveLength(1);
    expect(d.failures).toEqual([
      { arn: 'arn:aws:ecs:us-west-2:000000000000:service/openclaw-cluster/ghost', reason: 'MISSING' },
    ]);
    const page1 = await c.ecs.send(new ListServicesCommand({ cluster, maxResults: 1 }));
    const page2 = await c.ecs.send(
      new ListServicesCommand({ cluster, maxResults: 1, nextToken: page1.nextToken }),
    );
    expect([...page1.serviceArns!, ...page2.serviceArns!].map((a) => a.split('/').pop())).toEqual([
      'web',
      'second',
    ]);
    expect(page2.nextToken).toBeUndefined();
  });

  it('updates the desired count and task definition (a new deployment replaces the task)', async () => {
    const before = (await c.ecs.send(new ListTasksCommand({ cluster, serviceName: 'web' }))).taskArns!;
    const u = await c.ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: 'gw:1' }));
    expect(u.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    await waitFor(
      async () => {
        const s = await describeService('web');
        return s.deployments?.length === 1 && s.runningCount === 1 && s.taskDefinition?.endsWith('gw:1');
      },
      { what: 'rolled deployment' },
    );
    const after = (await c.ecs.send(new ListTasksCommand({ cluster, serviceName: 'web' }))).taskArns!;
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    const stopped = await c.ecs.send(
      new ListTasksCommand({ cluster, serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toContain(before[0]);
    expect(
      await errorOf(() =>
        c.ecs.send(new UpdateServiceCommand({ cluster, service: 'ghost', desiredCount: 1 })),
      ),
    ).toBeInstanceOf(ServiceNotFoundException);
  });

  it('deletes: refuses while scaled above 0 without force, then ACTIVE -> DRAINING -> INACTIVE', async () => {
    const refused = await errorOf(() => c.ecs.send(new DeleteServiceCommand({ cluster, service: 'web' })));
    expect(refused).toBeInstanceOf(InvalidParameterException);
    const del = await c.ecs.send(new DeleteServiceCommand({ cluster, service: 'web', force: true }));
    expect(del.service?.status).toBe('DRAINING');
    // Out of ListServices from DRAINING on ("no longer visible ... in the ListServices API operation").
    expect(
      (await c.ecs.send(new ListServicesCommand({ cluster }))).serviceArns?.map((a) => a.split('/').pop()),
    ).toEqual(['second']);
    expect(
      await errorOf(() => c.ecs.send(new UpdateServiceCommand({ cluster, service: 'web', desiredCount: 2 }))),
    ).toBeInstanceOf(ServiceNotActiveException);
    await waitFor(async () => (await describeService('web')).status === 'INACTIVE', { what: 'INACTIVE' });
    expect(
      (await c.ecs.send(new ListServicesCommand({ cluster }))).serviceArns?.map((a) => a.split('/').pop()),
    ).toEqual(['second']);
    // Deleting an INACTIVE service returns it; the name can be reused.
    expect((await c.ecs.send(new DeleteServiceCommand({ cluster, service: 'web' }))).service?.status).toBe(
      'INACTIVE',
    );
    // Its token is not forgotten: the same parameters replay the first create (the service, INACTIVE),
    // other parameters under it are refused, even for a name that is free again.
    expect((await c.ecs.send(new CreateServiceCommand(webInput()))).service?.status).toBe('INACTIVE');
    const reused = await errorOf(() =>
      c.ecs.send(new CreateServiceCommand({ ...webInput(), desiredCount: 0 })),
    );
    expect(reused).toBeInstanceOf(InvalidParameterException);
    await c.ecs.send(new CreateServiceCommand(serviceInput('web', { desiredCount: 0 })));
    expect(
      await errorOf(() => c.ecs.send(new DeleteServiceCommand({ cluster, service: 'ghost' }))),
    ).toBeInstanceOf(ServiceNotFoundException);
  });
});

describe('ECS cluster, capacity and tags', () => {
  it('describes the cluster with its settings and the capacity provider with managed scaling', async () => {
    const cl = await c.ecs.send(
      new DescribeClustersCommand({ clusters: [cluster, 'nope'], include: ['SETTINGS'] }),
    );
    expect(cl.clusters?.[0]).toMatchObject({
      clusterName: 'openclaw-cluster',
      status: 'ACTIVE',
      capacityProviders: ['openclaw-spot'],
    });
    expect(cl.clusters?.[0]?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(cl.failures?.[0]?.reason).toBe('MISSING');
    const cp = await c.ecs.send(
      new DescribeCapacityProvidersCommand({ capacityProviders: ['openclaw-spot'] }),
    );
    expect(cp.capacityProviders?.[0]?.autoScalingGroupProvider).toMatchObject({
      managedScaling: { status: 'ENABLED', targetCapacity: 100 },
      managedTerminationProtection: 'ENABLED',
      managedDraining: 'ENABLED',
    });
  });

  it('lists and describes container instances with resources, counts and attributes', async () => {
    const list = await c.ecs.send(new ListContainerInstancesCommand({ cluster }));
    expect(list.containerInstanceArns).toHaveLength(1);
    const [ci] = (
      await c.ecs.send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: list.containerInstanceArns! }),
      )
    ).containerInstances!;
    expect(ci).toMatchObject({
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 0,
      pendingTasksCount: 0,
    });
    expect(ci?.ec2InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    const reg = Object.fromEntries(ci!.registeredResources!.map((r) => [r.name, r.integerValue]));
    expect(reg).toMatchObject({ CPU: 2048, MEMORY: 3828 });
    const attrs = Object.fromEntries(ci!.attributes!.map((a) => [a.name, a.value]));
    expect(attrs['ecs.instance-type']).toBe('c7i-flex.large');
    expect(attrs['ecs.availability-zone']).toBe('us-west-2a');
    const byTaskList = await c.ecs.send(
      new ListTasksCommand({ cluster, containerInstance: list.containerInstanceArns![0] }),
    );
    expect(byTaskList.taskArns).toEqual([]);
  });

  it('tags, untags and lists tags; unknown resources: ResourceNotFoundException to tag, ClientException to list', async () => {
    const arn = 'arn:aws:ecs:us-west-2:000000000000:service/openclaw-cluster/second';
    await c.ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      }),
    );
    await c.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await c.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'b', value: '2' },
    ]);
    const err = await errorOf(() =>
      c.ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: 'arn:aws:ecs:us-west-2:000000000000:service/openclaw-cluster/nope',
        }),
      ),
    );
    expect(err).toBeInstanceOf(ClientException);
    const tagMissing = await errorOf(() =>
      c.ecs.send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:ecs:us-west-2:000000000000:service/openclaw-cluster/nope',
          tags: [{ key: 'a', value: '1' }],
        }),
      ),
    );
    expect(tagMissing).toBeInstanceOf(ResourceNotFoundException);
    // A deleted task definition revision (DELETE_IN_PROGRESS) no longer exists for its tags either.
    const gone = await errorOf(() =>
      c.ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: 'arn:aws:ecs:us-west-2:000000000000:task-definition/other:1',
        }),
      ),
    );
    expect(gone).toBeInstanceOf(ClientException);
  });
});

describe('ECS services still draining', () => {
  it('refuses to create a service under a name still DRAINING, whatever the token', async () => {
    const tg = await c.elb.send(
      new CreateTargetGroupCommand({
        Name: 'svc-drainer',
        Protocol: 'HTTP',
        Port: 18789,
        VpcId: lc.ids.VPC_ID,
        TargetType: 'ip',
      }),
    );
    const drainerTg = tg.TargetGroups![0]!.TargetGroupArn!;
    await c.elb.send(
      new CreateRuleCommand({
        ListenerArn: lc.ids.ALB_LISTENER_ARN,
        Priority: 2,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/drainer/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: drainerTg }],
      }),
    );
    const input = serviceInput('drainer', {
      clientToken: 'tok-drainer',
      loadBalancers: [{ targetGroupArn: drainerTg, containerName: 'gateway', containerPort: 18789 }],
    });
    await c.ecs.send(new CreateServiceCommand(input));
    await waitFor(async () => (await describeService('drainer')).runningCount === 1, { what: 'a task' });
    // Its task deregisters for the rest of this file: the service stays DRAINING throughout.
    await inspect(lc, 'timing', { serviceDrainMs: 600_000 });
    await c.ecs.send(new DeleteServiceCommand({ cluster, service: 'drainer', force: true }));
    await inspect(lc, 'timing', { serviceDrainMs: null });
    expect((await describeService('drainer')).status).toBe('DRAINING');
    for (const token of ['tok-drainer', 'another']) {
      const err = await errorOf(() => c.ecs.send(new CreateServiceCommand({ ...input, clientToken: token })));
      expect(err).toBeInstanceOf(InvalidParameterException);
      expect(err.message).toBe('Unable to Start a service that is still Draining.');
    }
    const listed = (await c.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    expect(listed.some((a) => a.endsWith('/drainer'))).toBe(false);
  });
});
