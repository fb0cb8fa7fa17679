import { arns } from '../arns.js';
import { type Cloud, clusterArn } from '../cloud.js';
import { epoch } from '../protocol/json.js';
import { remaining, tasksOn } from '../sim/resources.js';
import type { ContainerInstance, Service, Task, TaskDefinition } from '../state.js';
import { ecsTagsOut } from './ecs-common.js';

/** The ECS wire shapes (JSON, epoch-second timestamps) built from state. */
export function taskDefinitionView(td: TaskDefinition): Record<string, unknown> {
  return {
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    networkMode: td.networkMode,
    requiresAttributes: td.networkMode === 'awsvpc' ? [{ name: 'ecs.capability.task-eni' }] : [],
    compatibilities: ['EXTERNAL', 'EC2'],
    registeredAt: epoch(td.registeredAt),
    deregisteredAt: epoch(td.deregisteredAt),
    registeredBy: 'arn:aws:iam::000000000000:user/localcloud',
  };
}

const counts = (cloud: Cloud, svc: Service, deploymentId?: string) => {
  let running = 0;
  let pending = 0;
  for (const t of cloud.state.tasksByService.get(svc.name) ?? []) {
    if (t.desiredStatus !== 'RUNNING') continue;
    if (deploymentId && t.deploymentId !== deploymentId) continue;
    if (t.lastStatus === 'RUNNING') running += 1;
    else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING' || t.lastStatus === 'ACTIVATING')
      pending += 1;
  }
  return { running, pending };
};

/**
 * ECS's `failedTasks`: the deployment's tasks that stopped because they could not start, counted until one
 * of its tasks runs (then ECS resets the count and stops evaluating). A task that fails to start stops
 * with stopCode TaskFailedToStart.
 */
