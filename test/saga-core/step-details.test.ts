import {
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateRuleCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import { failsForGood, jobRun, NEVER_HEALTHY_IMAGE, useSagaWorld } from './saga-bench.js';

/**
 * What single steps do beyond the first run: restored credentials written as a new secret version and a
 * revision of their own, a service converged back to one task, a rule priority taken by someone else,
 * placement's deadline, and credentials that cannot be read.
 */
describe('create saga: steps in their other paths', () => {
  const w = useSagaWorld();

  async function running() {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    return (await w.store.get(id))!;
  }

  it('restored credentials: a new secret version with its own token, a revision of their own, a redeploy', async () => {
    const first = await running();
    const id = first.id;
    await w.store.markCredentialsLost(id, { instance: first, reason: 'gone' });
    const createToken = w.inputsOf('CreateSecret')[0]!.ClientRequestToken;
    const token = 'restored-gateway-token';
    await w.store.restoreCredentials(id, {
      gatewayToken: w.sealer.seal(token, id),
      anthropicApiKey: w.sealer.seal('sk-ant-restored', id),
    });
    await w.resetCalls();
    const run = jobRun();
    await w.createUntilDone(id, run);
    const calls = await w.calls();
    expect(calls.filter((c) => /^(Create|Register|Put|Update|Restore)/.test(c))).toEqual([
      'PutSecretValue',
      'RegisterTaskDefinition',
      'UpdateService',
    ]);
    const [put] = w.inputsOf('PutSecretValue');
    expect(put).toEqual({
      SecretId: first.steps.secret.output!.secretArn,
      SecretString: JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-restored', OPENCLAW_GATEWAY_TOKEN: token }),
      ClientRequestToken: expect.any(String),
    });
    expect(put!.ClientRequestToken).not.toBe(createToken);
    const container = (
      w.inputsOf('RegisterTaskDefinition')[0]!.containerDefinitions as { environment: unknown[] }[]
    )[0]!;
    expect(container.environment).toContainEqual({ name: 'OPENCLAW_CREDENTIALS_ROTATION', value: '1' });
    const after = (await w.store.get(id))!;
    expect(after.status).toBe('running');
    expect(after.steps['task-definition'].output!.taskDefinitionArn).toMatch(/:2$/);
    expect(w.inputsOf('UpdateService')).toEqual([
      {
        cluster: w.config.ECS_CLUSTER,
        service: `openclaw-${id}`,
        taskDefinition: after.steps['task-definition'].output!.taskDefinitionArn,
        desiredCount: 1,
      },
    ]);
    // Placement waited for a task of the new revision: the old one ran on with the old credentials.
    const { tasks } = await w.ctx.aws.ecs.send(
      new DescribeTasksCommand({
        cluster: w.config.ECS_CLUSTER,
        tasks: [after.steps.placement.output!.taskArn!],
      }),
    );
    expect(tasks?.[0]?.taskDefinitionArn).toBe(after.steps['task-definition'].output!.taskDefinitionArn);
    expect(run.notes).toContain(
      `service ${first.steps.service.output!.serviceArn} set to task definition ${after.steps['task-definition'].output!.taskDefinitionArn}`,
    );
    expect(await w.store.sealedCredentials(id)).toBeNull();
    const secret = await w.ctx.aws.secrets.send(
      new GetSecretValueCommand({ SecretId: `openclaw/instances/${id}` }),
    );
    expect(JSON.parse(secret.SecretString!).OPENCLAW_GATEWAY_TOKEN).toBe(token);
  });

  it('a repair brings a service scaled down by hand back to one task', async () => {
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
    await w.resetCalls();
    const run = jobRun();
    await w.createUntilDone(id, run);
    expect(w.inputsOf('UpdateService')).toEqual([
      {
        cluster: w.config.ECS_CLUSTER,
        service: `openclaw-${id}`,
        taskDefinition: first.steps['task-definition'].output!.taskDefinitionArn,
        desiredCount: 1,
      },
    ]);
    expect(run.notes).toContain(
      `service ${first.steps.service.output!.serviceArn} set to desired count 1 (was 0)`,
    );
    expect((await w.store.get(id))!.steps.service.output).toEqual(first.steps.service.output);
  });

  it('a repair of a service moved to another revision and scaled down by hand sets both back at once', async () => {
    const first = await running();
    const id = first.id;
    const cluster = w.config.ECS_CLUSTER;
    const input = w.inputsOf('RegisterTaskDefinition')[0] as unknown as RegisterTaskDefinitionCommandInput;
    const other = (await w.ctx.aws.ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition!;
    await w.ctx.aws.ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: `openclaw-${id}`,
        taskDefinition: other.taskDefinitionArn,
        desiredCount: 0,
      }),
    );
    await w.ctx.aws.ecs.send(
      new DeregisterTaskDefinitionCommand({ taskDefinition: other.taskDefinitionArn }),
    );
    for (const step of STEP_IDS)
      await w.store.recordStep(id, step, { state: 'pending', attempts: 0 }, 'degraded');
    await w.store.markDegraded(id, {
      instance: (await w.store.get(id))!,
      reason: 'drift',
      fromStep: 'secret',
    });
    const run = jobRun();
    await w.createUntilDone(id, run);
    const revision = first.steps['task-definition'].output!.taskDefinitionArn;
    expect(run.notes).toContain(
      `service ${first.steps.service.output!.serviceArn} set to task definition ${revision}, desired count 1 (was 0)`,
    );
  });

  it('a rule priority taken by someone else blocks that slot and moves the instance to the next', async () => {
    const { id } = await w.submit();
    const record = (await w.store.get(id))!;
    const other = await w.ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({}));
    const foreignGroup = other.TargetGroups?.[0]?.TargetGroupArn;
    w.before.set('CreateRule', async () => {
      // Someone else's rule takes this instance's priority just before its CreateRule.
      await w.ctx.aws.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: record.listenerArn,
          Priority: 1000 + record.routingSlot,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/someone-else/*'] } }],
          Actions: foreignGroup
            ? [{ Type: 'forward', TargetGroupArn: foreignGroup }]
            : [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
    });
    const run = jobRun();
    await w.createUntilDone(id, run);
    const priorities = w.inputsOf('CreateRule').map((i) => i.Priority);
    expect(priorities[0]).toBe(1000 + record.routingSlot);
    expect(priorities.at(-1)).not.toBe(1000 + record.routingSlot);
    const after = (await w.store.get(id))!;
    expect(after.routingSlot).not.toBe(record.routingSlot);
    expect(after.steps['listener-rule'].output!.priority).toBe(String(priorities.at(-1)));
    expect(String(priorities.at(-1))).toBe(String(1000 + after.routingSlot));
    expect(await w.store.blockedSlots(record.listenerArn)).toEqual([record.routingSlot]);
    expect(
      run.notes.some((n) =>
        n.startsWith(`priority ${1000 + record.routingSlot} in use on the listener: moved to slot `),
      ),
    ).toBe(true);
  });

  it('placement past its deadline fails the instance with the last thing it saw', async () => {
    await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
    const { id } = await w.submit();
    // Run until placement waits for its task, then cross the deadline on the injected clock.
    let outcome = await w.create(id);
    while (outcome.kind === 'wait' && (await w.store.get(id))!.currentStep !== 'placement')
      outcome = await w.create(id);
    expect(outcome.kind).toBe('wait');
    const waiting = (await w.store.get(id))!.steps.placement;
    expect(waiting.state).toBe('waiting');
    expect(Object.keys(waiting.output ?? {}).sort()).toEqual(['lastEvent', 'state', 'waitedForCapacity']);
    w.clock.offsetMs = w.config.PLACEMENT_DEADLINE_MS + 1_000;
    await expect(w.create(id)).rejects.toEqual(failsForGood('placement', 'PlacementTimeout'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'placement',
      code: 'PlacementTimeout',
      message: expect.stringMatching(/^no healthy task after 6\d s \(task [a-zA-Z]+/),
    });
  });

  it('without a secret and without sealed credentials the create fails at once: nothing to write', async () => {
    const { id } = await w.submit();
    await w.store.dropSealedCredentials(id);
    await expect(w.create(id)).rejects.toEqual(failsForGood('secret', 'CredentialsMissing'));
    expect((await w.store.get(id))!.error?.message).toBe(
      'no secret exists and the sealed credentials are gone: the instance must be created again',
    );
    expect(await w.calls()).toEqual([]);
    expect((await w.store.get(id))!.status).toBe('failed');
  });

  it('sealed credentials that do not open with the key fail the create, naming no value', async () => {
    const { id } = await w.submit();
    // A record whose sealed value no key opens (sealed under another key, or damaged).
    await w.ctx.redis.hset(w.store.keys.instance(id), 'sealed:gatewayToken', 'not-a-sealed-value');
    const error = await w.create(id).catch((e: Error) => e);
    expect(error).toEqual(failsForGood('secret', 'CredentialsUnreadable'));
    // The sealer's own error stays reachable as the cause (for the worker's log), never in the message.
    expect(((error as Error).cause as Error).cause).toBeInstanceOf(Error);
    expect((await w.store.get(id))!.error).toEqual({
      step: 'secret',
      code: 'CredentialsUnreadable',
      message: 'sealed credentials do not open with DATA_ENCRYPTION_KEY (was the key changed?)',
    });
  });

  it('a delete after the secret was removed by hand: the rest is still undone', async () => {
    const first = await running();
    await w.ctx.aws.secrets.send(
      new DeleteSecretCommand({
        SecretId: `openclaw/instances/${first.id}`,
        ForceDeleteWithoutRecovery: true,
      }),
    );
    expect(await w.delete(first.id)).toMatchObject({ kind: 'done', value: { status: 'deleted' } });
  });
});
