import {
  DescribeServicesCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { INSTANCE_ID_PATTERN, INSTANCE_TAG, resourceNames } from '../../shared/naming.js';
import { awsValue } from '../aws/aws-call.js';
import type { WorkerContext } from '../context.js';

export interface FoundSecret {
  name: string;
  createdAt: number | null;
  tag: string | null;
}
export interface FoundTargetGroup {
  arn: string;
  name: string;
}
export interface FoundRule {
  arn: string;
  listenerArn: string;
}
export interface FoundService {
  arn: string;
  status: string;
  createdAt: number | null;
  runningCount: number;
}

/** What AWS holds of one instance id, found by deterministic name (tags are checked before deleting). */
export interface InstanceResources {
  secret?: FoundSecret;
  /** The family has an ACTIVE revision. */
  taskFamily?: string;
  targetGroup?: FoundTargetGroup;
  rules: FoundRule[];
  /** ACTIVE only: a DRAINING service is already going away. */
  service?: FoundService;
}

export interface AwsInventory {
  byInstance: Map<string, InstanceResources>;
  /** Every rule priority taken on each configured listener, ours or anyone's. */
  prioritiesInUse: Map<string, Set<number>>;
  scanned: { secrets: number; taskFamilies: number; targetGroups: number; rules: number; services: number };
}

const NAME_PREFIX = 'openclaw-';
const SECRET_PREFIX = 'openclaw/instances/';

/** The instance id a name carries, when it is one of ours. */
function idFromName(name: string | undefined, prefix: string): string | null {
  if (!name?.startsWith(prefix)) return null;
  const id = name.slice(prefix.length);
  return INSTANCE_ID_PATTERN.test(id) ? id : null;
}

/** A rule is an instance's when it routes `/<id>/*` (what the listener-rule step creates). */
export function ruleInstanceId(rule: Rule): string | null {
  if (rule.IsDefault) return null;
  for (const condition of rule.Conditions ?? []) {
    for (const value of [...(condition.Values ?? []), ...(condition.PathPatternConfig?.Values ?? [])]) {
      const match = /^\/([a-z2-7]{12})\/\*$/.exec(value);
      if (match) return match[1]!;
    }
  }
  return null;
}

/**
 * Lists every platform resource in AWS, by name: secrets under `openclaw/instances/`, task definition
 * families, target groups and services named `openclaw-<id>`, and the rules of every configured listener.
 * Paged reads only; per-instance calls are left to the callers that need them (tags, ages, health).
 */
export async function listAwsResources(ctx: WorkerContext): Promise<AwsInventory> {
  const byInstance = new Map<string, InstanceResources>();
  const of = (id: string) => {
    let found = byInstance.get(id);
    if (!found) {
      found = { rules: [] };
      byInstance.set(id, found);
    }
    return found;
  };
  const scanned = { secrets: 0, taskFamilies: 0, targetGroups: 0, rules: 0, services: 0 };

  let token: string | undefined;
  do {
    const page = await awsValue('read', 'ListSecrets', () =>
      ctx.aws.secrets.send(
        new ListSecretsCommand({
          Filters: [{ Key: 'name', Values: [SECRET_PREFIX] }],
          MaxResults: 100,
          NextToken: token,
        }),
      ),
    );
    for (const s of page.SecretList ?? []) {
      const id = idFromName(s.Name, SECRET_PREFIX);
      if (!id || s.DeletedDate) continue;
      scanned.secrets++;
      of(id).secret = {
        name: s.Name!,
        createdAt: s.CreatedDate ? s.CreatedDate.getTime() : null,
        tag: s.Tags?.find((t) => t.Key === INSTANCE_TAG)?.Value ?? null,
      };
    }
    token = page.NextToken;
  } while (token);

  token = undefined;
  do {
    const page = await awsValue('read', 'ListTaskDefinitionFamilies', () =>
      ctx.aws.ecs.send(
        new ListTaskDefinitionFamiliesCommand({
          familyPrefix: NAME_PREFIX,
          status: 'ACTIVE',
          nextToken: token,
        }),
      ),
    );
    for (const family of page.families ?? []) {
      const id = idFromName(family, NAME_PREFIX);
      if (!id) continue;
      scanned.taskFamilies++;
      of(id).taskFamily = family;
    }
    token = page.nextToken;
  } while (token);

  let marker: string | undefined;
  do {
    const page = await awsValue('read', 'DescribeTargetGroups', () =>
      ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Marker: marker, PageSize: 400 })),
    );
    for (const tg of page.TargetGroups ?? []) {
      const id = idFromName(tg.TargetGroupName, NAME_PREFIX);
      if (!id || !tg.TargetGroupArn) continue;
      scanned.targetGroups++;
      of(id).targetGroup = { arn: tg.TargetGroupArn, name: tg.TargetGroupName! };
    }
    marker = page.NextMarker;
  } while (marker);

  const prioritiesInUse = new Map<string, Set<number>>();
  for (const { listenerArn } of ctx.config.routing.listeners) {
    const taken = new Set<number>();
    prioritiesInUse.set(listenerArn, taken);
    marker = undefined;
    do {
      const page = await awsValue('read', 'DescribeRules', () =>
        ctx.aws.elbv2.send(
          new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }),
        ),
      );
      for (const rule of page.Rules ?? []) {
        if (!rule.IsDefault && rule.Priority) taken.add(Number(rule.Priority));
        const id = ruleInstanceId(rule);
        if (!id || !rule.RuleArn) continue;
        scanned.rules++;
        of(id).rules.push({ arn: rule.RuleArn, listenerArn });
      }
      marker = page.NextMarker;
    } while (marker);
  }

  const serviceArns: string[] = [];
  token = undefined;
  do {
    const page = await awsValue('read', 'ListServices', () =>
      ctx.aws.ecs.send(
        new ListServicesCommand({ cluster: ctx.config.ECS_CLUSTER, maxResults: 100, nextToken: token }),
      ),
    );
    for (const arn of page.serviceArns ?? []) {
      if (idFromName(arn.split('/').pop(), NAME_PREFIX)) serviceArns.push(arn);
    }
    token = page.nextToken;
  } while (token);
  for (let i = 0; i < serviceArns.length; i += 10) {
    const batch = serviceArns.slice(i, i + 10);
    const described = await awsValue('read', 'DescribeServices', () =>
      ctx.aws.ecs.send(new DescribeServicesCommand({ cluster: ctx.config.ECS_CLUSTER, services: batch })),
    );
    for (const svc of described.services ?? []) {
      const id = idFromName(svc.serviceName, NAME_PREFIX);
      if (!id || svc.status !== 'ACTIVE' || svc.serviceName !== resourceNames(id).serviceName) continue;
      scanned.services++;
      of(id).service = {
        arn: svc.serviceArn ?? '',
        status: svc.status,
        createdAt: svc.createdAt ? svc.createdAt.getTime() : null,
        runningCount: svc.runningCount ?? 0,
      };
    }
  }
  return { byInstance, prioritiesInUse, scanned };
}
