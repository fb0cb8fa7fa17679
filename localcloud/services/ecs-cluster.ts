import { arns, lastSegment } from '../arns.js';
import { AwsError } from '../aws-error.js';
import { type Cloud, clusterArn } from '../cloud.js';
import { num, type Params, str, strList, type Tag } from '../input.js';
import { paginate } from '../pagination.js';
import { groups, providerOf } from '../sim/asg-groups.js';
import type { AutoScalingGroup, ContainerInstance, Task } from '../state.js';
import {
  ecsTags,
  ecsTagsOut,
  findService,
  findTaskDefinition,
  includes,
  mergeTags,
  missing,
  requireCluster,
} from './ecs-common.js';
import { containerInstanceView, taskView } from './ecs-views.js';
import type { HandlerMap } from './handler.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const badToken = () => invalid('Invalid nextToken.');

function max(input: Params, fallback: number): number {
  const m = num(input, 'maxResults') ?? fallback;
  if (m < 1 || m > 100) throw invalid('maxResults must be between 1 and 100.');
  return m;
}

function findTask(cloud: Cloud, ref: string): Task | undefined {
  return (
    cloud.state.tasks.get(ref) ??
    cloud.state.tasks.get(arns.task(cloud.account, cloud.clusterName, lastSegment(ref)))
  );
}

function findContainerInstance(cloud: Cloud, ref: string): ContainerInstance | undefined {
  return (
    cloud.state.containerInstances.get(ref) ??
    cloud.state.containerInstances.get(
      arns.containerInstance(cloud.account, cloud.clusterName, lastSegment(ref)),
    )
  );
}

function clusterView(cloud: Cloud, input: Params): Record<string, unknown> {
  let cis = 0;
  let running = 0;
  let pending = 0;
  for (const ci of cloud.state.containerInstances.values()) if (ci.status !== 'INACTIVE') cis += 1;
  for (const t of cloud.state.tasks.values()) {
    if (t.lastStatus === 'RUNNING') running += 1;
    else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') pending += 1;
  }
  let services = 0;
  for (const s of cloud.state.services.values()) if (s.status === 'ACTIVE') services += 1;
  return {
    clusterArn: clusterArn(cloud),
    clusterName: cloud.clusterName,
    status: 'ACTIVE',
    registeredContainerInstancesCount: cis,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services,
    statistics: [],
    settings: includes(input, 'SETTINGS') ? [{ name: 'containerInsights', value: 'enabled' }] : undefined,
    capacityProviders: groups(cloud).map((g) => providerOf(cloud, g)),
    defaultCapacityProviderStrategy: [{ capacityProvider: cloud.capacityProviderName, weight: 1, base: 0 }],
    tags: includes(input, 'TAGS') ? ecsTagsOut(cloud.state.clusterTags) : undefined,
  };
}

function capacityProviderView(
  cloud: Cloud,
  group: AutoScalingGroup,
  withTags: boolean,
): Record<string, unknown> {
  const name = providerOf(cloud, group);
  return {
    capacityProviderArn: arns.capacityProvider(cloud.account, name),
    name,
    status: 'ACTIVE',
    autoScalingGroupProvider: {
      autoScalingGroupArn: group.arn,
      managedScaling: {
        status: 'ENABLED',
        targetCapacity: cloud.targetCapacity,
        minimumScalingStepSize: 1,
        maximumScalingStepSize: 10000,
        instanceWarmupPeriod: 300,
      },
      managedTerminationProtection: 'ENABLED',
      managedDraining: 'ENABLED',
    },
    updateStatus: 'UPDATE_COMPLETE',
    tags: withTags && group === cloud.state.asg ? ecsTagsOut(cloud.state.capacityProviderTags) : undefined,
  };
}

/** The tag list behind an ECS ARN, or undefined when no such resource exists. */
function taggable(cloud: Cloud, arn: string): { get: () => Tag[]; set: (t: Tag[]) => void } | undefined {
  const s = cloud.state;
  if (arn === clusterArn(cloud))
    return {
      get: () => s.clusterTags,
      set: (t) => {
        s.clusterTags = t;
      },
    };
  if (arn === arns.capacityProvider(cloud.account, cloud.capacityProviderName)) {
    return {
      get: () => s.capacityProviderTags,
      set: (t) => {
        s.capacityProviderTags = t;
      },
    };
  }
  const target =
    (arn.includes(':service/') ? findService(cloud, arn) : undefined) ??
    (arn.includes(':task/') ? s.tasks.get(arn) : undefined) ??
    (arn.includes(':task-definition/') ? s.taskDefinitions.get(arn) : undefined) ??
    (arn.includes(':container-instance/') ? s.containerInstances.get(arn) : undefined);
  if (!target || (arn.includes(':service/') && (target as { arn: string }).arn !== arn)) return undefined;
  return {
    get: () => target.tags,
    set: (t) => {
      target.tags = t;
    },
  };
}

function resourceFor(cloud: Cloud, input: Params) {
  const arn = str(input, 'resourceArn');
  if (!arn?.startsWith('arn:aws:ecs:')) throw invalid('The ARN provided is invalid.');
  const r = taggable(cloud, arn);
  if (!r) throw new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
  return r;
}

