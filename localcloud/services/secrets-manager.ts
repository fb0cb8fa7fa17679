import { randomUUID } from 'node:crypto';
import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { bool, type Params, records, str, strList, type Tag, tags } from '../input.js';
import { paginate } from '../pagination.js';
import { epoch } from '../protocol/json.js';
import type { Secret, SecretVersion } from '../state.js';
import type { HandlerMap } from './handler.js';

const DAY = 86_400_000;
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const markedForDeletion = () =>
  new AwsError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

/** The secret still held, or undefined once its deletion is done (purged here, on first sight). */
function held(cloud: Cloud, s: Secret | undefined): Secret | undefined {
  if (s?.deletionDate === undefined || s.deletionDate > cloud.clock.now()) return s;
  cloud.state.secrets.delete(s.name);
  return undefined;
}

/** SecretId is a name, a full ARN, or a partial ARN (without the random suffix). */
function lookup(cloud: Cloud, id: string | undefined): Secret | undefined {
  if (!id) throw new AwsError('InvalidParameterException', 'SecretId is required.');
  const byName = held(cloud, cloud.state.secrets.get(id));
  if (byName) return byName;
  for (const s of cloud.state.secrets.values()) {
    if (s.arn === id || s.arn.slice(0, -7) === id) return held(cloud, s);
  }
  return undefined;
}

function find(cloud: Cloud, id: string | undefined): Secret {
  const s = lookup(cloud, id);
  if (!s) throw notFound();
  return s;
}

function stagesOf(s: Secret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of s.versions.values()) if (v.stages.length > 0) out[v.id] = v.stages;
  return out;
}

/** Adds a version and moves AWSCURRENT to it (the old current becomes AWSPREVIOUS). */
function addVersion(cloud: Cloud, s: Secret, id: string, input: Params): SecretVersion {
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

const sameValue = (v: SecretVersion, input: Params): boolean =>
  v.string === str(input, 'SecretString') && v.binary === str(input, 'SecretBinary');

const tagsOut = (t: Tag[]) => t.map((x) => ({ Key: x.key, Value: x.value }));

/** Metadata only: Describe and List never carry the secret value. */
function describe(s: Secret): Record<string, unknown> {
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

function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of added) map.set(t.key, t.value);
  return [...map].map(([key, value]) => ({ key, value }));
}

