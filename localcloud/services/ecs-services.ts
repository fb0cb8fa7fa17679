import { arns, lastSegment } from '../arns.js';
import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { loadBalancersOfTargetGroup } from '../elb-links.js';
import { bool, num, obj, type Params, records, str, strList } from '../input.js';
import { paginate } from '../pagination.js';
import { groupOfProvider } from '../sim/asg-groups.js';
import { serviceEvent } from '../sim/events.js';
import { reconcileAll } from '../sim/service-scheduler.js';
import type { Deployment, LoadBalancerBinding, Service, TaskDefinition } from '../state.js';
import {
  deploymentId,
  ecsTags,
  findService,
  findTaskDefinition,
  includes,
  missing,
  requireCluster,
} from './ecs-common.js';
import { notIdempotent, rememberToken, replayedService } from './ecs-service-tokens.js';
import { serviceView } from './ecs-views.js';
import type { HandlerMap } from './handler.js';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

function activeTaskDefinition(cloud: Cloud, ref: string | undefined): TaskDefinition {
  const td = findTaskDefinition(cloud, ref);
  if (!td) throw invalid('TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw invalid('TaskDefinition is inactive');
  return td;
}

function strategy(cloud: Cloud, input: Params): Record<string, unknown>[] {
  const given = records(input, 'capacityProviderStrategy');
  for (const s of given) {
    if (!groupOfProvider(cloud, str(s, 'capacityProvider'))) {
      throw invalid(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
  }
  if (given.length > 0) {
    return given.map((s) => ({
      capacityProvider: str(s, 'capacityProvider'),
      weight: num(s, 'weight') ?? 0,
      base: num(s, 'base') ?? 0,
    }));
  }
  return [{ capacityProvider: cloud.capacityProviderName, weight: 1, base: 0 }];
}

function networkConfiguration(
  cloud: Cloud,
  input: Params,
  td: TaskDefinition,
): Record<string, unknown> | undefined {
  const awsvpc = obj(obj(input, 'networkConfiguration'), 'awsvpcConfiguration');
  if (td.networkMode !== 'awsvpc') {
    if (awsvpc)
      throw invalid('Network Configuration is not valid for the given networkMode of this task definition.');
    return undefined;
  }
  if (!awsvpc)
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets = strList(awsvpc, 'subnets');
  if (subnets.length === 0) throw invalid('subnets can not be empty.');
  for (const id of subnets) {
    if (!cloud.network.subnets.some((s) => s.id === id)) {
      throw invalid(
        `Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`,
      );
    }
  }
  return {
    awsvpcConfiguration: {
      subnets,
      securityGroups: strList(awsvpc, 'securityGroups'),
      assignPublicIp: str(awsvpc, 'assignPublicIp') ?? 'DISABLED',
    },
  };
}

function loadBalancers(cloud: Cloud, input: Params, td: TaskDefinition): LoadBalancerBinding[] {
  return records(input, 'loadBalancers').map((lb) => {
    const targetGroupArn = str(lb, 'targetGroupArn') ?? '';
    if (!cloud.state.targetGroups.has(targetGroupArn)) {
      throw invalid(
        'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.',
      );
    }
    if (loadBalancersOfTargetGroup(cloud, targetGroupArn).length === 0) {
      throw invalid(
        `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`,
      );
    }
    const containerName = str(lb, 'containerName');
    const containerPort = num(lb, 'containerPort');
    const container = (td.body.containerDefinitions as Params[]).find((c) => c.name === containerName);
    if (!container) throw invalid(`The container ${containerName} does not exist in the task definition.`);
    if (!records(container, 'portMappings').some((p) => num(p, 'containerPort') === containerPort)) {
      throw invalid(`The container ${containerName} did not have a container port ${containerPort} defined.`);
    }
    return { targetGroupArn, containerName, containerPort };
  });
}

function newDeployment(cloud: Cloud, td: TaskDefinition): Deployment {
  const now = cloud.clock.now();
  return {
    id: deploymentId(cloud),
    status: 'PRIMARY',
    taskDefinitionArn: td.arn,
    createdAt: now,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment in progress.',
  };
}

export const ecsServices: HandlerMap = {
  CreateService(cloud, input) {
    requireCluster(cloud, input);
    const name = str(input, 'serviceName');
    if (!name || !NAME.test(name))
      throw invalid('Service name can only contain letters, numbers, underscores and hyphens.');
    const token = str(input, 'clientToken');
    const existing = cloud.state.services.get(name);
    // A name still draining is refused whatever the token (the words ECS answers with).
    if (existing?.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.');
    const replayed = replayedService(cloud, token, input);
    if (replayed) return { service: serviceView(cloud, replayed, false) };
    if (existing?.status === 'ACTIVE') throw notIdempotent();
    if (str(input, 'launchType') && records(input, 'capacityProviderStrategy').length > 0) {
      throw invalid(
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      );
    }
    const td = activeTaskDefinition(cloud, str(input, 'taskDefinition'));
    const desiredCount = num(input, 'desiredCount') ?? 1;
    if (desiredCount < 0) throw invalid('desiredCount must be >= 0.');
    const launchType = str(input, 'launchType');
    const now = cloud.clock.now();
    const svc: Service = {
      arn: arns.service(cloud.account, cloud.clusterName, name),
      name,
      status: 'ACTIVE',
      desiredCount,
      taskDefinitionArn: td.arn,
      loadBalancers: loadBalancers(cloud, input, td),
      networkConfiguration: networkConfiguration(cloud, input, td),
      capacityProviderStrategy: launchType ? [] : strategy(cloud, input),
      launchType,
      deploymentConfiguration: obj(input, 'deploymentConfiguration') ?? {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      placementStrategy: records(input, 'placementStrategy'),
      placementConstraints: records(input, 'placementConstraints'),
      healthCheckGracePeriodSeconds:
        num(input, 'healthCheckGracePeriodSeconds') ??
        (records(input, 'loadBalancers').length ? 0 : undefined),
      enableECSManagedTags: bool(input, 'enableECSManagedTags') ?? false,
      propagateTags: str(input, 'propagateTags'),
      enableExecuteCommand: bool(input, 'enableExecuteCommand') ?? false,
      deployments: [newDeployment(cloud, td)],
      events: [],
      createdAt: now,
      tags: ecsTags(input),
      steady: false,
    };
    // A new service replaces an INACTIVE one of the same name, as AWS allows.
    cloud.state.services.set(name, svc);
    rememberToken(cloud, token, input, svc);
    reconcileAll(cloud, name);
    return { service: serviceView(cloud, svc, false) };
  },

  UpdateService(cloud, input) {
    requireCluster(cloud, input);
    const svc = findService(cloud, str(input, 'service'));
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    const tdRef = str(input, 'taskDefinition');
    const td = tdRef
      ? activeTaskDefinition(cloud, tdRef)
      : cloud.state.taskDefinitions.get(svc.taskDefinitionArn);
    if (!td) throw invalid('TaskDefinition not found.');
    let redeploy = bool(input, 'forceNewDeployment') === true || td.arn !== svc.taskDefinitionArn;
    if (input.networkConfiguration !== undefined) {
      svc.networkConfiguration = networkConfiguration(cloud, input, td);
      redeploy = true;
    }
    if (input.capacityProviderStrategy !== undefined) svc.capacityProviderStrategy = strategy(cloud, input);
    if (input.loadBalancers !== undefined) {
      svc.loadBalancers = loadBalancers(cloud, input, td);
      redeploy = true;
    }
    const desired = num(input, 'desiredCount');
    if (desired !== undefined) {
      if (desired < 0) throw invalid('desiredCount must be >= 0.');
      svc.desiredCount = desired;
    }
    const dc = obj(input, 'deploymentConfiguration');
    if (dc) svc.deploymentConfiguration = { ...svc.deploymentConfiguration, ...dc };
    const grace = num(input, 'healthCheckGracePeriodSeconds');
    if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
    if (redeploy) {
      svc.taskDefinitionArn = td.arn;
      for (const d of svc.deployments) d.status = 'ACTIVE';
      svc.deployments.unshift(newDeployment(cloud, td));
    }
    svc.steady = false;
    reconcileAll(cloud, svc.name);
    return { service: serviceView(cloud, svc, false) };
  },

  /** ACTIVE -> DRAINING -> INACTIVE once its tasks have stopped; deleting a non-ACTIVE one returns it. */
  DeleteService(cloud, input) {
    requireCluster(cloud, input);
    const svc = findService(cloud, str(input, 'service'));
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (svc.status === 'ACTIVE') {
      if (svc.desiredCount > 0 && bool(input, 'force') !== true) {
        throw invalid('The service cannot be stopped while it is scaled above 0.');
      }
      svc.status = 'DRAINING';
      svc.desiredCount = 0;
      svc.steady = false;
      serviceEvent(cloud, svc, 'has begun draining connections on 0 tasks.');
      reconcileAll(cloud, svc.name);
    }
    return { service: serviceView(cloud, svc, false) };
  },

  DescribeServices(cloud, input) {
    requireCluster(cloud, input);
    const names = strList(input, 'services');
    if (names.length === 0 || names.length > 10)
      throw invalid('services must contain between 1 and 10 items.');
    const withTags = includes(input, 'TAGS');
    const services: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const n of names) {
      const svc = findService(cloud, n);
      if (svc) services.push(serviceView(cloud, svc, withTags));
      else
        failures.push(
          missing(n.startsWith('arn:') ? n : arns.service(cloud.account, cloud.clusterName, lastSegment(n))),
        );
    }
    return { services, failures };
  },

  ListServices(cloud, input) {
    requireCluster(cloud, input);
    const max = num(input, 'maxResults') ?? 10;
    if (max < 1 || max > 100) throw invalid('maxResults must be between 1 and 100.');
    const launchType = str(input, 'launchType');
    const all = [...cloud.state.services.values()]
      // A deleted service leaves the list as it starts DRAINING, not once INACTIVE (README, Fidelity notes).
      .filter((s) => s.status === 'ACTIVE' && (!launchType || (s.launchType ?? 'EC2') === launchType))
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name))
      .map((s) => s.arn);
    const page = paginate(all, str(input, 'nextToken'), max, `svc:${launchType}`, () =>
      invalid('Invalid nextToken.'),
    );
    return { serviceArns: page.items, nextToken: page.next };
  },
};
