import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { type Params, str, type Tag } from '../input.js';
import { epoch } from '../protocol/json.js';
import type { Secret, SecretVersion } from '../state.js';

/** Secrets Manager's records as the handlers read them: lookup by name or ARN, versions and stages, views. */
export const DAY = 86_400_000;
export const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
export const markedForDeletion = () =>
  new AwsError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

/** The secret still held, or undefined once its deletion is done (purged here, on first sight). */
export function held(cloud: Cloud, s: Secret | undefined): Secret | undefined {
  if (s?.deletionDate === undefined || s.deletionDate > cloud.clock.now()) return s;
  cloud.state.secrets.delete(s.name);
  return undefined;
}

/** SecretId is a name, a full ARN, or a partial ARN (without the random suffix). */
export function lookup(cloud: Cloud, id: string | undefined): Secret | undefined {
  if (!id) throw new AwsError('InvalidParameterException', 'SecretId is required.');
  const byName = held(cloud, cloud.state.secrets.get(id));
  if (byName) return byName;
  for (const s of cloud.state.secrets.values()) {
    if (s.arn === id || s.arn.slice(0, -7) === id) return held(cloud, s);
  }
  return undefined;
}

export function find(cloud: Cloud, id: string | undefined): Secret {
  const s = lookup(cloud, id);
  if (!s) throw notFound();
  return s;
}

export function stagesOf(s: Secret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of s.versions.values()) if (v.stages.length > 0) out[v.id] = v.stages;
  return out;
}

/** Adds a version and moves AWSCURRENT to it (the old current becomes AWSPREVIOUS). */
export function addVersion(cloud: Cloud, s: Secret, id: string, input: Params): SecretVersion {
  const now = cloud.clock.now();
  for (const v of s.versions.values()) {
    v.stages = v.stages.filter((st) => st !== 'AWSPREVIOUS');
    if (v.stages.includes('AWSCURRENT'))
      v.stages = [...v.stages.filter((st) => st !== 'AWSCURRENT'), 'AWSPREVIOUS'];
  }
  for (const [vid, v] of s.versions) if (v.stages.length === 0) s.versions.delete(vid);
  const version: SecretVersion = {
    id,
    string: str(input, 'SecretString'),
    binary: str(input, 'SecretBinary'),
    stages: ['AWSCURRENT'],
    createdAt: now,
  };
  s.versions.set(id, version);
  s.lastChangedAt = now;
  return version;
}

export const sameValue = (v: SecretVersion, input: Params): boolean =>
  v.string === str(input, 'SecretString') && v.binary === str(input, 'SecretBinary');

export const tagsOut = (t: Tag[]) => t.map((x) => ({ Key: x.key, Value: x.value }));

/** Metadata only: Describe and List never carry the secret value. */
export function describe(s: Secret): Record<string, unknown> {
  return {
    ARN: s.arn,
    Name: s.name,
    Description: s.description,
    KmsKeyId: s.kmsKeyId,
    RotationEnabled: false,
    LastChangedDate: epoch(s.lastChangedAt),
    LastAccessedDate: epoch(s.lastAccessedAt),
    DeletedDate: epoch(s.deletedAt),
    Tags: tagsOut(s.tags),
    VersionIdsToStages: stagesOf(s),
    CreatedDate: epoch(s.createdAt),
  };
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of added) map.set(t.key, t.value);
  return [...map].map(([key, value]) => ({ key, value }));
}

/** ListSecrets filters match by prefix; a value starting with `!` negates. */
export function matches(s: Secret, key: string, values: string[]): boolean {
  return values.some((raw) => {
    const negate = raw.startsWith('!');
    const v = negate ? raw.slice(1) : raw;
    const fields =
      key === 'name'
        ? [s.name]
        : key === 'tag-key'
          ? s.tags.map((t) => t.key)
          : key === 'tag-value'
            ? s.tags.map((t) => t.value)
            : key === 'description'
              ? [s.description ?? '']
              : [s.name, s.description ?? '', ...s.tags.flatMap((t) => [t.key, t.value])];
    const hit = fields.some((f) => f.startsWith(v));
    return negate ? !hit : hit;
  });
}

/** Secrets past their recovery window are gone for good. */
export function purgeExpiredSecrets(cloud: Cloud): void {
  const now = cloud.clock.now();
  for (const [name, s] of cloud.state.secrets)
    if (s.deletionDate !== undefined && s.deletionDate <= now) cloud.state.secrets.delete(name);
}
