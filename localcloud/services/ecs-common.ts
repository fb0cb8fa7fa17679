import { lastSegment } from '../arns.js';
import { AwsError } from '../aws-error.js';
import { type Cloud, clusterArn } from '../cloud.js';
import { type Params, str, type Tag, tags } from '../input.js';
import type { Service, TaskDefinition } from '../state.js';

/** Lookups shared by the ECS operations. ECS takes a name or an ARN wherever it takes an id. */
export function requireCluster(cloud: Cloud, input: Params): void {
  const c = str(input, 'cluster') ?? 'default';
  if (c !== cloud.clusterName && c !== clusterArn(cloud)) {
    throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  }
}

export function findService(cloud: Cloud, idOrArn: string | undefined): Service | undefined {
  return idOrArn ? cloud.state.services.get(lastSegment(idOrArn)) : undefined;
}

/** `family`, `family:revision` or a full ARN; a bare family means its latest ACTIVE revision. */
export function findTaskDefinition(cloud: Cloud, ref: string | undefined): TaskDefinition | undefined {
  if (!ref) return undefined;
  const byArn = cloud.state.taskDefinitions.get(ref);
  if (byArn) return byArn;
  const short = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + 17) : ref;
  const [family, rev] = short.split(':');
  let latest: TaskDefinition | undefined;
  for (const td of cloud.state.taskDefinitions.values()) {
    if (td.family !== family) continue;
    if (rev !== undefined && td.revision === Number(rev)) return td;
    if (rev === undefined && td.status === 'ACTIVE' && (!latest || td.revision > latest.revision))
      latest = td;
  }
  return latest;
}

export const ecsTags = (input: Params, key = 'tags'): Tag[] => tags(input, key, 'key', 'value');
export const ecsTagsOut = (t: Tag[]) => t.map((x) => ({ key: x.key, value: x.value }));

export const includes = (input: Params, what: string): boolean =>
  Array.isArray(input.include) && (input.include as unknown[]).includes(what);

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of added) map.set(t.key, t.value);
  return [...map].map(([key, value]) => ({ key, value }));
}

export const missing = (arn: string) => ({ arn, reason: 'MISSING' });

/** The deployment id AWS shows: `ecs-svc/` and 19 digits. */
export function deploymentId(cloud: Cloud): string {
  let digits = String(1 + Math.floor(cloud.rng.next() * 9));
  for (let i = 0; i < 18; i++) digits += String(Math.floor(cloud.rng.next() * 10));
  return `ecs-svc/${digits}`;
}
