import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import { idempotencyToken } from '../../worker/saga/idempotency-token.js';
import { failCreate } from '../support/instance-status.js';
import { jobRun, useSagaWorld } from './saga-bench.js';

/**
 * Every failure names the AWS operation that failed (an operator reads it off the instance's error), the
 * secret's tokens are the ones earlier releases sent, credentials restored onto a secret scheduled for
 * deletion restore it first, and the waits for a name still taken use the polling cadence.
 */
describe('saga failures name their operation; secret tokens and waits', () => {
  const w = useSagaWorld();

  const unsupported = (operation: string) => ({ rules: [{ operation, errorRate: 1, error: 'unsupported' }] });

  for (const [operation, step] of [
    ['secretsmanager:CreateSecret', 'secret'],
    ['ecs:RegisterTaskDefinition', 'task-definition'],
    ['elasticloadbalancing:CreateTargetGroup', 'target-group'],
    ['elasticloadbalancing:CreateRule', 'listener-rule'],
    ['ecs:CreateService', 'service'],
  ] as const) {
    it(`a create that fails at ${operation} says so in the instance's error`, async () => {
      const { id } = await w.submit();
      await w.inspect('faults', unsupported(operation));
      await expect(w.create(id)).rejects.toThrow();
      const name = operation.split(':')[1]!;
      expect((await w.store.get(id))!.error).toEqual({
        step,
        code: expect.stringMatching(/^(UnknownOperation|InvalidAction)$/),
        message: expect.stringMatching(new RegExp(`^${name}: \\S`)),
      });
    });
  }

  for (const [operation, step] of [
    ['ecs:UpdateService', 'service'],
    ['ecs:DeleteService', 'service'],
    ['secretsmanager:DeleteSecret', 'secret'],
    ['elasticloadbalancing:DeleteTargetGroup', 'target-group'],
  ] as const) {
    it(`a delete that fails at ${operation} says so in the instance's error`, async () => {
      const { id } = await w.submit();
      await w.createUntilDone(id);
      await w.inspect('faults', unsupported(operation));
      await expect(w.delete(id)).rejects.toThrow();
      const name = operation.split(':')[1]!;
      expect((await w.store.get(id))!.error).toEqual({
        step: 'delete',
        code: expect.stringMatching(/^(UnknownOperation|InvalidAction)$/),
        message: expect.stringMatching(new RegExp(`^${step}: ${name}: \\S`)),
      });
    });
  }

  it('a look-up that fails says which one: DescribeSecret on a retried create', async () => {
    const { id } = await w.submit();
    await failCreate(w.store, id);
    await w.inspect('faults', unsupported('secretsmanager:DescribeSecret'));
    await expect(w.create(id)).rejects.toThrow();
    expect((await w.store.get(id))!.error).toMatchObject({
      step: 'secret',
      message: expect.stringMatching(/^DescribeSecret: /),
    });
  });

  it('the secret is created with the token every release sent, and restored credentials with their own', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    expect(w.inputsOf('CreateSecret')[0]!.ClientRequestToken).toBe(idempotencyToken(id, 'secret'));
    const first = (await w.store.get(id))!;
    await w.store.markCredentialsLost(id, { instance: first, reason: 'gone' });
    // Scheduled for deletion meanwhile (a recovery window): restored credentials bring it back first.
    await w.ctx.aws.secrets.send(
      new DeleteSecretCommand({ SecretId: `openclaw/instances/${id}`, RecoveryWindowInDays: 7 }),
    );
    await w.store.restoreCredentials(id, { gatewayToken: w.sealer.seal('t2', id) });
    await w.resetCalls();
    const run = jobRun();
    await w.createUntilDone(id, run);
    const calls = await w.calls();
    expect(calls.slice(0, 3)).toEqual(['DescribeSecret', 'RestoreSecret', 'PutSecretValue']);
    expect(w.inputsOf('RestoreSecret')).toEqual([{ SecretId: first.steps.secret.output!.secretArn }]);
    expect(w.inputsOf('PutSecretValue')[0]!.ClientRequestToken).toBe(idempotencyToken(id, 'secret:1'));
    expect(run.notes).toContain(
      `secret ${first.steps.secret.output!.secretArn}: restored credentials 1 written`,
    );
  });

  it('a secret found on a retried create (made before a crash) is used as it is, not written again', async () => {
    const { id } = await w.submit();
    const value = JSON.stringify({ ANTHROPIC_API_KEY: 'k', OPENCLAW_GATEWAY_TOKEN: 't' });
    await w.ctx.aws.secrets.send(
      new CreateSecretCommand({ Name: `openclaw/instances/${id}`, SecretString: value }),
    );
    await failCreate(w.store, id);
    await w.resetCalls();
    expect(await w.create(id)).toMatchObject({ kind: 'wait' });
    const calls = await w.calls();
    expect(calls.filter((c) => /Secret/.test(c))).toEqual(['DescribeSecret']);
    expect(await w.store.sealedCredentials(id)).toBeNull();
  });

  it('a name still scheduled for deletion on a first create waits the polling interval', async () => {
    const { id } = await w.submit();
    const name = `openclaw/instances/${id}`;
    await w.ctx.aws.secrets.send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
    await w.ctx.aws.secrets.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    expect(await w.create(id)).toEqual({ kind: 'wait', afterMs: w.config.PLACEMENT_POLL_MS });
    expect((await w.store.get(id))!.steps.secret.lastError?.message).toMatch(/^CreateSecret: /);
  });

  it('a service of the same name still draining is waited for at the polling interval, then made again', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const cluster = w.config.ECS_CLUSTER;
    await w.ctx.aws.ecs.send(
      new UpdateServiceCommand({ cluster, service: `openclaw-${id}`, desiredCount: 0 }),
    );
    await w.ctx.aws.ecs.send(new DeleteServiceCommand({ cluster, service: `openclaw-${id}`, force: true }));
    for (const step of STEP_IDS)
      await w.store.recordStep(id, step, { state: 'pending', attempts: 0 }, 'degraded');
    await w.store.markDegraded(id, {
      instance: (await w.store.get(id))!,
      reason: 'service gone',
      fromStep: 'service',
    });
    const outcome = await w.create(id);
    expect(outcome).toEqual({ kind: 'wait', afterMs: w.config.PLACEMENT_POLL_MS });
    expect((await w.store.get(id))!.steps.service.lastError).toMatchObject({
      message: expect.stringMatching(/^CreateService: /),
    });
  });
});
