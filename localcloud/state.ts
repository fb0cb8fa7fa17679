import type { ElbLinks } from './elb-links.js';
import type { Tag } from './input.js';
import type { AutoScalingGroup, Ec2Instance, InstanceType } from './state-autoscaling.js';

// The Auto Scaling types live beside this file; every importer keeps reading them from here.
export type * from './state-autoscaling.js';

/**
 * The whole emulated account, in memory. Times are epoch milliseconds; the protocol layer converts
 * them (epoch seconds for JSON, ISO 8601 for query).
 */
export interface SecretVersion {
  id: string;
  string?: string;
  binary?: string;
  stages: string[];
  createdAt: number;
}

export interface Secret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  versions: Map<string, SecretVersion>;
  tags: Tag[];
  createdAt: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  /** Set while scheduled for deletion: when DeleteSecret was called, and when it will be gone. */
  deletedAt?: number;
  deletionDate?: number;
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  /** The registration request echoed back, minus tags (AWS returns what was registered). */
  body: Record<string, unknown>;
  cpu: number;
  memory: number;
  networkMode: string;
  registeredAt: number;
  deregisteredAt?: number;
  tags: Tag[];
}

export interface ContainerInstance {
  arn: string;
  ec2InstanceId: string;
  type: InstanceType;
  az: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  statusReason?: string;
  cpu: number;
  memory: number;
  /** ENIs available to awsvpc tasks: the instance's ENI limit minus the primary one. */
  enis: number;
  registeredAt: number;
  agentConnected: boolean;
  version: number;
  /** When the instance last became free of tasks; undefined while it hosts any. */
  idleSince?: number;
  tags: Tag[];
  /** The capacity provider whose group launched it; absent = the spot provider (files saved before). */
  capacityProviderName?: string;
}

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'STOPPED';

export interface Task {
  arn: string;
  id: string;
  serviceName?: string;
  deploymentId?: string;
  taskDefinitionArn: string;
  cpu: number;
  memory: number;
  awsvpc: boolean;
  containerInstanceArn?: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  /** The service's awsvpc subnets: the task may only land in their AZs. */
  subnetChoices: string[];
  subnetId?: string;
  az?: string;
  ip?: string;
  eniId?: string;
  attachmentId: string;
  version: number;
  group: string;
  startedBy?: string;
  capacityProviderName?: string;
  tags: Tag[];
  /** Set when the unable-to-place event was emitted for this task, so it is said once. */
  unplaceableReported?: boolean;
  /** The container's process while the task runtime runs it (localcloud inspection only). */
  process?: { pid?: number; endpoint: LoopbackEndpoint };
}

export interface LoadBalancerBinding {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinitionArn: string;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  arn: string;
  name: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinitionArn: string;
  loadBalancers: LoadBalancerBinding[];
  networkConfiguration?: Record<string, unknown>;
  capacityProviderStrategy: Record<string, unknown>[];
  launchType?: string;
  deploymentConfiguration: Record<string, unknown>;
  placementStrategy: unknown[];
  placementConstraints: unknown[];
  healthCheckGracePeriodSeconds?: number;
  enableECSManagedTags: boolean;
  propagateTags?: string;
  enableExecuteCommand: boolean;
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt: number;
  /** When the service became INACTIVE; it stays describable for a while, as in AWS. */
  inactiveAt?: number;
  tags: Tag[];
  /** True once "has reached a steady state" was said for the current shape of the service. */
  steady: boolean;
  /** The task definition of the last deployment that reached COMPLETED: where a circuit breaker rolls back to. */
  lastCompletedTaskDefinitionArn?: string;
}

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export interface Target {
  id: string;
  port: number;
  az?: string;
  state: TargetState;
  registeredAt: number;
  /**
   * Where the data plane really reaches this target on this machine (the task runtime's process).
   * Undefined when no runtime runs the task; the load balancer then answers 502 for it.
   */
  endpoint?: LoopbackEndpoint;
  /** Why a measured health check last failed (DescribeTargetHealth's Reason and Description). */
  health?: { reason: string; description: string };
}

/** A real address on this machine: what an ENI IP and container port stand for locally. */
export interface LoopbackEndpoint {
  host: string;
  port: number;
}

export interface TargetGroup {
  arn: string;
  name: string;
  settings: Record<string, unknown>;
  targets: Map<string, Target>;
  tags: Tag[];
  createdAt: number;
}

export interface LoadBalancer {
  arn: string;
  name: string;
  id: string;
  dnsName: string;
  createdAt: number;
  subnets: { subnetId: string; az: string }[];
  securityGroupId: string;
  listenerArns: string[];
  tags: Tag[];
}

export interface Listener {
  arn: string;
  id: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: Record<string, unknown>[];
  /** The listener's default rule, which DescribeRules lists last with Priority "default". */
  defaultRuleArn: string;
  tags: Tag[];
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  tags: Tag[];
}

/** One CloudWatch Logs event; `seq` orders events of equal timestamp in ingestion order. */
export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  seq: number;
}

export interface LogStream {
  name: string;
  arn: string;
  createdAt: number;
  /** Sorted by (timestamp, seq). */
  events: LogEvent[];
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogGroup {
  name: string;
  arn: string;
  createdAt: number;
  retentionInDays?: number;
  streams: Map<string, LogStream>;
}

export interface CloudState {
  secrets: Map<string, Secret>;
  taskDefinitions: Map<string, TaskDefinition>;
  services: Map<string, Service>;
  tasks: Map<string, Task>;
  containerInstances: Map<string, ContainerInstance>;
  instances: Map<string, Ec2Instance>;
  targetGroups: Map<string, TargetGroup>;
  targetGroupsByName: Map<string, TargetGroup>;
  loadBalancers: Map<string, LoadBalancer>;
  listeners: Map<string, Listener>;
  rules: Map<string, Rule>;
  asg: AutoScalingGroup;
  /** The on-demand group behind the second capacity provider (`openclaw-warm`), when configured. */
  warmAsg?: AutoScalingGroup;
  clusterTags: Tag[];
  capacityProviderTags: Tag[];
  /** Next free host number per subnet, for task and instance IPs. */
  nextIp: Map<string, number>;
  /** Indexes kept in step with `tasks`, so per-service and per-instance questions cost O(their tasks). */
  tasksByService: Map<string, Set<Task>>;
  tasksByInstance: Map<string, Set<Task>>;
  links: ElbLinks;
  rulesByListener: Map<string, Set<Rule>>;
  /** Tasks in PROVISIONING that no instance has taken yet, oldest first. */
  waiting: Set<Task>;
  /** CreateService client tokens of the cluster: what each created, kept after the service is gone. */
  serviceTokens: Map<string, ServiceToken>;
  /** CloudWatch Logs: groups by name, and the account-wide ingestion counter behind event ids. */
  logGroups: Map<string, LogGroup>;
  logSeq: number;
}

/** A CreateService that succeeded with a client token: its parameters (canonical JSON) and its service. */
export interface ServiceToken {
  parameters: string;
  service: Service;
}
