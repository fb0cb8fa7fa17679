import { type Account, arns } from './arns.js';
import { type Cloud, type Network, type Quotas, uuid } from './cloud.js';
import { emptyLinks, link } from './elb-links.js';
import { createLogGroup } from './logs/log-store.js';
import { closeDataPlane, type DataPlaneOptions, makeDataPlane } from './runtime/data-plane.js';
import { launchInstance, newInstance } from './sim/asg.js';
import { WARM_GROUP_NAME } from './sim/asg-groups.js';
import { makeClock } from './sim/clock.js';
import { startEvaluationLoop } from './sim/evaluation.js';
import { TARGET_CAPACITY } from './sim/managed-scaling.js';
import { makeRng } from './sim/rng.js';
import type { AutoScalingGroup, CloudState, Listener, LoadBalancer, WarmPool } from './state.js';
import { resolveTiming, type TimingConfig } from './timing.js';

/** What terraform creates on AWS, created here at start (and again on reset, with the same ids). */
export interface BootstrapOptions {
  account: Account;
  albs: number;
  /** Each ALB's DNSName: the address its data-plane listener opens at (`127.0.0.1:4580`). */
  albAddresses: readonly string[];
  seed: number;
  timingConfig: TimingConfig;
  quotas: Quotas;
  asg: { min: number; max: number };
  /** Managed scaling's targetCapacity (%), as terraform sets it; default 100. */
  targetCapacity?: number;
  /**
   * terraform's optional on-demand group and capacity provider (`openclaw-warm-asg`, `openclaw-warm`):
   * created when set, with a warm pool of warmPool.minSize instances when given. Unset: no such group.
   */
  warmGroup?: WarmGroupOptions;
  /** How tasks' containers run; default none (the simulation alone), as a bare createCloud wants. */
  dataPlane?: DataPlaneOptions;
}

export interface WarmGroupOptions {
  min: number;
  max: number;
  warmPool?: { minSize: number; poolState: WarmPool['poolState'] };
}

const CLUSTER = 'openclaw-cluster';

function emptyGroup(name: string): AutoScalingGroup {
  return {
    name,
    arn: '',
    min: 1,
    max: 20,
    desired: 1,
    onDemandBase: 1,
    createdAt: 0,
    instanceIds: [],
    activities: [],
    launches: 0,
    spotLaunches: 0,
  };
}

export function emptyState(): CloudState {
  return {
    secrets: new Map(),
    taskDefinitions: new Map(),
    services: new Map(),
    tasks: new Map(),
    containerInstances: new Map(),
    instances: new Map(),
    targetGroups: new Map(),
    targetGroupsByName: new Map(),
    loadBalancers: new Map(),
    listeners: new Map(),
    rules: new Map(),
    asg: emptyGroup('openclaw-ecs-asg'),
    clusterTags: [],
    capacityProviderTags: [],
    nextIp: new Map(),
    tasksByService: new Map(),
    tasksByInstance: new Map(),
    waiting: new Set(),
    links: emptyLinks(),
    rulesByListener: new Map(),
    serviceTokens: new Map(),
    logGroups: new Map(),
    logSeq: 0,
  };
}

/**
 * restore: instead of creating terraform's resources, fill the state from a saved file (persistence/);
 * only at start, so a reset still begins from scratch.
 */
export function createCloud(o: BootstrapOptions, restore?: (cloud: Cloud) => void): Cloud {
  const cloud = {} as Cloud;
  populate(cloud, o, restore);
  return cloud;
}