const failedTasks = (cloud: Cloud, svc: Service, deploymentId: string) => {
  let failed = 0;
  for (const t of cloud.state.tasksByService.get(svc.name) ?? []) {
    if (t.deploymentId !== deploymentId) continue;
    if (t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING') return 0;
    if (t.lastStatus === 'STOPPED' && t.stopCode === 'TaskFailedToStart') failed += 1;
  }
  return failed;
};

export function serviceView(cloud: Cloud, svc: Service, withTags: boolean): Record<string, unknown> {
  const c = counts(cloud, svc);
  const primaryId = svc.deployments[0]?.id;
  return {
    serviceArn: svc.arn,
    serviceName: svc.name,
    clusterArn: clusterArn(cloud),
    loadBalancers: svc.loadBalancers,
    serviceRegistries: [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: c.running,
    pendingCount: c.pending,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.launchType ? undefined : svc.capacityProviderStrategy,
    taskDefinition: svc.taskDefinitionArn,
    deploymentConfiguration: svc.deploymentConfiguration,
    deployments: svc.deployments.map((d) => {
      const dc = counts(cloud, svc, d.id);
      return {
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinitionArn,
        desiredCount: d.id === primaryId ? svc.desiredCount : 0,
        pendingCount: dc.pending,
        runningCount: dc.running,
        failedTasks: failedTasks(cloud, svc, d.id),
        createdAt: epoch(d.createdAt),
        updatedAt: epoch(d.updatedAt),
        capacityProviderStrategy: svc.launchType ? undefined : svc.capacityProviderStrategy,
        launchType: svc.launchType,
        networkConfiguration: svc.networkConfiguration,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
      };
    }),
    events: svc.events.map((e) => ({ id: e.id, createdAt: epoch(e.createdAt), message: e.message })),
    createdAt: epoch(svc.createdAt),
    placementConstraints: svc.placementConstraints,
    placementStrategy: svc.placementStrategy,
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: 'arn:aws:iam::000000000000:role/localcloud',
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags ?? 'NONE',
    enableExecuteCommand: svc.enableExecuteCommand,
    availabilityZoneRebalancing: 'DISABLED',
    tags: withTags ? ecsTagsOut(svc.tags) : undefined,
  };
}

export function taskView(cloud: Cloud, t: Task, withTags: boolean): Record<string, unknown> {
  const td = cloud.state.taskDefinitions.get(t.taskDefinitionArn);
  const containers = ((td?.body.containerDefinitions as Record<string, unknown>[] | undefined) ?? []).map(
    (c) => ({
      containerArn: arns.container(
        cloud.account,
        cloud.clusterName,
        t.id,
        `${t.id.slice(0, 8)}-${String(c.name)}`,
      ),
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: t.lastStatus === 'PROVISIONING' || t.lastStatus === 'ACTIVATING' ? 'PENDING' : t.lastStatus,
      networkInterfaces: t.ip ? [{ attachmentId: t.attachmentId, privateIpv4Address: t.ip }] : [],
      healthStatus: 'UNKNOWN',
      cpu: c.cpu === undefined ? undefined : String(c.cpu),
      memory: c.memory === undefined ? undefined : String(c.memory),
    }),
  );
  const ci = t.containerInstanceArn ? cloud.state.containerInstances.get(t.containerInstanceArn) : undefined;
  const attachments = t.awsvpc
    ? [
        {
          id: t.attachmentId,
          type: 'ElasticNetworkInterface',
          status: t.lastStatus === 'STOPPED' ? 'DELETED' : t.eniId ? 'ATTACHED' : 'PRECREATED',
          details: [
            { name: 'subnetId', value: t.subnetId },
            { name: 'networkInterfaceId', value: t.eniId },
            { name: 'privateIPv4Address', value: t.ip },
          ].filter((d) => d.value !== undefined),
        },
      ]
    : [];
  return {
    taskArn: t.arn,
    clusterArn: clusterArn(cloud),
    taskDefinitionArn: t.taskDefinitionArn,
    containerInstanceArn: t.containerInstanceArn,
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    cpu: String(t.cpu),
    memory: String(t.memory),
    containers,
    startedBy: t.startedBy,
    version: t.version,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    connectivity: t.startedAt ? 'CONNECTED' : undefined,
    connectivityAt: epoch(t.startedAt),
    pullStartedAt: epoch(t.pullStartedAt),
    pullStoppedAt: epoch(t.pullStoppedAt),
    createdAt: epoch(t.createdAt),
    startedAt: epoch(t.startedAt),
    stoppingAt: epoch(t.stoppingAt),
    stoppedAt: epoch(t.stoppedAt),
    group: t.group,
    launchType: 'EC2',
    capacityProviderName: t.capacityProviderName,
    attachments,
    availabilityZone: t.az ?? ci?.az,
    healthStatus: 'UNKNOWN',
    enableExecuteCommand: false,
    tags: withTags ? ecsTagsOut(t.tags) : undefined,
  };
}

const resource = (name: string, value: number) => ({
  name,
  type: 'INTEGER',
  doubleValue: 0,
  longValue: 0,
  integerValue: value,
});

export function containerInstanceView(
  cloud: Cloud,
  ci: ContainerInstance,
  withTags: boolean,
): Record<string, unknown> {
  const r = remaining(cloud, ci);
  const tasks = tasksOn(cloud, ci.arn);
  const ports = {
    name: 'PORTS',
    type: 'STRINGSET',
    stringSetValue: ['22', '2375', '2376', '51678', '51679'],
  };
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    capacityProviderName: ci.capacityProviderName ?? cloud.capacityProviderName,
    version: ci.version,
    versionInfo: { agentVersion: '1.89.2', agentHash: 'a4e8d9a5', dockerVersion: 'DockerVersion: 25.0.6' },
    remainingResources: [
      resource('CPU', r.cpu),
      resource('MEMORY', r.memory),
      ports,
      { ...ports, name: 'PORTS_UDP', stringSetValue: [] },
    ],
    registeredResources: [
      resource('CPU', ci.cpu),
      resource('MEMORY', ci.memory),
      ports,
      { ...ports, name: 'PORTS_UDP', stringSetValue: [] },
    ],
    status: ci.status,
    statusReason: ci.statusReason,
    agentConnected: ci.agentConnected,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING')
      .length,
    attributes: [
      { name: 'ecs.instance-type', value: ci.type },
      { name: 'ecs.availability-zone', value: ci.az },
      { name: 'ecs.os-type', value: 'linux' },
      { name: 'ecs.os-family', value: 'LINUX' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
      { name: 'ecs.capability.task-eni' },
      { name: 'ecs.capability.execution-role-awslogs' },
      { name: 'ecs.capability.secrets.asm.environment-variables' },
      { name: 'com.amazonaws.ecs.capability.ecr-auth' },
    ],
    registeredAt: epoch(ci.registeredAt),
    attachments: [],
    healthStatus: { overallStatus: ci.agentConnected ? 'OK' : 'INSUFFICIENT_DATA', details: [] },
    tags: withTags ? ecsTagsOut(ci.tags) : undefined,
  };
}
