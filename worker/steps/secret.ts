import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { resourceNames } from '../../shared/naming.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import { describeService } from '../aws/describe-service.js';
import { tasksStillWanted } from '../aws/service-tasks.js';
import { fatal, retryAfter } from '../errors/classified-error.js';
import { idempotencyToken } from '../saga/idempotency-token.js';
import { done, type Step, type StepContext } from './step.js';
import { upperTags } from './tags.js';

/**
 * Secret `openclaw/instances/<id>`: `{"ANTHROPIC_API_KEY", "OPENCLAW_GATEWAY_TOKEN"}`, opened from the
 * sealed credentials on the instance record. Once the secret exists Redis keeps no copy of either.
 *
 * Restored credentials (rotation n, after PUT .../credentials) take the same path with a token of their
 * own: the secret is created when gone, or, when it exists while sealed credentials wait, given them as a
 * new version (PutSecretValue; a secret scheduled for deletion is restored first). The token makes a
 * retry repeat the same version instead of adding another. The service step then redeploys, since ECS
 * reads a secret only when a task starts.
 */
export const secretStep: Step<'secret'> = {
  id: 'secret',

  async run(ctx, { instance, firstRun }) {
    const { secretName } = resourceNames(instance.id);
    const rotation = instance.credentialsRotation ?? 0;
    // Rotation 0 keeps the token every instance created before rotations existed was made with.
    const token = idempotencyToken(instance.id, rotation > 0 ? `secret:${rotation}` : 'secret');
    const existing = firstRun ? null : await findSecret(ctx, secretName, rotation > 0);
    if (existing) {
      if (rotation > 0 && (await ctx.store.sealedCredentials(instance.id))) {
        await putRotated(ctx, instance.id, existing, token);
        await ctx.note(`secret ${existing.arn}: restored credentials ${rotation} written`);
      }
      await ctx.store.dropSealedCredentials(instance.id);
      return done({ secretArn: existing.arn });
    }
    const secretString = await secretValue(ctx, instance.id);
    const created = await awsCall(
      'create',
      'CreateSecret',
      () =>
        ctx.aws.secrets.send(
          new CreateSecretCommand({
            Name: secretName,
            Description: `OpenClaw gateway credentials of instance ${instance.id}`,
            SecretString: secretString,
            // The same token on every retry: a repeated create of the same value answers like the first.
            ClientRequestToken: token,
            Tags: upperTags(instance.id),
          }),
        ),
      // A name freed by a forced delete is taken for a short while ("already scheduled for deletion",
      // the classifier's retry-after): look again at the polling cadence.
      { waitMs: ctx.config.PLACEMENT_POLL_MS },
    );
    const arn = created.ok
      ? created.value.ARN
      : (
          await awsValue('create', 'DescribeSecret', () =>
            ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName })),
          )
        ).ARN;
    if (!arn) throw fatal('NoSecretArn', `secret ${secretName} has no ARN`);
    await ctx.store.dropSealedCredentials(instance.id);
    await ctx.note(`secret ${arn} ${created.ok ? 'created' : 'found'}`);
    return done({ secretArn: arn });
  },

  /**
   * Runs right after the service's undo, before anything else: the credentials go as soon as nothing can
   * read them. ECS reads a secret only when a task's container starts, so that is once the service is no
   * longer ACTIVE (it starts no task again) and every task of it has been told to stop (desired STOPPED:
   * the agent starts no container of a stopping task). A task still RUNNING read its values at its start
   * and is unaffected. Until then the delete looks again shortly, without spending an attempt.
   */
  async undo(ctx, instance) {
    const { secretName, serviceName } = resourceNames(instance.id);
    const [service, wanted] = await Promise.all([
      describeService(ctx, serviceName),
      tasksStillWanted(ctx, serviceName),
    ]);
    if (service?.status === 'ACTIVE' || wanted.length > 0) {
      throw retryAfter(
        'SecretStillNeeded',
        service?.status === 'ACTIVE'
          ? `service ${serviceName} is still ACTIVE: a task it starts would read the secret`
          : `${wanted.length} task(s) of service ${serviceName} not yet told to stop`,
        ctx.config.PLACEMENT_POLL_MS,
      );
    }
    const deleted = await awsCall('delete', 'DeleteSecret', () =>
      // The user asked us to forget their key: no recovery window.
      ctx.aws.secrets.send(
        new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true }),
      ),
    );
    return deleted.ok ? 'deleted' : 'absent';
  },
};

/** The secret, or null when gone; one scheduled for deletion is waited out, unless restored credentials await. */
async function findSecret(
  ctx: StepContext,
  secretName: string,
  restoring: boolean,
): Promise<{ arn: string; scheduledForDeletion: boolean } | null> {
  const found = await awsCall('read', 'DescribeSecret', () =>
    ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName })),
  );
  if (!found.ok || !found.value.ARN) return null;
  const scheduledForDeletion = !!found.value.DeletedDate;
  if (scheduledForDeletion && !restoring) {
    // Deleted and not gone yet: a forced delete finishes "after a short delay" (AWS advises back off and
    // retry before re-creating the name). Bounded like every wait; a recovery window outlasts it and fails.
    // Restored credentials instead restore the secret and write themselves into it (putRotated).
    throw retryAfter(
      'SecretScheduledForDeletion',
      `secret ${secretName} is scheduled for deletion: waiting for the name to be free`,
      ctx.config.PLACEMENT_POLL_MS,
    );
  }
  return { arn: found.value.ARN, scheduledForDeletion };
}

/**
 * Writes restored credentials as the secret's current version. A retry after a crash sends the same
 * token and value, which AWS ignores: "If a version with this value already exists and that version's
 * SecretString or SecretBinary values are the same as those in the request then the request is
 * ignored. The operation is idempotent."
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html)
 */
async function putRotated(
  ctx: StepContext,
  instanceId: string,
  secret: { arn: string; scheduledForDeletion: boolean },
  token: string,
): Promise<void> {
  if (secret.scheduledForDeletion) {
    await awsValue('create', 'RestoreSecret', () =>
      ctx.aws.secrets.send(new RestoreSecretCommand({ SecretId: secret.arn })),
    );
  }
  const secretString = await secretValue(ctx, instanceId);
  await awsValue('create', 'PutSecretValue', () =>
    ctx.aws.secrets.send(
      new PutSecretValueCommand({
        SecretId: secret.arn,
        SecretString: secretString,
        ClientRequestToken: token,
      }),
    ),
  );
}

/** The secret's JSON. Errors name what is missing, never a value. */
async function secretValue(ctx: StepContext, instanceId: string): Promise<string> {
  const sealed = await ctx.store.sealedCredentials(instanceId);
  if (!sealed) {
    throw fatal(
      'CredentialsMissing',
      'no secret exists and the sealed credentials are gone: the instance must be created again',
    );
  }
  try {
    return JSON.stringify({
      ANTHROPIC_API_KEY: sealed.anthropicApiKey
        ? ctx.sealer.open(sealed.anthropicApiKey, instanceId)
        : ctx.config.DEFAULT_ANTHROPIC_API_KEY.reveal(),
      OPENCLAW_GATEWAY_TOKEN: ctx.sealer.open(sealed.gatewayToken, instanceId),
    });
  } catch (error) {
    throw fatal(
      'CredentialsUnreadable',
      'sealed credentials do not open with DATA_ENCRYPTION_KEY (was the key changed?)',
      { cause: error },
    );
  }
}
