import { DescribeTaskDefinitionCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { INSTANCE_TAG } from '../../shared/naming.js';
import { reconcileKeys } from '../../shared/reconcile-report.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import type { WorkerContext } from '../context.js';
import { stampFirstSeen } from './first-seen.js';
import type { InstanceResources } from './list-aws-resources.js';

/** What decides whether an orphan candidate's resources may go. */
export interface OrphanFacts {
  /** Creation (or first-seen) time of its youngest resource, ms. */
  youngestAt: number;
  /** Every resource carries `openclaw:instance-id` = this id: anything else is not ours to delete. */
  tagged: boolean;
  /** The resources found, for the report: `secret,task-definition,...`. */
  resources: string[];
}

/**
 * Ages and tags of the resources of instances that may be orphans (unknown, deleted, failed): one
 * DescribeTaskDefinition per family, ListTagsForResource per task definition and service, and
 * DescribeTags in batches of 20 for target groups and rules.
 * Instances the store knows as live cost nothing here.
 */
export async function orphanFacts(
  ctx: WorkerContext,
  candidates: Map<string, InstanceResources>,
  now: number,
): Promise<Map<string, OrphanFacts>> {
  const elbArns: string[] = [];
  for (const found of candidates.values()) {
    if (found.targetGroup) elbArns.push(found.targetGroup.arn);
    for (const rule of found.rules) elbArns.push(rule.arn);
  }
  // Services and task definitions carry a creation time on AWS, but an answer may lack it: those age
  // from first sight too (a family is stamped before its Describe says whether it has `registeredAt`).
  const undated = [...candidates.values()].flatMap((found) => [
    ...(found.service && found.service.createdAt === null ? [found.service.arn] : []),
    ...(found.taskFamily ? [familyKey(found.taskFamily)] : []),
  ]);
  const firstSeen = await stampFirstSeen(
    ctx.redis,
    reconcileKeys(ctx.config.QUEUE_PREFIX).firstSeen,
    [...elbArns, ...undated],
    now,
  );
  const elbTags = new Map<string, string | null>();
  for (let i = 0; i < elbArns.length; i += 20) {
    const batch = elbArns.slice(i, i + 20);
    const described = await awsCall('read', 'DescribeTags', () =>
      ctx.aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch })),
    );
    // A batch with a resource deleted meanwhile fails whole: those are simply not tagged this run.
    if (!described.ok) continue;
    for (const d of described.value.TagDescriptions ?? []) {
      elbTags.set(d.ResourceArn ?? '', d.Tags?.find((t) => t.Key === INSTANCE_TAG)?.Value ?? null);
    }
  }

  const facts = new Map<string, OrphanFacts>();
  for (const [id, found] of candidates) {
    const times: number[] = [];
    const tags: (string | null)[] = [];
    const resources: string[] = [];
    if (found.secret) {
      resources.push('secret');
      times.push(found.secret.createdAt ?? now);
      tags.push(found.secret.tag);
    }
    if (found.taskFamily) {
      resources.push('task-definition');
      const family = found.taskFamily;
      const described = await awsValue('read', 'DescribeTaskDefinition', () =>
        ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family })),
      );
      times.push(
        described.taskDefinition?.registeredAt?.getTime() ?? firstSeen.get(familyKey(family)) ?? now,
      );
      tags.push(await ecsInstanceTag(ctx, described.taskDefinition?.taskDefinitionArn));
    }
    if (found.targetGroup) {
      resources.push('target-group');
      times.push(firstSeen.get(found.targetGroup.arn) ?? now);
      tags.push(elbTags.get(found.targetGroup.arn) ?? null);
    }
    for (const rule of found.rules) {
      resources.push('listener-rule');
      times.push(firstSeen.get(rule.arn) ?? now);
      tags.push(elbTags.get(rule.arn) ?? null);
    }
    if (found.service) {
      resources.push('service');
      times.push(found.service.createdAt ?? firstSeen.get(found.service.arn) ?? now);
      tags.push(await ecsInstanceTag(ctx, found.service.arn));
    }
    facts.set(id, {
      youngestAt: Math.max(...times),
      tagged: tags.every((tag) => tag === id),
      resources,
    });
  }
  return facts;
}

/** A task family's entry among the first-seen ARNs. */
const familyKey = (family: string) => `task-family:${family}`;

/**
 * The `openclaw:instance-id` tag of an ECS resource, or null (untagged, or gone meanwhile). Read with
 * ListTagsForResource rather than Describe's `include: TAGS`, so the permission it needs is the one the
 * code names (and the worker's IAM policy, checked against the code, grants).
 */
async function ecsInstanceTag(ctx: WorkerContext, resourceArn: string | undefined): Promise<string | null> {
  if (!resourceArn) return null;
  const listed = await awsCall('read', 'ListTagsForResource', () =>
    ctx.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn })),
  );
  if (!listed.ok) return null;
  return listed.value.tags?.find((t) => t.key === INSTANCE_TAG)?.value ?? null;
}