export const ecsCluster: HandlerMap = {
  ListTasks(cloud, input) {
    requireCluster(cloud, input);
    const serviceName = str(input, 'serviceName');
    if (serviceName && !findService(cloud, serviceName))
      throw new AwsError('ServiceNotFoundException', 'Service not found.');
    const ciRef = str(input, 'containerInstance');
    const ci = ciRef ? findContainerInstance(cloud, ciRef) : undefined;
    if (ciRef && !ci) throw invalid('The referenced container instance could not be found.');
    const desired = str(input, 'desiredStatus') ?? 'RUNNING';
    const family = str(input, 'family');
    const startedBy = str(input, 'startedBy');
    const svcName = serviceName ? lastSegment(serviceName) : undefined;
    // The per-service index answers the worker's usual question without scanning the fleet.
    const pool = svcName ? (cloud.state.tasksByService.get(svcName) ?? []) : cloud.state.tasks.values();
    const all = [...pool]
      .filter(
        (t) =>
          (desired === 'PENDING'
            ? t.desiredStatus === 'RUNNING' && t.lastStatus !== 'RUNNING'
            : t.desiredStatus === desired) &&
          (!svcName || t.serviceName === svcName) &&
          (!ci || t.containerInstanceArn === ci.arn) &&
          (!startedBy || t.startedBy === startedBy) &&
          (!family || cloud.state.taskDefinitions.get(t.taskDefinitionArn)?.family === family),
      )
      .map((t) => t.arn);
    const page = paginate(
      all,
      str(input, 'nextToken'),
      max(input, 100),
      `tasks:${svcName}:${desired}:${ci?.arn}`,
      badToken,
    );
    return { taskArns: page.items, nextToken: page.next };
  },

  DescribeTasks(cloud, input) {
    requireCluster(cloud, input);
    const refs = strList(input, 'tasks');
    if (refs.length === 0 || refs.length > 100) throw invalid('tasks must contain between 1 and 100 items.');
    const withTags = includes(input, 'TAGS');
    const tasks: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const ref of refs) {
      const t = findTask(cloud, ref);
      if (t) tasks.push(taskView(cloud, t, withTags));
      else
        failures.push(
          missing(ref.startsWith('arn:') ? ref : arns.task(cloud.account, cloud.clusterName, ref)),
        );
    }
    return { tasks, failures };
  },

  ListContainerInstances(cloud, input) {
    requireCluster(cloud, input);
    const status = str(input, 'status');
    const all = [...cloud.state.containerInstances.values()]
      .filter((ci) => (status ? ci.status === status : ci.status !== 'INACTIVE'))
      .sort((a, b) => a.registeredAt - b.registeredAt)
      .map((ci) => ci.arn);
    const page = paginate(all, str(input, 'nextToken'), max(input, 100), `ci:${status}`, badToken);
    return { containerInstanceArns: page.items, nextToken: page.next };
  },

  DescribeContainerInstances(cloud, input) {
    requireCluster(cloud, input);
    const refs = strList(input, 'containerInstances');
    if (refs.length === 0 || refs.length > 100)
      throw invalid('containerInstances must contain between 1 and 100 items.');
    const withTags = includes(input, 'TAGS');
    const out: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const ref of refs) {
      const ci = findContainerInstance(cloud, ref);
      if (ci) out.push(containerInstanceView(cloud, ci, withTags));
      else failures.push(missing(ref));
    }
    return { containerInstances: out, failures };
  },

  DescribeClusters(cloud, input) {
    const refs = strList(input, 'clusters');
    const clusters: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const ref of refs.length ? refs : ['default']) {
      if (ref === cloud.clusterName || ref === clusterArn(cloud)) clusters.push(clusterView(cloud, input));
      else failures.push(missing(ref.startsWith('arn:') ? ref : arns.cluster(cloud.account, ref)));
    }
    return { clusters, failures };
  },

  ListClusters(cloud) {
    return { clusterArns: [clusterArn(cloud)] };
  },

  DescribeCapacityProviders(cloud, input) {
    const refs = strList(input, 'capacityProviders');
    const withTags = includes(input, 'TAGS');
    const found: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    const all = groups(cloud);
    for (const ref of refs.length ? refs : all.map((g) => providerOf(cloud, g))) {
      const group = all.find((g) => {
        const name = providerOf(cloud, g);
        return ref === name || ref === arns.capacityProvider(cloud.account, name);
      });
      if (group) found.push(capacityProviderView(cloud, group, withTags));
      else failures.push(missing(ref));
    }
    return { capacityProviders: found, failures };
  },

  TagResource(cloud, input) {
    const r = resourceFor(cloud, input);
    r.set(mergeTags(r.get(), ecsTags(input)));
    return {};
  },

  UntagResource(cloud, input) {
    const r = resourceFor(cloud, input);
    const keys = new Set(strList(input, 'tagKeys'));
    r.set(r.get().filter((t) => !keys.has(t.key)));
    return {};
  },

  /**
   * ListTagsForResource documents no ResourceNotFoundException (TagResource and UntagResource do): a
   * resource that no longer exists is "an identifier that isn't valid", its ClientException.
   */
  ListTagsForResource(cloud, input) {
    const arn = str(input, 'resourceArn');
    if (!arn?.startsWith('arn:aws:ecs:')) throw invalid('The ARN provided is invalid.');
    const r = taggable(cloud, arn);
    const deleted = cloud.state.taskDefinitions.get(arn)?.status === 'DELETE_IN_PROGRESS';
    if (!r || deleted) throw new AwsError('ClientException', 'The specified resource is not valid.');
    return { tags: ecsTagsOut(r.get()) };
  },
};

export { findTaskDefinition };
