/**
 * AWS's per-account, per-Region request limits by action family (every operation of a family shares
 * one token bucket), for the worker's shared rate budget: the families of the operations the worker
 * sends. localcloud holds AWS's whole table (localcloud/rate-limits/aws-limits.ts) as the emulator's
 * own, and may not be imported here, nor this there: the two sides of the wire each state what they
 * read in AWS's documentation, and test/contract/aws-rate-families.test.ts checks that every operation
 * the worker sends which localcloud buckets is budgeted here with the same family and figures.
 * Sources:
 * - ECS: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html, table
 *   "Request Token Bucket Sizes and Refill Rates" ("All API actions in a category share the same token
 *   bucket").
 * - Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 *   ("Combined rate of DescribeSecret and GetSecretValue API requests … 10,000 per second"; the
 *   control-plane groups 50 per second, applied by assumption to create, delete and list). A TPS quota
 *   is a bucket of one second's worth.
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
}

/** One family a line: its name (`prefix:family`), burst, refill per second, then its operations. */
const TABLE = `
ecs:task-definition-modify      20    1      DeregisterTaskDefinition RegisterTaskDefinition
ecs:task-definition-read        50    20     DescribeTaskDefinition ListTaskDefinitions
                                             ListTaskDefinitionFamilies
ecs:task-definition-delete      5     1      DeleteTaskDefinitions
ecs:capacity-provider-read      50    20     DescribeCapacityProviders
ecs:tag-modify                  20    10     TagResource UntagResource
ecs:tag-read                    50    20     ListTagsForResource
ecs:cluster-resource-read       100   20     DescribeContainerInstances DescribeTasks ListAttributes
                                             ListContainerInstances ListTasks
ecs:service-modify              50    5      CreateService DeleteService UpdateService
ecs:service-read                100   20     DescribeServices ListServices
secretsmanager:read             10000 10000  DescribeSecret GetSecretValue
secretsmanager:version-modify   50    50     PutSecretValue UpdateSecret UpdateSecretVersionStage
secretsmanager:restore          50    50     RestoreSecret
secretsmanager:tag-modify       50    50     TagResource UntagResource
secretsmanager:create           50    50     CreateSecret
secretsmanager:delete           50    50     DeleteSecret
secretsmanager:list             50    50     ListSecrets
ec2:DescribeSpotPriceHistory    100   20     DescribeSpotPriceHistory
elasticloadbalancing:read       50    20     DescribeLoadBalancers DescribeListeners DescribeTags
                                             DescribeTargetGroups DescribeTargetHealth DescribeRules
elasticloadbalancing:modify     20    10     CreateRule DeleteRule ModifyRule SetRulePriorities
                                             CreateTargetGroup DeleteTargetGroup RegisterTargets
                                             DeregisterTargets AddTags RemoveTags
autoscaling:read                50    20     DescribeAutoScalingGroups DescribeScalingActivities
                                             DescribeWarmPool
autoscaling:modify              20    5      SetDesiredCapacity SetInstanceProtection PutWarmPool
                                             DeleteWarmPool
`;

/** Parses TABLE: a line that starts with blanks carries on the operations of the family above it. */
function parseTable(table: string): RateFamily[] {
  const families: RateFamily[] = [];
  for (const line of table.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const current = families.at(-1);
    if (/^\s/.test(line) && current) {
      const prefix = current.name.slice(0, current.name.indexOf(':'));
      current.operations.push(...words.map((o) => `${prefix}:${o}`));
      continue;
    }
    const [name, burst, refill, ...operations] = words as [string, string, string, ...string[]];
    const prefix = name.slice(0, name.indexOf(':'));
    families.push({
      name,
      burst: Number(burst),
      refillPerSecond: Number(refill),
      operations: operations.map((o) => `${prefix}:${o}`),
    });
  }
  return families;
}

export const AWS_RATE_FAMILIES: readonly RateFamily[] = parseTable(TABLE);

const FAMILY_OF = new Map(AWS_RATE_FAMILIES.flatMap((f) => f.operations.map((op) => [op, f] as const)));

/** The family of `ecs:CreateService`; undefined for operations without a bucket (CloudWatch Logs). */
export function rateFamilyOf(operation: string): RateFamily | undefined {
  return FAMILY_OF.get(operation);
}
