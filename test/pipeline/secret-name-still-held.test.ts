import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { INSTANCE_TAG, resourceNames } from '../../shared/naming.js';
import { waitFor } from '../reconciler/harness.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

/**
 * Secrets Manager deletes a secret "with an asynchronous background process, so there might be a short
 * delay" before its name can be used again; a create meanwhile fails ("already scheduled for deletion").
 * The create saga waits that out (a retry-after, no attempt spent) instead of failing the instance.
 */
describe('create: the secret name is still held by a secret just force-deleted', () => {
  let p: Pipeline;
  let aws: ReturnType<typeof makeAwsClients>;
  beforeAll(async () => {
    p = await startPipeline({ noWorker: true });
    aws = makeAwsClients(p.config);
  });
  afterAll(async () => {
    aws?.destroy();
    await p?.close();
  });

  it('waits for the name, then creates the secret and runs', async () => {
    const { id } = await p.submit('quick-recreate');
    const { secretName } = resourceNames(id);
    // A secret of that name deleted just now: its deletion holds the name until the test lets it go.
    await aws.secrets.send(new CreateSecretCommand({ Name: secretName, SecretString: '{"old":"value"}' }));
    await p.inspect('timing', { secretForceDeleteMs: 600_000 });
    await aws.secrets.send(
      new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true }),
    );

    await p.startWorker();
    await waitFor(
      async () =>
        p.logLines.some(
          (l) => l.includes(id) && l.includes('step waits') && l.includes('scheduled for deletion'),
        ),
      20_000,
      'the secret step to wait for the name',
    );
    expect((await p.store.get(id))?.status).toBe('provisioning');

    // The background deletion finishes.
    await p.inspect('timing', { secretForceDeleteMs: 0 });
    await aws.secrets.send(
      new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true }),
    );
    await p.inspect('timing', { secretForceDeleteMs: null });

    const [running] = await p.waitForStatus([id], ['running'], 30_000);
    expect(running!.error).toBeNull();
    const secret = await aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName }));
    expect(secret.DeletedDate).toBeUndefined();
    expect(secret.Tags).toContainEqual({ Key: INSTANCE_TAG, Value: id });
    expect(running!.steps.secret.output?.secretArn).toBe(secret.ARN);
  });
});
