import type { Account } from '../arns.js';
import type { Cloud, Network } from '../cloud.js';
import type { Tag } from '../input.js';
import { accountSettings } from '../sim/account-settings.js';
import type {
  AutoScalingGroup,
  ContainerInstance,
  Ec2Instance,
  Listener,
  LoadBalancer,
  LogGroup,
  LogStream,
  Rule,
  Secret,
  SecretVersion,
  Service,
  Target,
  TargetGroup,
  Task,
  TaskDefinition,
} from '../state.js';

/**
 * What the state file holds: the primary maps of CloudState as [key, value] entries (Map order is
 * creation order, which the scheduler relies on), the RNG's position so new ids never collide with
 * restored ones, and the network the seed made. Indexes (tasksByService, rulesByListener, links...)
 * are derived again on restore, never stored, so they cannot disagree with what they index.
 * Runtime-only fields (a task's process, a target's loopback endpoint and measured health) are left
 * out: the processes died with the old localcloud.
 */
export const STATE_FILE_VERSION = 1;

type Entries<T> = [string, T][];

export interface SavedSecret extends Omit<Secret, 'versions'> {
  versions: Entries<SecretVersion>;
}

export interface SavedTargetGroup extends Omit<TargetGroup, 'targets'> {
  targets: Entries<Omit<Target, 'endpoint' | 'health'>>;
}

export interface SavedLogGroup extends Omit<LogGroup, 'streams'> {
  streams: Entries<LogStream>;
}

/** A client token names its service while that service is the live one of its name, else keeps a copy. */
export type SavedServiceToken = { parameters: string } & ({ serviceName: string } | { service: Service });

export interface SavedWorld {
  version: typeof STATE_FILE_VERSION;
  savedAt: number;
  account: Account;
  network: Network;
  rng: number;
  state: {
    secrets: Entries<SavedSecret>;
    taskDefinitions: Entries<TaskDefinition>;
    services: Entries<Service>;
    tasks: Entries<Omit<Task, 'process'>>;
    containerInstances: Entries<ContainerInstance>;
    instances: Entries<Ec2Instance>;
    targetGroups: Entries<SavedTargetGroup>;
    loadBalancers: Entries<LoadBalancer>;
    listeners: Entries<Listener>;
    rules: Entries<Rule>;
    asg: AutoScalingGroup;
    /** The on-demand (warm pool) group, when the account has one. */
    warmAsg?: AutoScalingGroup;
    clusterTags: Tag[];
    capacityProviderTags: Tag[];
    nextIp: Entries<number>;
    serviceTokens: Entries<SavedServiceToken>;
    logGroups: Entries<SavedLogGroup>;
    logSeq: number;
    /** ECS account settings (PutAccountSetting), kept beside the state by sim/account-settings. */
    accountSettings: Entries<string>;
  };
}

function entries<T, U = T>(m: Map<string, T>, f: (v: T) => U = (v) => v as unknown as U): Entries<U> {
  return [...m].map(([k, v]) => [k, f(v)]);
}

export function snapshotWorld(cloud: Cloud): SavedWorld {
  const s = cloud.state;
  return {
    version: STATE_FILE_VERSION,
    savedAt: cloud.clock.now(),
    account: cloud.account,
    network: cloud.network,
    rng: cloud.rng.state(),
    state: {
      secrets: entries(s.secrets, (x) => ({ ...x, versions: entries(x.versions) })),
      taskDefinitions: entries(s.taskDefinitions),
      services: entries(s.services),
      tasks: entries(s.tasks, ({ process: _process, ...t }) => t),
      containerInstances: entries(s.containerInstances),
      instances: entries(s.instances),
      targetGroups: entries(s.targetGroups, (tg) => ({
        ...tg,
        targets: entries(tg.targets, ({ endpoint: _e, health: _h, ...t }) => t),
      })),
      loadBalancers: entries(s.loadBalancers),
      listeners: entries(s.listeners),
      rules: entries(s.rules),
      asg: s.asg,
      ...(s.warmAsg ? { warmAsg: s.warmAsg } : {}),
      clusterTags: s.clusterTags,
      capacityProviderTags: s.capacityProviderTags,
      nextIp: entries(s.nextIp),
      serviceTokens: entries(s.serviceTokens, ({ parameters, service }) =>
        s.services.get(service.name) === service
          ? { parameters, serviceName: service.name }
          : { parameters, service },
      ),
      logGroups: entries(s.logGroups, (g) => ({ ...g, streams: entries(g.streams) })),
      logSeq: s.logSeq,
      accountSettings: entries(accountSettings(cloud)),
    },
  };
}