/** Fills (or refills, on reset) a cloud in place, so closures that hold it stay valid. */
function populate(cloud: Cloud, o: BootstrapOptions, restore?: (cloud: Cloud) => void): void {
  const rng = makeRng(o.seed);
  const hex = (n: number) => rng.hex(n);
  const network: Network = {
    vpcId: `vpc-${hex(17)}`,
    subnets: [
      { id: `subnet-${hex(17)}`, az: `${o.account.region}a`, prefix: '10.0.128', public: false },
      { id: `subnet-${hex(17)}`, az: `${o.account.region}b`, prefix: '10.0.144', public: false },
      { id: `subnet-${hex(17)}`, az: `${o.account.region}a`, prefix: '10.0.0', public: true },
      { id: `subnet-${hex(17)}`, az: `${o.account.region}b`, prefix: '10.0.1', public: true },
    ],
    taskSecurityGroupId: `sg-${hex(17)}`,
    albSecurityGroupId: `sg-${hex(17)}`,
  };
  Object.assign(cloud, {
    account: o.account,
    clusterName: CLUSTER,
    capacityProviderName: 'openclaw-spot',
    targetCapacity: o.targetCapacity ?? TARGET_CAPACITY,
    logGroup: '/ecs/openclaw',
    executionRoleArn: arns.role(o.account, 'openclaw-ecs-task-execution'),
    taskRoleArn: arns.role(o.account, 'openclaw-ecs-task'),
    network,
    state: emptyState(),
    clock: makeClock(),
    rng,
    timingConfig: o.timingConfig,
    timing: resolveTiming(o.timingConfig),
    quotas: o.quotas,
    reconcile: { running: false, again: false, dirty: new Set(), all: false, generation: 0 },
    stopLoops: () => {},
    dataPlane: makeDataPlane(o.dataPlane ?? { taskRuntime: 'none', failingImages: [] }),
  } satisfies Cloud);
  if (restore) {
    restore(cloud);
    cloud.stopLoops = startEvaluationLoop(cloud);
    return;
  }
  const now = cloud.clock.now();
  const asg = cloud.state.asg;
  asg.arn = arns.autoScalingGroup(o.account, uuid(cloud), asg.name);
  asg.min = o.asg.min;
  asg.max = o.asg.max;
  asg.desired = Math.max(1, o.asg.min);
  asg.createdAt = now;
  for (let i = 0; i < o.albs; i++) createAlb(cloud, i, o.albAddresses[i] ?? '', now);
  // terraform's gateway log group, which the task definitions' awslogs options name.
  createLogGroup(cloud, cloud.logGroup);
  // The on-demand base instance (and any others min size asks for) is registered at start.
  // No reconcile while bootstrapping: each join would otherwise launch the rest a second time.
  const quiet = { changed: () => {} };
  for (let i = 0; i < asg.desired; i++) launchInstance(cloud, quiet, true);
  if (o.warmGroup) createWarmGroup(cloud, o.warmGroup, quiet);
  cloud.stopLoops = startEvaluationLoop(cloud);
}

/** The on-demand group (one instance type, no spot): its min size in service, its warm pool already warmed. */
function createWarmGroup(cloud: Cloud, o: WarmGroupOptions, quiet: { changed: () => void }): void {
  const g: AutoScalingGroup = {
    ...emptyGroup(WARM_GROUP_NAME),
    arn: arns.autoScalingGroup(cloud.account, uuid(cloud), WARM_GROUP_NAME),
    min: o.min,
    max: o.max,
    desired: o.min,
    onDemandBase: 0,
    createdAt: cloud.clock.now(),
    onDemandType: 'c7i-flex.large',
  };
  cloud.state.warmAsg = g;
  for (let i = 0; i < g.desired; i++) launchInstance(cloud, quiet, true, g);
  if (!o.warmPool) return;
  // A deployment that has settled: the pool's instances have booted once and wait, as terraform leaves them.
  const pool: WarmPool = {
    ...o.warmPool,
    maxGroupPreparedCapacity: o.warmPool.minSize,
    reuseOnScaleIn: false,
    instanceIds: [],
  };
  g.warmPool = pool;
  for (let i = 0; i < pool.minSize; i++) {
    const instance = newInstance(cloud, g, `Warmed:${pool.poolState}`);
    pool.instanceIds.push(instance.id);
  }
}

function createAlb(cloud: Cloud, index: number, dnsName: string, now: number): void {
  const name = index === 0 ? 'openclaw-alb' : `openclaw-alb-${index + 1}`;
  const id = cloud.rng.hex(16);
  const arn = arns.loadBalancer(cloud.account, name, id);
  const listenerId = cloud.rng.hex(16);
  const listener: Listener = {
    arn: arns.listener(cloud.account, name, id, listenerId),
    id: listenerId,
    loadBalancerArn: arn,
    port: 80,
    protocol: 'HTTP',
    defaultActions: [
      {
        Type: 'fixed-response',
        Order: 1,
        FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' },
      },
    ],
    defaultRuleArn: arns.rule(cloud.account, name, id, listenerId, cloud.rng.hex(16)),
    tags: [],
  };
  const lb: LoadBalancer = {
    arn,
    name,
    id,
    dnsName,
    createdAt: now,
    subnets: cloud.network.subnets.filter((s) => s.public).map((s) => ({ subnetId: s.id, az: s.az })),
    securityGroupId: cloud.network.albSecurityGroupId,
    listenerArns: [listener.arn],
    tags: [],
  };
  cloud.state.loadBalancers.set(arn, lb);
  cloud.state.listeners.set(listener.arn, listener);
  link(cloud, arn, listener.defaultActions, 1);
}

/** Back to the state at start, same ids: the clock restarts so no old timer fires into new state. */
export function resetCloud(cloud: Cloud, o: BootstrapOptions): void {
  cloud.stopLoops();
  cloud.clock.close();
  // The old containers are killed; their exits are ignored (their data plane is closed).
  void closeDataPlane(cloud.dataPlane);
  populate(cloud, o);
}
