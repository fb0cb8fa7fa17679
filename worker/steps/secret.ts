import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { FatalError } from '../../shared/errors/fatal-error.js';
import { RetryAfterError } from '../../shared/errors/retry-after-error.js';
import { resourceNames } from '../../shared/naming.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import { idempotencyToken } from '../saga/idempotency-token.js';
import { done, type Step, type StepContext } from './step.js';
import { upperTags } from './tags.js';

/**
 * Secret `openclaw/instances/<id>`: `{"ANTHROPIC_API_KEY", "OPENCLAW_GATEWAY_TOKEN"}`, opened from the
 * sealed credentials on the instance record. Once the secret exists Redis keeps no copy of either.
 */
export const secretStep: Step = {
  id: 'secret',

  async run(ctx, { instance, firstRun }) {
    const { secretName } = resourceNames(instance.id);
    const existing = firstRun ? null : await findSecret(ctx, secretName);
    if (existing) {
      await ctx.store.dropSealedCredentials(instance.id);
      return done({ secretArn: existing });
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
            ClientRequestToken: idempotencyToken(instance.id, 'secret'),
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
    if (!arn) throw new FatalError('NoSecretArn', `secret ${secretName} has no ARN`);
    await ctx.store.dropSealedCredentials(instance.id);
    await ctx.note(`secret ${arn} ${created.ok ? 'created' : 'found'}`);
    return done({ secretArn: arn });
  },

  async undo(ctx, instance) {
    const { secretName } = resourceNames(instance.id);
    const deleted = await awsCall('delete', 'DeleteSecret', () =>
      // The user asked us to forget their key: no recovery window.
      ctx.aws.secrets.send(
        new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true }),
      ),
    );
    return deleted.ok ? 'deleted' : 'absent';
  },
};

async function findSecret(ctx: StepContext, secretName: string): Promise<string | null> {
  const found = await awsCall('read', 'DescribeSecret', () =>
    ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName })),
  );
  if (!found.ok || !found.value.ARN) return null;
  if (found.value.DeletedDate) {
    // Deleted and not gone yet: a forced delete finishes "after a short delay" (AWS advises back off and
    // retry before re-creating the name). Bounded like every wait; a recovery window outlasts it and fails.
    throw new RetryAfterError(
      'SecretScheduledForDeletion',
      `secret ${secretName} is scheduled for deletion: waiting for the name to be free`,
      ctx.config.PLACEMENT_POLL_MS,
    );
  }
  return found.value.ARN;
}

/** The secret's JSON. Errors name what is missing, never a value. */
async function secretValue(ctx: StepContext, instanceId: string): Promise<string> {
  const sealed = await ctx.store.sealedCredentials(instanceId);
  if (!sealed) {
    throw new FatalError(
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
    throw new FatalError(
      'CredentialsUnreadable',
      'sealed credentials do not open with DATA_ENCRYPTION_KEY (was the key changed?)',
      { cause: error },
    );
  }
}
