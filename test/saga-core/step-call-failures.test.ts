import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import { idempotencyToken, serviceTokenScope } from '../../worker/saga/idempotency-token.js';
import { runDelete } from '../../worker/saga/run-delete.js';
import { waitFor } from '../support/wait-for.js';
import { failsForGood, jobRun, useSagaWorld } from './saga-bench.js';

/**
 * The AWS calls of the secret and service steps that only their other paths make (a read-back after
 * ResourceExists, restored credentials, a drift repair): when one fails, the instance's error names it.
 * Also: a cluster that is gone counts as the service gone on a delete, and the service's token is the
 * documented derivation (instance, attempt start, parameters). The reads of placement, the task-definition
 * undo's calls and the undos' look-ups by name are named the same way when they fail.
 */
describe('secret and service steps: the calls of their other paths', () => {
  const w = useSagaWorld();

  const unsupported = (operation: string) => ({ rules: [{ operation, errorRate: 1, error: 'unsupported' }] });

  async function running() {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    return (await w.store.get(id))!;
  }

  /** Create attempts until one throws: the error the instance records is then the test's to read. */
  async function createUntilFailed(id: string) {
    const run = jobRun();
    await waitFor(
      () =>
        w.create(id, run).then(
          () => false,
          () => true,
        ),
      { what: `create of ${id} failing` },
    );
    return (await w.store.get(id))!;
  }

  it('a read-back after ResourceExists that fails names DescribeSecret', async () => {
    const { id } = await w.submit();
    w.before.set('CreateSecret', async () => {
      await w.ctx.aws.secrets.send(
        new CreateSecretCommand({ Name: `openclaw/instances/${id}`, SecretString: '{}' }),
      );
      await w.inspect('faults', unsupported('secretsmanager:DescribeSecret'));
    });
    const failed = await createUntilFailed(id);
    expect(failed.error).toMatchObject({
      step: 'secret',
      message: expect.stringMatching(/^DescribeSecret: \S/),
    });
  });

  async function restoring(scheduleDeletion: boolean) {
    const first = await running();
    await w.store.markCredentialsLost(first.id, { instance: first, reason: 'gone' });
    if (scheduleDeletion) {
      await w.ctx.aws.secrets.send(
        new DeleteSecretCommand({ SecretId: `openclaw/instances/${first.id}`, RecoveryWindowInDays: 7 }),
      );
    }
    await w.store.restoreCredentials(first.id, { gatewayToken: w.sealer.seal('t2', first.id) });
    return first;
  }

  it('restoring a secret scheduled for deletion that fails names RestoreSecret', async () => {
    const first = await restoring(true);
    await w.inspect('faults', unsupported('secretsmanager:RestoreSecret'));
    const failed = await createUntilFailed(first.id);
    expect(failed.error).toMatchObject({
      step: 'secret',
      message: expect.stringMatching(/^RestoreSecret: \S/),
    });
  });

  it('writing restored credentials that fails names PutSecretValue', async () => {
    const first = await restoring(false);
    await w.inspect('faults', unsupported('secretsmanager:PutSecretValue'));
    const failed = await createUntilFailed(first.id);
    expect(failed.error).toMatchObject({
      step: 'secret',
      message: expect.stringMatching(/^PutSecretValue: \S/),
    });
  });

  it('a drift repair whose UpdateService fails names it', async () => {
    const first = await running();
    const id = first.id;
    await w.ctx.aws.ecs.send(
      new UpdateServiceCommand({ cluster: w.config.ECS_CLUSTER, service: `openclaw-${id}`, desiredCount: 0 }),
    );
    for (const step of STEP_IDS)
      await w.store.recordStep(id, step, { state: 'pending', attempts: 0 }, 'degraded');
    await w.store.markDegraded(id, {
      instance: (await w.store.get(id))!,
      reason: 'drift',
      fromStep: 'secret',
    });
    await w.inspect('faults', unsupported('ecs:UpdateService'));
    const failed = await createUntilFailed(id);
    expect(failed.error).toMatchObject({
      step: 'service',
      message: expect.stringMatching(/^UpdateService: \S/),
    });
  });

  it('on a delete, a cluster that is gone (ClusterNotFound) counts as the service gone', async () => {
    const first = await running();
    const missing = { ...w.ctx, config: { ...w.config, ECS_CLUSTER: 'cluster-that-is-gone' } };
    await expect(runDelete(missing, jobRun(), first.id)).rejects.toThrow();
    // The service's undo took the cluster's absence for the service's; the secret's look at the service
    // (is anything still able to read it?) is where the delete stops, not at UpdateService.
    expect((await w.store.get(first.id))!.error).toMatchObject({
      step: 'delete',
      message: expect.stringMatching(/^secret: DescribeServices: /),
    });
  });

  it("the service's token derives from the instance, the step's start and the parameters sent", async () => {
    const first = await running();
    const [{ clientToken, ...parameters }] = w.inputsOf('CreateService') as [Record<string, unknown>];
    const scope = serviceTokenScope(first.steps.service.startedAt, parameters);
    expect(clientToken).toBe(idempotencyToken(first.id, 'service', scope));
  });

  // Placement's reads (ListTasks, DescribeTasks and DescribeTargetHealth once a task runs,
  // DescribeContainerInstances when it is healthy): the instance's error names the one that failed.
  for (const operation of [
    'ListTasks',
    'DescribeTasks',
    'DescribeTargetHealth',
    'DescribeContainerInstances',
  ]) {
    it(`a placement whose ${operation} fails names it`, async () => {
      const { id } = await w.submit();
      const service = operation === 'DescribeTargetHealth' ? 'elasticloadbalancing' : 'ecs';
      await w.inspect('faults', unsupported(`${service}:${operation}`));
      const failed = await createUntilFailed(id);
      expect(failed.error).toMatchObject({
        step: 'placement',
        message: expect.stringMatching(new RegExp(`^${operation}: \\S`)),
      });
    });
  }

  it('a retried task-definition step whose DescribeTaskDefinition fails names it', async () => {
    const { id } = await w.submit();
    await w.store.recordStep(
      id,
      'secret',
      { state: 'running', startedAt: new Date().toISOString(), attempts: 1 },
      'queued',
    );
    await w.inspect('faults', unsupported('ecs:DescribeTaskDefinition'));
    const failed = await createUntilFailed(id);
    expect(failed.error).toMatchObject({
      step: 'task-definition',
      message: expect.stringMatching(/^DescribeTaskDefinition: \S/),
    });
  });

  for (const operation of ['DeregisterTaskDefinition', 'ListTaskDefinitions', 'DeleteTaskDefinitions']) {
    it(`a delete whose ${operation} fails leaves the revisions, naming it`, async () => {
      const first = await running();
      await w.inspect('faults', unsupported(`ecs:${operation}`));
      const outcome = await w.delete(first.id);
      expect(outcome).toMatchObject({ kind: 'done', value: { leftovers: 1 } });
      const [left] = (await w.store.pendingLeftovers()).get(first.id)!;
      expect(left?.message).toMatch(new RegExp(`^${operation}: \\S`));
    });
  }

  it('a rule found on the listener whose DeleteRule fails names it', async () => {
    const first = await running();
    const { output: _output, ...withoutOutput } = first.steps['listener-rule'];
    await w.store.recordStep(first.id, 'listener-rule', withoutOutput, 'running');
    await w.inspect('faults', unsupported('elasticloadbalancing:DeleteRule'));
    await expect(w.delete(first.id)).rejects.toThrow();
    expect((await w.store.get(first.id))!.error?.message).toMatch(/^listener-rule: DeleteRule: \S/);
  });

  it('a target group looked up by name whose DescribeTargetGroups fails names it', async () => {
    const first = await running();
    const { output: _output, ...withoutOutput } = first.steps['target-group'];
    await w.store.recordStep(first.id, 'target-group', withoutOutput, 'running');
    await w.inspect('faults', unsupported('elasticloadbalancing:DescribeTargetGroups'));
    await expect(w.delete(first.id)).rejects.toThrow();
    expect((await w.store.get(first.id))!.error?.message).toMatch(/^target-group: DescribeTargetGroups: \S/);
  });
  // An endpoint that answers a create without the new resource's ARN (no AWS answer does): the instance
  // fails for good saying so, instead of checkpointing a step with nothing to undo or build on.
  for (const [operation, field, step, code] of [
    ['secretsmanager:CreateSecret', 'ARN', 'secret', 'NoSecretArn'],
    ['ecs:RegisterTaskDefinition', 'taskDefinitionArn', 'task-definition', 'NoTaskDefinitionArn'],
    ['ecs:CreateService', 'serviceArn', 'service', 'NoServiceArn'],
  ] as const) {
    it(`a ${operation.split(':')[1]} answered without ${field} fails the instance with ${code}`, async () => {
      const { id } = await w.submit();
      await w.inspect('faults', { rules: [{ operation, omitFields: [field] }] });
      await expect(w.createUntilDone(id)).rejects.toEqual(failsForGood(step, code));
      const record = (await w.store.get(id))!;
      expect(record.status).toBe('failed');
      expect(record.error).toMatchObject({ step, code });
      expect(record.steps[step].output).toBeUndefined();
    });
  }
});