/** ListSecrets filters match by prefix; a value starting with `!` negates. */
function matches(s: Secret, key: string, values: string[]): boolean {
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

export const secretsManager: HandlerMap = {
  CreateSecret(cloud, input) {
    const name = str(input, 'Name');
    if (!name || !NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    if (str(input, 'SecretString') !== undefined && str(input, 'SecretBinary') !== undefined) {
      throw new AwsError(
        'InvalidParameterException',
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    }
    const token = str(input, 'ClientRequestToken') ?? randomUUID();
    const existing = held(cloud, cloud.state.secrets.get(name));
    if (existing) {
      if (existing.deletedAt !== undefined) {
        throw new AwsError(
          'InvalidRequestException',
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      const v = existing.versions.get(token);
      // Same token and same value: the retry of a create that already succeeded.
      if (v && sameValue(v, input)) return { ARN: existing.arn, Name: existing.name, VersionId: v.id };
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const now = cloud.clock.now();
    const secret: Secret = {
      arn: arns.secret(cloud.account, name, cloud.rng.alnum(6)),
      name,
      description: str(input, 'Description'),
      kmsKeyId: str(input, 'KmsKeyId'),
      versions: new Map(),
      tags: tags(input, 'Tags'),
      createdAt: now,
      lastChangedAt: now,
    };
    cloud.state.secrets.set(name, secret);
    const hasValue = str(input, 'SecretString') !== undefined || str(input, 'SecretBinary') !== undefined;
    if (hasValue) addVersion(cloud, secret, token, input);
    return { ARN: secret.arn, Name: secret.name, VersionId: hasValue ? token : undefined };
  },

  DescribeSecret(cloud, input) {
    return describe(find(cloud, str(input, 'SecretId')));
  },

  GetSecretValue(cloud, input) {
    const s = find(cloud, str(input, 'SecretId'));
    if (s.deletedAt !== undefined) throw markedForDeletion();
    const versionId = str(input, 'VersionId');
    const stage = str(input, 'VersionStage') ?? (versionId ? undefined : 'AWSCURRENT');
    const v = versionId
      ? s.versions.get(versionId)
      : [...s.versions.values()].find((x) => stage !== undefined && x.stages.includes(stage));
    if (!v || (stage && !v.stages.includes(stage))) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${stage ?? 'AWSCURRENT'}`,
      );
    }
    s.lastAccessedAt = Math.floor(cloud.clock.now() / DAY) * DAY;
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: v.id,
      SecretString: v.string,
      SecretBinary: v.binary,
      VersionStages: v.stages,
      CreatedDate: epoch(v.createdAt),
    };
  },

  PutSecretValue(cloud, input) {
    const s = find(cloud, str(input, 'SecretId'));
    if (s.deletedAt !== undefined) throw markedForDeletion();
    if (str(input, 'SecretString') === undefined && str(input, 'SecretBinary') === undefined) {
      throw new AwsError(
        'InvalidParameterException',
        'You must provide either SecretString or SecretBinary.',
      );
    }
    const token = str(input, 'ClientRequestToken') ?? randomUUID();
    const existing = s.versions.get(token);
    if (existing) {
      if (!sameValue(existing, input)) {
        throw new AwsError(
          'ResourceExistsException',
          `A version with VersionId ${token} already exists with a different value.`,
        );
      }
      return { ARN: s.arn, Name: s.name, VersionId: existing.id, VersionStages: existing.stages };
    }
    const v = addVersion(cloud, s, token, input);
    return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: v.stages };
  },

  DeleteSecret(cloud, input) {
    const id = str(input, 'SecretId');
    const force = bool(input, 'ForceDeleteWithoutRecovery') === true;
    const s = force ? lookup(cloud, id) : find(cloud, id);
    const windowDays =
      input.RecoveryWindowInDays === undefined ? undefined : Number(input.RecoveryWindowInDays);
    if (force && windowDays !== undefined) {
      throw new AwsError(
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    if (windowDays !== undefined && !(windowDays >= 7 && windowDays <= 30)) {
      throw new AwsError(
        'InvalidParameterException',
        'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      );
    }
    const now = cloud.clock.now();
    if (force) {
      // A forced delete of a missing secret succeeds ("does not return ResourceNotFoundException"), and
      // the name stays taken for a short delay while the deletion finishes in the background.
      if (!s)
        return id?.startsWith('arn:')
          ? { ARN: id, DeletionDate: epoch(now) }
          : { Name: id, DeletionDate: epoch(now) };
      s.deletedAt ??= now;
      s.deletionDate = Math.min(
        s.deletionDate ?? Number.POSITIVE_INFINITY,
        now + cloud.timing.secretForceDeleteMs,
      );
      return { ARN: s.arn, Name: s.name, DeletionDate: epoch(now) };
    }
    if (!s) throw notFound();
    if (s.deletedAt !== undefined) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was already scheduled for deletion.",
      );
    }
    s.deletedAt = now;
    s.deletionDate = now + (windowDays ?? 30) * DAY;
    return { ARN: s.arn, Name: s.name, DeletionDate: epoch(s.deletionDate) };
  },

  RestoreSecret(cloud, input) {
    const s = find(cloud, str(input, 'SecretId'));
    s.deletedAt = undefined;
    s.deletionDate = undefined;
    return { ARN: s.arn, Name: s.name };
  },

  ListSecrets(cloud, input) {
    const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    if (!(max >= 1 && max <= 100))
      throw new AwsError('InvalidParameterException', 'MaxResults must be between 1 and 100.');
    const includeDeleted = bool(input, 'IncludePlannedDeletion') === true;
    const filters = records(input, 'Filters').map((f) => ({
      key: str(f, 'Key') ?? '',
      values: strList(f, 'Values'),
    }));
    const all = [...cloud.state.secrets.values()]
      .filter((s) => held(cloud, s) && (includeDeleted || s.deletedAt === undefined))
      .filter((s) => filters.every((f) => matches(s, f.key, f.values)))
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
    const page = paginate(
      all,
      str(input, 'NextToken'),
      max,
      'secrets',
      () => new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.'),
    );
    return {
      SecretList: page.items.map((s) => {
        const { VersionIdsToStages, ...rest } = describe(s);
        return { ...rest, SecretVersionsToStages: VersionIdsToStages };
      }),
      NextToken: page.next,
    };
  },

  TagResource(cloud, input) {
    const s = find(cloud, str(input, 'SecretId'));
    s.tags = mergeTags(s.tags, tags(input, 'Tags'));
    return {};
  },

  UntagResource(cloud, input) {
    const s = find(cloud, str(input, 'SecretId'));
    const keys = new Set(strList(input, 'TagKeys'));
    s.tags = s.tags.filter((t) => !keys.has(t.key));
    return {};
  },
};

/** Secrets past their recovery window are gone for good. */
export function purgeExpiredSecrets(cloud: Cloud): void {
  const now = cloud.clock.now();
  for (const [name, s] of cloud.state.secrets)
    if (s.deletionDate !== undefined && s.deletionDate <= now) cloud.state.secrets.delete(name);
}
