import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { INSTANCE_TAG, resourceNames } from '../../shared/naming.js';
import { reconcileKeys } from '../../shared/reconcile-report.js';
import { awsCall } from '../aws/aws-call.js';
import type { WorkerContext } from '../context.js';
import { stampFirstSeen } from './first-seen.js';
import type { InstanceResources } from './list-aws-resources.js';
import { readPerResource, type Seen, UNKNOWN, VANISHED } from './read-per-resource.js';

/** What decides whether an orphan candidate's resources may go. */
export interface OrphanFacts {
  /** Creation (or first-seen) time of its youngest resource, ms. */
  youngestAt: number;
  /** Every resource carries `openclaw:instance-id` = this id: anything else is not ours to delete. */
  tagged: boolean;
  /** The resources found, for the report: `secret,task-definition,...`. */
  resources: string[];
  /** Listed, then gone by the time they were read: reported, left out of the rest. */
  vanished: string[];
}

/**
 * Ages and tags of the resources of instances that may be orphans (unknown, deleted, failed): one
 * DescribeTaskDefinition per family, ListTagsForResource per task definition and service, and
 * DescribeTags in batches of 20 for target groups and rules. Instances the store knows as live cost
 * nothing here.
 *
 * A resource can vanish between the List that found it and these reads (someone, or a delete saga,
 * removed it). That is judged per resource, never for the run: a resource confirmed gone is `vanished`;
 * one whose read failed for another reason counts as untagged, so nothing of that instance is deleted
 * this run.
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
  const elbTags = await elbInstanceTags(ctx, elbArns);

  const facts = new Map<string, OrphanFacts>();
  for (const [id, found] of candidates) {
    const seen: { resource: string; at: number; tag: Seen<string | null> }[] = [];
    if (found.secret) {
      seen.push({ resource: 'secret', at: found.secret.createdAt ?? now, tag: found.secret.tag });
    }
    if (found.taskFamily) {
      const family = found.taskFamily;
      const described = await readPerResource(ctx, 'DescribeTaskDefinition', () =>
        awsCall('read', 'DescribeTaskDefinition', () =>
          ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family })),
        ),
      );
      const td = described === VANISHED || described === UNKNOWN ? null : described.taskDefinition;
      seen.push({
        resource: 'task-definition',
        at: td?.registeredAt?.getTime() ?? firstSeen.get(familyKey(family)) ?? now,
        tag: described === VANISHED ? VANISHED : await taskDefinitionTag(ctx, td?.taskDefinitionArn),
      });
    }
    if (found.targetGroup) {
      const arn = found.targetGroup.arn;
      seen.push({ resource: 'target-group', at: firstSeen.get(arn) ?? now, tag: elbTags.get(arn) ?? null });
    }
    for (const rule of found.rules) {
      seen.push({
        resource: 'listener-rule',
        at: firstSeen.get(rule.arn) ?? now,
        tag: elbTags.get(rule.arn) ?? null,
      });
    }
    if (found.service) {
      seen.push({
        resource: 'service',
        at: found.service.createdAt ?? firstSeen.get(found.service.arn) ?? now,
        tag: await serviceTag(ctx, id, found.service.arn),
      });
    }
    const present = seen.filter((s) => s.tag !== VANISHED);
    const vanished = seen.filter((s) => s.tag === VANISHED).map((s) => s.resource);
    for (const resource of vanished)
      ctx.log.info({ instanceId: id, resource }, 'resource vanished during the scan');
    facts.set(id, {
      youngestAt: Math.max(...present.map((s) => s.at)),
      tagged: present.every((s) => s.tag === id),
      resources: present.map((s) => s.resource),
      vanished,
    });
  }
  return facts;
}

/** A task family's entry among the first-seen ARNs. */
const familyKey = (family: string) => `task-family:${family}`;

/**
 * The `openclaw:instance-id` tag of each target group and rule, 20 ARNs a call. A batch fails whole
 * when one of its resources is gone, so a failed batch is read again one ARN at a time.
 */
async function elbInstanceTags(
  ctx: WorkerContext,
  arns: string[],
): Promise<Map<string, Seen<string | null>>> {
  const tags = new Map<string, Seen<string | null>>();
  const read = (batch: string[]) =>
    readPerResource(ctx, 'DescribeTags', () =>
      awsCall('read', 'DescribeTags', () =>
        ctx.aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch })),
      ),
    );
  for (let i = 0; i < arns.length; i += 20) {
    const batch = arns.slice(i, i + 20);
    const described = await read(batch);
    if (described !== VANISHED && described !== UNKNOWN) {
      for (const d of described.TagDescriptions ?? []) {
        tags.set(d.ResourceArn ?? '', d.Tags?.find((t) => t.Key === INSTANCE_TAG)?.Value ?? null);
      }
      continue;
    }
    for (const arn of batch) {
      const one = batch.length === 1 ? described : await read([arn]);
      if (one === VANISHED || one === UNKNOWN) tags.set(arn, one === VANISHED ? VANISHED : null);
      else tags.set(arn, one.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === INSTANCE_TAG)?.Value ?? null);
    }
  }
  return tags;
}

/**
 * The tag of an ECS resource, read with ListTagsForResource rather than Describe's `include: TAGS`, so
 * the permission it needs is the one the code names (and the worker's IAM policy, checked against the
 * code, grants). ListTagsForResource documents no "not found" error (a missing resource may come back
 * as ClientException or InvalidParameterException): when it fails, a direct Describe decides.
 */
async function ecsTag(
  ctx: WorkerContext,
  resourceArn: string,
  stillThere: () => Promise<boolean>,
): Promise<Seen<string | null>> {
  const listed = await readPerResource(ctx, 'ListTagsForResource', () =>
    awsCall('read', 'ListTagsForResource', () =>
      ctx.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn })),
    ),
  );
  if (listed !== VANISHED && listed !== UNKNOWN) {
    return listed.tags?.find((t) => t.key === INSTANCE_TAG)?.value ?? null;
  }
  // Still there (or not known): its tag is unknown, so it counts as untagged and nothing is deleted.
  const there = await stillThere().catch(() => true);
  return there ? null : VANISHED;
}

async function taskDefinitionTag(ctx: WorkerContext, arn: string | undefined): Promise<Seen<string | null>> {
  if (!arn) return null;
  return ecsTag(ctx, arn, async () => {
    const found = await awsCall('read', 'DescribeTaskDefinition', () =>
      ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })),
    );
    return found.ok && found.value.taskDefinition?.status !== 'DELETE_IN_PROGRESS';
  });
}

/** A service DRAINING or INACTIVE is going by itself: for the reconciler it is gone. */
async function serviceTag(ctx: WorkerContext, id: string, arn: string): Promise<Seen<string | null>> {
  const { serviceName } = resourceNames(id);
  return ecsTag(ctx, arn, async () => {
    const found = await awsCall('read', 'DescribeServices', () =>
      ctx.aws.ecs.send(
        new DescribeServicesCommand({ cluster: ctx.config.ECS_CLUSTER, services: [serviceName] }),
      ),
    );
    if (!found.ok) return false;
    return found.value.services?.some((s) => s.serviceName === serviceName && s.status === 'ACTIVE') ?? false;
  });
}
