import type { BucketLimits } from './token-bucket.js';

/**
 * AWS's per-account, per-Region request limits by action family: every operation in a family shares
 * one bucket. Figures and sources are listed in localcloud/README.md ("Rate limits"); `source` says
 * where each comes from, and "assumption" where AWS publishes no figure.
 */
export interface RateFamily extends BucketLimits {
  /** `ecs:service-modify`: the service prefix, then the family. */
  name: string;
  /** Operations as `prefix:Operation` (the names localcloud counts calls under). */
  operations: string[];
  source: string;
}

const ECS = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
const EC2 = 'https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html';
const SM = 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html';
const ASSUMED = 'assumption: AWS publishes no figure';

const ecs = (family: string, burst: number, refillPerSecond: number, ops: string[]): RateFamily => ({
  name: `ecs:${family}`,
  burst,
  refillPerSecond,
  operations: ops.map((o) => `ecs:${o}`),
  source: ECS,
});

/** Secrets Manager publishes a TPS per group: a bucket of one second's worth, refilled at that rate. */
const sm = (family: string, tps: number, ops: string[], source = SM): RateFamily => ({
  name: `secretsmanager:${family}`,
  burst: tps,
  refillPerSecond: tps,
  operations: ops.map((o) => `secretsmanager:${o}`),
  source,
});

const other = (name: string, burst: number, refillPerSecond: number, ops: string[], source: string) => ({
  name,
  burst,
  refillPerSecond,
  operations: ops.map((o) => `${name.slice(0, name.indexOf(':'))}:${o}`),
  source,
});

export const AWS_RATE_FAMILIES: readonly RateFamily[] = [
  ecs('cluster-modify', 20, 1, [
    'CreateCluster',
    'DeleteCluster',
    'PutClusterCapacityProviders',
    'UpdateCluster',
    'UpdateClusterSettings',
  ]),
  ecs('cluster-read', 50, 20, ['DescribeClusters', 'ListClusters']),
  ecs('task-definition-modify', 20, 1, ['DeregisterTaskDefinition', 'RegisterTaskDefinition']),
  ecs('task-definition-read', 50, 20, [
    'DescribeTaskDefinition',
    'ListTaskDefinitions',
    'ListTaskDefinitionFamilies',
  ]),
  ecs('task-definition-delete', 5, 1, ['DeleteTaskDefinitions']),
  ecs('capacity-provider-modify', 10, 1, [
    'CreateCapacityProvider',
    'DeleteCapacityProvider',
    'UpdateCapacityProvider',
  ]),
  ecs('capacity-provider-read', 50, 20, ['DescribeCapacityProviders']),
  ecs('tag-modify', 20, 10, ['TagResource', 'UntagResource']),
  ecs('tag-read', 50, 20, ['ListTagsForResource']),
  ecs('setting-modify', 10, 1, ['DeleteAccountSetting', 'PutAccountSetting', 'PutAccountSettingDefault']),
  ecs('setting-read', 50, 20, ['ListAccountSettings']),
  ecs('cluster-resource-modify', 100, 40, [
    'DeleteAttributes',
    'DeregisterContainerInstance',
    'ExecuteCommand',
    'PutAttributes',
    'RunTask',
    'StartTask',
    'StopTask',
    'UpdateContainerAgent',
    'UpdateContainerInstancesState',
  ]),
  ecs('cluster-resource-read', 100, 20, [
    'DescribeContainerInstances',
    'DescribeTasks',
    'ListAttributes',
    'ListContainerInstances',
    'ListTasks',
  ]),
  ecs('service-modify', 50, 5, ['CreateService', 'DeleteService', 'UpdateService']),
  ecs('service-read', 100, 20, ['DescribeServices', 'ListServices']),
  sm('read', 10_000, ['DescribeSecret', 'GetSecretValue']),
  sm('version-modify', 50, ['PutSecretValue', 'UpdateSecret', 'UpdateSecretVersionStage']),
  sm('restore', 50, ['RestoreSecret']),
  sm('tag-modify', 50, ['TagResource', 'UntagResource']),
  sm('create', 50, ['CreateSecret'], `${SM} (control-plane figure applied by assumption)`),
  sm('delete', 50, ['DeleteSecret'], `${SM} (control-plane figure applied by assumption)`),
  sm('list', 50, ['ListSecrets'], `${SM} (control-plane figure applied by assumption)`),
  // EC2 throttles each API in its own bucket; the non-mutating figure is the page's own example.
  other('ec2:DescribeSpotPriceHistory', 100, 20, ['DescribeSpotPriceHistory'], `${EC2} (non-mutating)`),
  other(
    'elasticloadbalancing:read',
    50,
    20,
    [
      'DescribeLoadBalancers',
      'DescribeListeners',
      'DescribeTags',
      'DescribeTargetGroups',
      'DescribeTargetHealth',
      'DescribeRules',
    ],
    ASSUMED,
  ),
  other(
    'elasticloadbalancing:modify',
    20,
    10,
    [
      'CreateRule',
      'DeleteRule',
      'ModifyRule',
      'SetRulePriorities',
      'CreateTargetGroup',
      'DeleteTargetGroup',
      'RegisterTargets',
      'DeregisterTargets',
      'AddTags',
      'RemoveTags',
    ],
    ASSUMED,
  ),
  other(
    'autoscaling:read',
    50,
    20,
    ['DescribeAutoScalingGroups', 'DescribeScalingActivities', 'DescribeWarmPool'],
    ASSUMED,
  ),
  other(
    'autoscaling:modify',
    20,
    5,
    ['SetDesiredCapacity', 'SetInstanceProtection', 'PutWarmPool', 'DeleteWarmPool'],
    ASSUMED,
  ),
];
