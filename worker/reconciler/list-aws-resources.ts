import {
  DescribeServicesCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import {
  INSTANCE_TAG,
  instanceIdFromName,
  NAME_PREFIX,
  resourceNames,
  routedInstanceIds,
  SECRET_PREFIX,
} from '../../shared/naming.js';
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

type Scanned = AwsInventory['scanned'];
/** The resources of one id, made on first use: each lister adds what it finds. */
type ResourcesOf = (id: string) => InstanceResources;

/** Sends one paged read (`operation`) after the other until an answer carries no next token or marker. */
async function eachPage<P>(
  operation: string,
  read: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
  visit: (page: P) => void,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await awsValue('read', operation, () => read(token));
    visit(page);
    token = next(page);
  } while (token);
}

/**
 * Lists every platform resource in AWS, by name: secrets under `openclaw/instances/`, task definition
 * families, target groups and services named `openclaw-<id>`, and the rules of every configured listener.
 * Paged reads only; per-instance calls are left to the callers that need them (tags, ages, health).
 */
export async function listAwsResources(ctx: WorkerContext): Promise<AwsInventory> {
  const byInstance = new Map<string, InstanceResources>();
  const of: ResourcesOf = (id) => {
    let found = byInstance.get(id);
    if (!found) {
      found = { rules: [] };
      byInstance.set(id, found);
    }
    return found;
  };
  const scanned: Scanned = { secrets: 0, taskFamilies: 0, targetGroups: 0, rules: 0, services: 0 };
  await listSecrets(ctx, of, scanned);
  await listTaskFamilies(ctx, of, scanned);
  await listTargetGroups(ctx, of, scanned);
  const prioritiesInUse = await listRules(ctx, of, scanned);
  await listServices(ctx, of, scanned);
  return { byInstance, prioritiesInUse, scanned };
}

async function listSecrets(ctx: WorkerContext, of: ResourcesOf, scanned: Scanned): Promise<void> {
  await eachPage(
    'ListSecrets',
    (NextToken) =>
      ctx.aws.secrets.send(
        new ListSecretsCommand({
          Filters: [{ Key: 'name', Values: [SECRET_PREFIX] }],
          MaxResults: 100,
          NextToken,
        }),
      ),
    (page) => page.NextToken,
    (page) => {
      for (const s of page.SecretList ?? []) {
        const id = instanceIdFromName(s.Name, SECRET_PREFIX);
        if (!id || s.DeletedDate) continue;
        scanned.secrets++;
        of(id).secret = {
          name: s.Name!,
          createdAt: s.CreatedDate ? s.CreatedDate.getTime() : null,
          tag: s.Tags?.find((t) => t.Key === INSTANCE_TAG)?.Value ?? null,
        };
      }
    },
  );
}

async function listTaskFamilies(ctx: WorkerContext, of: ResourcesOf, scanned: Scanned): Promise<void> {
  await eachPage(
    'ListTaskDefinitionFamilies',
    (nextToken) =>
      ctx.aws.ecs.send(
        new ListTaskDefinitionFamiliesCommand({ familyPrefix: NAME_PREFIX, status: 'ACTIVE', nextToken }),
      ),
    (page) => page.nextToken,
    (page) => {
      for (const family of page.families ?? []) {
        const id = instanceIdFromName(family, NAME_PREFIX);
        if (!id) continue;
        scanned.taskFamilies++;
        of(id).taskFamily = family;
      }
    },
  );
}

async function listTargetGroups(ctx: WorkerContext, of: ResourcesOf, scanned: Scanned): Promise<void> {
  await eachPage(
    'DescribeTargetGroups',
    (Marker) => ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Marker, PageSize: 400 })),
    (page) => page.NextMarker,
    (page) => {
      for (const tg of page.TargetGroups ?? []) {
        const id = instanceIdFromName(tg.TargetGroupName, NAME_PREFIX);
        if (!id || !tg.TargetGroupArn) continue;
        scanned.targetGroups++;
        of(id).targetGroup = { arn: tg.TargetGroupArn, name: tg.TargetGroupName! };
      }
    },
  );
}

/** Every rule of each configured listener: ours by the path they route, and every priority taken. */
async function listRules(
  ctx: WorkerContext,
  of: ResourcesOf,
  scanned: Scanned,
): Promise<Map<string, Set<number>>> {
  const prioritiesInUse = new Map<string, Set<number>>();
  for (const { listenerArn } of ctx.config.routing.listeners) {
    const taken = new Set<number>();
    prioritiesInUse.set(listenerArn, taken);
    await eachPage(
      'DescribeRules',
      (Marker) =>
        ctx.aws.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker, PageSize: 400 })),
      (page) => page.NextMarker,
      (page) => {
        for (const rule of page.Rules ?? []) {
          if (!rule.IsDefault && rule.Priority) taken.add(Number(rule.Priority));
          const id = routedInstanceIds(rule)[0];
          if (!id || !rule.RuleArn) continue;
          scanned.rules++;
          of(id).rules.push({ arn: rule.RuleArn, listenerArn });
        }
      },
    );
  }
  return prioritiesInUse;
}

/** Services named like ours, then described in batches of 10 (the API's limit) for status and counts. */
async function listServices(ctx: WorkerContext, of: ResourcesOf, scanned: Scanned): Promise<void> {
  const serviceArns: string[] = [];
  await eachPage(
    'ListServices',
    (nextToken) =>
      ctx.aws.ecs.send(
        new ListServicesCommand({ cluster: ctx.config.ECS_CLUSTER, maxResults: 100, nextToken }),
      ),
    (page) => page.nextToken,
    (page) => {
      for (const arn of page.serviceArns ?? []) {
        if (instanceIdFromName(arn.split('/').pop(), NAME_PREFIX)) serviceArns.push(arn);
      }
    },
  );
  for (let i = 0; i < serviceArns.length; i += 10) {
    const batch = serviceArns.slice(i, i + 10);
    const described = await awsValue('read', 'DescribeServices', () =>
      ctx.aws.ecs.send(new DescribeServicesCommand({ cluster: ctx.config.ECS_CLUSTER, services: batch })),
    );
    for (const svc of described.services ?? []) {
      const id = instanceIdFromName(svc.serviceName, NAME_PREFIX);
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
}
