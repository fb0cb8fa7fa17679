import { randomUUID } from 'node:crypto';
import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import { bool, records, str, strList, tags } from '../input.js';
import { paginate } from '../pagination.js';
import { epoch } from '../protocol/json.js';
import type { Secret } from '../state.js';
import type { HandlerMap } from './handler.js';
import {
  addVersion,
  DAY,
  describe,
  find,
  held,
  lookup,
  markedForDeletion,
  matches,
  mergeTags,
  NAME,
  notFound,
  sameValue,
} from './secrets-manager-records.js';

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
