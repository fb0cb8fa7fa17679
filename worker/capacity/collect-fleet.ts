import { type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../shared/aws-clients.js';
import type {
  AsgInstanceInfo,
  CapacityProviderInfo,
  ContainerInstanceInfo,
  FleetSnapshot,
  PurchaseOption,
  TaskInfo,
} from '../../shared/capacity/sample-types.js';

/**
 * Reads the fleet in one pass: the capacity provider's managed scaling settings, the ASG and its
 * instances, every container instance with its tasks, and the tasks waiting for capacity. Any call
 * that fails fails the whole read: a partial fleet would look like an empty one.
 */
export interface FleetSource {
  cluster: string;
  capacityProvider: string;
  asgName: string;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

const resource = (list: ContainerInstance['registeredResources'], name: string) =>
  list?.find((r) => r.name === name)?.integerValue ?? 0;

/** Remembers whether EC2 DescribeInstances answers, so an endpoint without it is asked once. */
export interface MarketLookup {
  describeInstancesWorks: boolean | null;
}

async function purchaseOptions(
  aws: AwsClients,
  ids: readonly string[],
  onDemandBase: number,
  lookup: MarketLookup,
): Promise<Map<string, PurchaseOption>> {
  const out = new Map<string, PurchaseOption>();
  if (ids.length > 0 && lookup.describeInstancesWorks !== false) {
    try {
      for (const batch of chunks(ids, 100)) {
        const { ec2 } = await aws.fleet();
        const page = await ec2.send(new DescribeInstancesCommand({ InstanceIds: batch }));
        for (const r of page.Reservations ?? [])
          for (const i of r.Instances ?? [])
            if (i.InstanceId) out.set(i.InstanceId, i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand');
      }
      lookup.describeInstancesWorks = true;
      return out;
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      // Only an endpoint that does not implement the call falls back; throttling fails the sample.
      if (!/UnknownOperation|InvalidAction|NotImplemented|UnsupportedOperation/i.test(name)) throw err;
      lookup.describeInstancesWorks = false;
    }
  }
  // Without DescribeInstances: the group launches its on-demand base first, the rest is spot
  // (OnDemandPercentageAboveBaseCapacity 0), so the first `base` instances in group order are on-demand.
  ids.forEach((id, index) => {
    out.set(id, index < onDemandBase ? 'on-demand' : 'spot');
  });
  return out;
}

export async function collectFleet(
  aws: AwsClients,
  source: FleetSource,
  now: () => number,
  lookup: MarketLookup = { describeInstancesWorks: null },
): Promise<FleetSnapshot> {
  const capacityProvider = await readCapacityProvider(aws, source);
  const { group, asgInstances } = await readGroup(aws, source, lookup);
  const overrides = group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [];
  const instanceTypes = [
    ...new Set([
      ...overrides.map((o) => o.InstanceType!).filter(Boolean),
      ...asgInstances.map((i) => i.instanceType),
    ]),
  ];
  const cis = await readContainerInstances(aws, source.cluster);
  const taskInfos = await readRunningTasks(aws, source.cluster);
  const asgById = new Map(asgInstances.map((i) => [i.instanceId, i]));
  const containerInstances = cis
    // Only this provider's instances: the cluster could hold others.
    .filter((ci) => !ci.capacityProviderName || ci.capacityProviderName === capacityProvider.name)
    .map((ci) => containerInstanceInfo(ci, asgById, taskInfos));

  return {
    at: now(),
    capacityProvider,
    asg: {
      name: group.AutoScalingGroupName ?? source.asgName,
      desired: group.DesiredCapacity ?? 0,
      min: group.MinSize ?? 0,
      max: group.MaxSize ?? 0,
      instanceTypes,
      instances: asgInstances,
    },
    containerInstances,
    waitingTasks: taskInfos.filter((t) => t.lastStatus === 'PROVISIONING' && !t.containerInstanceArn),
  };
}

/** The capacity provider's managed scaling settings, with AWS's defaults for what it leaves out. */
async function readCapacityProvider(aws: AwsClients, source: FleetSource): Promise<CapacityProviderInfo> {
  const cp = (
    await aws.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [source.capacityProvider] }))
  ).capacityProviders?.[0];
  if (!cp) throw new Error(`capacity provider ${source.capacityProvider} not found`);
  const ms = cp.autoScalingGroupProvider?.managedScaling;
  return {
    name: cp.name ?? source.capacityProvider,
    status: cp.status ?? 'UNKNOWN',
    managedScaling: {
      status: ms?.status === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      targetCapacity: ms?.targetCapacity ?? 100,
      minimumScalingStepSize: ms?.minimumScalingStepSize ?? 1,
      maximumScalingStepSize: ms?.maximumScalingStepSize ?? 10000,
      instanceWarmupPeriod: ms?.instanceWarmupPeriod ?? 300,
    },
    managedTerminationProtection:
      cp.autoScalingGroupProvider?.managedTerminationProtection === 'ENABLED' ? 'ENABLED' : 'DISABLED',
    managedDraining: cp.autoScalingGroupProvider?.managedDraining === 'DISABLED' ? 'DISABLED' : 'ENABLED',
  };
}

