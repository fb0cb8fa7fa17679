import {
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DescribeServicesCommand,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import { failCreate } from '../support/instance-status.js';
import { jobRun, useSagaWorld } from './saga-bench.js';

const CREATES = /^(Create|Register|Put|Restore)/;

/**
 * Look-first reuse and resumption: a run that is not an instance's first finds what earlier runs made by
 * name and makes nothing twice; a retry resumes at the first step not done; a resource made by someone
 * else meanwhile ("already exists") is read back and used.
 */
describe('create saga, resumed and repeated runs', () => {
  const w = useSagaWorld();

  it('a repair of every step finds each resource by name and creates nothing', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const first = (await w.store.get(id))!;
    // The reconciler's repair: steps reset to pending, the instance degraded.
    for (const step of STEP_IDS)
      await w.store.recordStep(id, step, { state: 'pending', attempts: 0 }, 'degraded');
    expect(
      (await w.store.markDegraded(id, { instance: first, reason: 'drift', fromStep: 'secret' })).ok,
    ).toBe(true);
    await w.resetCalls();

    const run = jobRun();
    await w.createUntilDone(id, run);
    const calls = await w.calls();
    expect(calls.filter((c) => CREATES.test(c))).toEqual([]);
    expect(run.notes).toContain(`service ${first.steps.service.output!.serviceArn} found`);
    expect(run.notes).toContain(`target group ${first.steps['target-group'].output!.targetGroupArn} found`);
    expect(run.notes).toContain(
      `task definition ${first.steps['task-definition'].output!.taskDefinitionArn} found`,
    );
    const rule = first.steps['listener-rule'].output!;
    expect(run.notes).toContain(`listener rule ${rule.ruleArn} found at priority ${rule.priority}`);
    expect(calls.slice(0, 2)).toEqual(['DescribeSecret', 'DescribeTaskDefinition']);
    expect(calls).toContain('DescribeTargetGroups');
    expect(calls).toContain('DescribeRules');
    const again = (await w.store.get(id))!;
    expect(again.status).toBe('running');
    for (const step of ['secret', 'task-definition', 'target-group', 'listener-rule', 'service'] as const) {
      expect(again.steps[step].output, step).toEqual(first.steps[step].output);
    }
  });

  it('a partial repair (steps from the service on reset) resumes at the service, keeping the rest', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const first = (await w.store.get(id))!;
    for (const step of ['service', 'placement', 'reachable'] as const)
      await w.store.recordStep(id, step, { state: 'pending', attempts: 0 }, 'degraded');
    await w.store.markDegraded(id, { instance: first, reason: 'service drift', fromStep: 'service' });
    await w.resetCalls();
    const run = jobRun();
    await w.createUntilDone(id, run);
    const calls = await w.calls();
    expect(calls[0]).toBe('DescribeServices');
    // Nothing before the service is looked at again.
    expect(calls.filter((c) => /Secret$|TaskDefinition$|TargetGroups$|Rules$/.test(c))).toEqual([]);
    expect(run.logs.find((l) => l.msg === 'create started')).toMatchObject({ from: 'degraded' });
    expect(run.logs.at(-1)).toMatchObject({
      msg: 'instance running',
      placement: { taskArn: expect.stringContaining(':task/') },
    });
    expect((await w.store.get(id))!.status).toBe('running');
  });

  it('a degraded instance with every step done is left as it is', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    await w.store.markDegraded(id, {
      instance: (await w.store.get(id))!,
      reason: 'drift',
      fromStep: 'secret',
    });
    await w.resetCalls();
    expect(await w.create(id)).toEqual({ kind: 'done', value: { alreadyRunning: true } });
    expect(await w.calls()).toEqual([]);
    expect((await w.store.get(id))?.status).toBe('degraded');
  });

  it('a retry resumes at the step that failed, keeping its start and counting the attempt', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:CreateRule', errorRate: 1, maxErrors: 2 }],
    });
    await expect(w.create(id)).rejects.toThrow(/CreateRule: Rate exceeded/);
    const failed = (await w.store.get(id))!;
    expect(failed.status).toBe('provisioning');
    expect(failed.steps['listener-rule']).toMatchObject({
      state: 'running',
      attempts: 1,
      lastError: { code: 'Throttling', message: expect.any(String) },
    });
    expect(failed.steps['target-group'].state).toBe('done');
    await w.resetCalls();

    await w.createUntilDone(id, jobRun(2));
    const calls = await w.calls();
    // Nothing before the rule step is looked at again; the rule is looked for, then made once.
    expect(calls.slice(0, 2)).toEqual(['DescribeRules', 'CreateRule']);
    expect(calls.filter((c) => CREATES.test(c))).toEqual(['CreateRule', 'CreateService']);
    const record = (await w.store.get(id))!;
    expect(record.steps['listener-rule']).toEqual({
      state: 'done',
      startedAt: failed.steps['listener-rule'].startedAt,
      endedAt: expect.any(String),
      attempts: 2,
      output: { ruleArn: expect.any(String), priority: String(1000 + record.routingSlot) },
    });
    expect(record.steps.service.attempts).toBe(1);
  });

  it('a secret made by another attempt meanwhile (ResourceExists) is read back and used', async () => {
    const { id } = await w.submit();
    w.before.set('CreateSecret', async () => {
      await w.ctx.aws.secrets.send(
        new CreateSecretCommand({
          Name: `openclaw/instances/${id}`,
          SecretString: String(w.inputsOf('CreateSecret')[0]!.SecretString),
        }),
      );
    });
    const run = jobRun();
    await w.createUntilDone(id, run);
    const calls = await w.calls();
    expect(calls.slice(0, 3)).toEqual(['CreateSecret', 'CreateSecret', 'DescribeSecret']);
    const secret = await w.ctx.aws.secrets.send(
      new DescribeSecretCommand({ SecretId: `openclaw/instances/${id}` }),
    );
    // The one the other attempt made (its first version), not a second one.
    expect(Object.keys(secret.VersionIdsToStages ?? {})).toHaveLength(1);
    expect((await w.store.get(id))?.steps.secret.output).toEqual({ secretArn: secret.ARN });
    expect(run.notes[0]).toBe(`secret ${secret.ARN} found`);
    expect(await w.store.sealedCredentials(id)).toBeNull();
  });

  it('a service made with another token meanwhile ("not idempotent") is described and used', async () => {
    const { id } = await w.submit();
    w.before.set('CreateService', async () => {
      const [mine] = w.inputsOf('CreateService');
      await w.ctx.aws.ecs.send(
        new CreateServiceCommand({
          ...(mine as unknown as CreateServiceCommandInput),
          clientToken: 'someone-else',
        }),
      );
    });
    await w.createUntilDone(id);
    const { services } = await w.ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: w.config.ECS_CLUSTER, services: [`openclaw-${id}`] }),
    );
    expect(services?.map((s) => s.status)).toEqual(['ACTIVE']);
    expect(w.inputsOf('CreateService')).toHaveLength(2);
    expect((await w.store.get(id))?.steps.service.output).toEqual({ serviceArn: services?.[0]?.serviceArn });
  });

  it('every retry of one attempt sends the same tokens; tokens differ between instances', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', {
      rules: [
        { operation: 'secretsmanager:CreateSecret', errorRate: 1, maxErrors: 2 },
        { operation: 'ecs:CreateService', errorRate: 1, maxErrors: 2 },
      ],
    });
    await expect(w.create(id)).rejects.toThrow();
    await expect(w.create(id, jobRun(2))).rejects.toThrow();
    await w.createUntilDone(id, jobRun(3));
    const secretTokens = w.inputsOf('CreateSecret').map((i) => i.ClientRequestToken);
    expect(secretTokens).toHaveLength(2);
    expect(new Set(secretTokens).size).toBe(1);
    const serviceTokens = w.inputsOf('CreateService').map((i) => i.clientToken);
    expect(serviceTokens).toHaveLength(2);
    expect(new Set(serviceTokens).size).toBe(1);

    // Tokens are per instance: another instance's create never replays this one's.
    const { id: other } = await w.submit();
    await w.createUntilDone(other);
    const firstToken = w.inputsOf('CreateService').at(-1)!.clientToken;
    expect(firstToken).not.toBe(serviceTokens[0]);
    expect(w.inputsOf('CreateSecret').at(-1)!.ClientRequestToken).not.toBe(secretTokens[0]);
  });

  it('a queued instance whose first step had started (a crash) looks first', async () => {
    const { id } = await w.submit();
    const at = new Date().toISOString();
    await w.store.recordStep(id, 'secret', { state: 'running', startedAt: at, attempts: 1 }, 'queued');
    await w.create(id);
    expect((await w.calls())[0]).toBe('DescribeSecret');
  });

  it('a requeued instance (failed, then queued again) looks first', async () => {
    const { id } = await w.submit();
    await failCreate(w.store, id);
    await w.store.requeue(id);
    expect((await w.store.get(id))!.status).toBe('queued');
    await w.create(id);
    expect((await w.calls())[0]).toBe('DescribeSecret');
  });

  it('a queued record without timestamps is not taken for pristine', async () => {
    const { id } = await w.submit();
    await w.ctx.redis.hdel(w.store.keys.instance(id), 'updatedAt', 'createdAt');
    await w.create(id);
    expect((await w.calls())[0]).toBe('DescribeSecret');
  });
});
