/**
 * AWS's per-account, per-Region request limits by action family (every operation of a family shares
 * one token bucket), for the worker's shared rate budget. The same AWS documentation as localcloud's
 * table (localcloud/rate-limits/aws-limits.ts): the worker may not import localcloud, so the figures
 * are here too. Sources:
 * - ECS: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html, table
 *   "Request Token Bucket Sizes and Refill Rates" ("All API actions in a category share the same token
 *   bucket").
 * - Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 *   ("Combined rate of DescribeSecret and GetSecretValue API requests … 10,000 per second"; the
 *   control-plane groups 50 per second). A TPS quota is a bucket of one second's worth.
 * - EC2: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html (each API its own
 *   bucket; non-mutating: 100 tokens, 20 per second).
 * - ELBv2 and Auto Scaling publish no figure: those rows are assumptions.
 */
export interface RateFamily {
  /** `ecs:service-modify`: the service prefix, then the family. */
  name: string;
  /** Bucket maximum capacity (the burst rate). */
  burst: number;
  /** Bucket refill rate in tokens per second (the sustained rate). */
  refillPerSecond: number;
  /** Operations as `prefix:Operation` (`ecs:CreateService`). */
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
  other('autoscaling:read', 50, 20, ['DescribeAutoScalingGroups', 'DescribeScalingActivities'], ASSUMED),
  other('autoscaling:modify', 20, 5, ['SetDesiredCapacity', 'SetInstanceProtection'], ASSUMED),
];

const FAMILY_OF = new Map(AWS_RATE_FAMILIES.flatMap((f) => f.operations.map((op) => [op, f] as const)));

/** The family of `ecs:CreateService`; undefined for operations without a bucket (CloudWatch Logs). */
export function rateFamilyOf(operation: string): RateFamily | undefined {
  return FAMILY_OF.get(operation);
}