/** The Auto Scaling group and its instances, each with its purchase option. */
async function readGroup(
  aws: AwsClients,
  source: FleetSource,
  lookup: MarketLookup,
): Promise<{ group: AutoScalingGroup; asgInstances: AsgInstanceInfo[] }> {
  const { autoscaling } = await aws.fleet();
  const group = (
    await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [source.asgName] }))
  ).AutoScalingGroups?.[0];
  if (!group) throw new Error(`auto scaling group ${source.asgName} not found`);
  const live = (group.Instances ?? []).filter(
    (i) => i.LifecycleState === 'InService' || i.LifecycleState === 'Pending',
  );
  const options = await purchaseOptions(
    aws,
    live.map((i) => i.InstanceId!),
    group.MixedInstancesPolicy?.InstancesDistribution?.OnDemandBaseCapacity ?? 0,
    lookup,
  );
  const asgInstances: AsgInstanceInfo[] = (group.Instances ?? []).map((i) => ({
    instanceId: i.InstanceId ?? '',
    instanceType: i.InstanceType ?? 'unknown',
    availabilityZone: i.AvailabilityZone ?? '',
    lifecycleState: String(i.LifecycleState ?? 'unknown'),
    purchaseOption: options.get(i.InstanceId ?? '') ?? 'spot',
    protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
    healthStatus: i.HealthStatus ?? 'unknown',
  }));
  return { group, asgInstances };
}

/** Every container instance of the cluster: listed page by page, described 100 at a time. */
async function readContainerInstances(aws: AwsClients, cluster: string): Promise<ContainerInstance[]> {
  const ciArns: string[] = [];
  let token: string | undefined;
  do {
    const page = await aws.ecs.send(new ListContainerInstancesCommand({ cluster, nextToken: token }));
    ciArns.push(...(page.containerInstanceArns ?? []));
    token = page.nextToken;
  } while (token);
  const cis: ContainerInstance[] = [];
  for (const batch of chunks(ciArns, 100)) {
    const page = await aws.ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
    );
    cis.push(...(page.containerInstances ?? []));
  }
  return cis;
}

/** Every task meant to run (placed or still waiting for capacity): listed, then described 100 at a time. */
async function readRunningTasks(aws: AwsClients, cluster: string): Promise<TaskInfo[]> {
  const taskArns: string[] = [];
  let token: string | undefined;
  do {
    const page: { taskArns?: string[]; nextToken?: string } = await aws.ecs.send(
      new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', nextToken: token }),
    );
    taskArns.push(...(page.taskArns ?? []));
    token = page.nextToken;
  } while (token);
  const tasks: Task[] = [];
  for (const batch of chunks(taskArns, 100)) {
    const page = await aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    // The desiredStatus filter is checked, not trusted: a task told to stop no longer counts.
    tasks.push(...(page.tasks ?? []).filter((t) => t.desiredStatus === 'RUNNING'));
  }
  return tasks.map((t) => ({
    taskArn: t.taskArn ?? '',
    group: t.group ?? '',
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    cpu: Number(t.cpu ?? 0),
    memory: Number(t.memory ?? 0),
    createdAt: t.createdAt?.getTime() ?? 0,
    ...(t.containerInstanceArn ? { containerInstanceArn: t.containerInstanceArn } : {}),
  }));
}

/** One container instance with its resources and tasks; type, zone and market from the group when ECS lacks them. */
function containerInstanceInfo(
  ci: ContainerInstance,
  asgById: Map<string, AsgInstanceInfo>,
  taskInfos: TaskInfo[],
): ContainerInstanceInfo {
  const attr = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
  const ec2Id = ci.ec2InstanceId ?? '';
  return {
    arn: ci.containerInstanceArn ?? '',
    ec2InstanceId: ec2Id,
    instanceType: attr('ecs.instance-type') ?? asgById.get(ec2Id)?.instanceType ?? 'unknown',
    availabilityZone: attr('ecs.availability-zone') ?? asgById.get(ec2Id)?.availabilityZone ?? '',
    purchaseOption: asgById.get(ec2Id)?.purchaseOption ?? 'spot',
    status: ci.status ?? 'UNKNOWN',
    agentConnected: ci.agentConnected ?? false,
    registeredAt: ci.registeredAt?.getTime() ?? 0,
    registered: {
      cpu: resource(ci.registeredResources, 'CPU'),
      memory: resource(ci.registeredResources, 'MEMORY'),
    },
    remaining: {
      cpu: resource(ci.remainingResources, 'CPU'),
      memory: resource(ci.remainingResources, 'MEMORY'),
    },
    runningTasks: ci.runningTasksCount ?? 0,
    pendingTasks: ci.pendingTasksCount ?? 0,
    tasks: taskInfos.filter((t) => t.containerInstanceArn === ci.containerInstanceArn),
  };
}
