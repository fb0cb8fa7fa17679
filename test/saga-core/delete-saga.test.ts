import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { failsForGood, jobRun, useSagaWorld } from './saga-bench.js';

/**
 * The delete saga through runDelete against localcloud: the undo order and calls, "already gone" as done,
 * housekeeping left for the reconciler, and what a failing undo does to the instance.
 */
describe('delete saga', () => {
  const w = useSagaWorld();

  async function runningInstance() {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const record = (await w.store.get(id))!;
    await w.resetCalls();
    return record;
  }

  it('undoes service, secret, rule, target group and task definitions, in that order, by name and checkpoint', async () => {
    const record = await runningInstance();
    const id = record.id;
    await w.store.markDeleting(id);
    const run = jobRun();
    expect(await w.delete(id, run)).toEqual({
      kind: 'done',
      value: {
        instanceId: id,
        status: 'deleted',
        removed: ['service', 'secret', 'listener-rule', 'target-group', 'task-definition'],
        leftovers: 0,
      },
    });
    expect(await w.calls()).toEqual([
      'UpdateService',
      'DeleteService',
      'DescribeServices',
      'ListTasks',
      'DeleteSecret',
      'DeleteRule',
      'DeleteTargetGroup',
      'ListTaskDefinitions',
      'ListTaskDefinitions',
      'DeregisterTaskDefinition',
      'DeleteTaskDefinitions',
    ]);
    const cluster = w.config.ECS_CLUSTER;
    const service = `openclaw-${id}`;
    expect(w.inputsOf('UpdateService')).toEqual([{ cluster, service, desiredCount: 0 }]);
    expect(w.inputsOf('DeleteService')).toEqual([{ cluster, service, force: true }]);
    expect(w.inputsOf('DeleteSecret')).toEqual([
      { SecretId: `openclaw/instances/${id}`, ForceDeleteWithoutRecovery: true },
    ]);
    expect(w.inputsOf('DeleteRule')).toEqual([{ RuleArn: record.steps['listener-rule'].output!.ruleArn }]);
    expect(w.inputsOf('DeleteTargetGroup')).toEqual([
      { TargetGroupArn: record.steps['target-group'].output!.targetGroupArn },
    ]);
    expect(w.inputsOf('DeleteTaskDefinitions')).toEqual([
      { taskDefinitions: [record.steps['task-definition'].output!.taskDefinitionArn] },
    ]);
    const after = (await w.store.get(id))!;
    expect(after.status).toBe('deleted');
    expect(run.notes.at(-1)).toBe(
      'instance deleted (removed: service, secret, listener-rule, target-group, task-definition)',
    );
    const described = await w.ctx.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    expect(described.services?.[0]?.status ?? 'MISSING').not.toBe('ACTIVE');
  });

  it('a delete of a running instance not yet marked deleting marks it first', async () => {
    const record = await runningInstance();
    expect(await w.delete(record.id)).toMatchObject({ kind: 'done', value: { status: 'deleted' } });
    expect((await w.store.get(record.id))?.status).toBe('deleted');
  });

  it('an instance whose create never ran: every undo finds nothing, and it is deleted', async () => {
    const { id } = await w.submit();
    await w.store.markDeleting(id);
    const run = jobRun();
    // A forced DeleteSecret of a name that does not exist succeeds ("does not return the error
    // ResourceNotFoundException in order to correctly handle retries"), so only it reads as removed.
    expect(await w.delete(id, run)).toEqual({
      kind: 'done',
      value: { instanceId: id, status: 'deleted', removed: ['secret'], leftovers: 0 },
    });
    const calls = await w.calls();
    expect(
      calls.filter((c) => /^Delete(Secret|Rule|TargetGroup|TaskDefinitions)$|^Deregister/.test(c)),
    ).toEqual(['DeleteSecret']);
    expect(calls).toContain('DescribeRules');
    expect(run.notes).toContain('delete service: already gone');
    expect(run.notes.at(-1)).toBe('instance deleted (removed: secret)');
    expect((await w.store.get(id))?.status).toBe('deleted');
  });

  it('a deleted instance and a missing record end at once, with no AWS call', async () => {
    const record = await runningInstance();
    await w.delete(record.id);
    await w.resetCalls();
    expect(await w.delete(record.id)).toEqual({ kind: 'done', value: { alreadyDeleted: true } });
    expect(await w.delete('nosuchinstance')).toEqual({ kind: 'done', value: { missing: true } });
    expect(await w.calls()).toEqual([]);
  });

  it('housekeeping that fails for good is left for the reconciler; the instance is still deleted', async () => {
    const record = await runningInstance();
    await w.inspect('faults', {
      rules: [{ operation: 'ecs:DeleteTaskDefinitions', errorRate: 1, error: 'unsupported' }],
    });
    const run = jobRun();
    expect(await w.delete(record.id, run)).toMatchObject({
      kind: 'done',
      value: {
        status: 'deleted',
        removed: ['service', 'secret', 'listener-rule', 'target-group'],
        leftovers: 1,
      },
    });
    expect((await w.store.get(record.id))?.status).toBe('deleted');
    const pending = await w.store.pendingLeftovers();
    expect(pending.get(record.id)).toEqual([
      {
        step: 'task-definition',
        resources: expect.arrayContaining([expect.stringContaining(':task-definition/')]),
        code: 'UnknownOperation',
        message: expect.any(String),
        at: expect.any(String),
      },
    ]);
    expect(run.notes.at(-1)).toMatch(/; left: task-definition\)$/);
    expect(run.notes).toContainEqual(
      expect.stringMatching(/^delete task-definition: left for the reconciler \(UnknownOperation: \S/),
    );
    expect(
      run.logs.find((l) => l.msg === 'housekeeping left undone: recorded for the reconciler'),
    ).toMatchObject({
      level: 40,
      step: 'task-definition',
      code: 'UnknownOperation',
      reason: expect.any(String),
      leftovers: [expect.stringContaining(':task-definition/')],
    });
  });

  it('an undo that fails for good stops the delete: the instance stays deleting, with the error', async () => {
    const record = await runningInstance();
    await w.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:DeleteRule', errorRate: 1, error: 'unsupported' }],
    });
    const run = jobRun();
    await expect(w.delete(record.id, run)).rejects.toEqual(failsForGood('delete', 'InvalidAction'));
    // The job's failed reason names the undo that failed, as the instance's error does.
    await expect(w.delete(record.id)).rejects.toThrow(/^delete: InvalidAction: listener-rule: DeleteRule: /);
    expect(run.notes.at(-1)).toMatch(/^delete failed at listener-rule: InvalidAction: DeleteRule: /);
    const after = (await w.store.get(record.id))!;
    expect(after.status).toBe('deleting');
    expect(after.error).toEqual({
      step: 'delete',
      code: 'InvalidAction',
      message: expect.stringMatching(/^listener-rule: /),
    });
    // Nothing after the rule was tried.
    expect((await w.calls()).filter((c) => c === 'DeleteTargetGroup')).toEqual([]);
  });

  it('a throttled undo is retried: the error goes back to the queue, the instance stays deleting', async () => {
    const record = await runningInstance();
    await w.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:DeleteTargetGroup', errorRate: 1, maxErrors: 2 }],
    });
    const run = jobRun(1);
    await expect(w.delete(record.id, run)).rejects.toThrow(/Rate exceeded/);
    expect((await w.store.get(record.id))?.status).toBe('deleting');
    expect((await w.store.get(record.id))?.error).toBeNull();
    expect(run.notes.at(-1)).toMatch(/^delete target-group: Throttling: .*\(attempt 1, will retry\)$/);
    await w.resetCalls();
    // The next attempt finds the service and rule already gone (the forced secret delete answers as
    // removed again) and finishes.
    expect(await w.delete(record.id, jobRun(2))).toMatchObject({
      kind: 'done',
      value: { removed: ['secret', 'target-group', 'task-definition'] },
    });
  });

  it('a throttled undo on the last attempt fails the delete for good, and says it will not retry', async () => {
    const record = await runningInstance();
    await w.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:DeleteTargetGroup', errorRate: 1, maxErrors: 2 }],
    });
    const run = jobRun(8, true);
    await expect(w.delete(record.id, run)).rejects.toEqual(failsForGood('delete', 'Throttling'));
    expect((await w.store.get(record.id))!.error).toMatchObject({ step: 'delete', code: 'Throttling' });
    expect(run.logs.find((l) => l.msg === 'delete failed')).toMatchObject({
      level: 50,
      code: 'Throttling',
      willRetry: false,
    });
    expect(run.notes.at(-1)).toMatch(/^delete failed at target-group: Throttling: /);
  });

  it('a retried undo logs that it will retry', async () => {
    const record = await runningInstance();
    await w.inspect('faults', {
      rules: [{ operation: 'elasticloadbalancing:DeleteRule', errorRate: 1, maxErrors: 2 }],
    });
    const run = jobRun(1);
    await expect(w.delete(record.id, run)).rejects.toThrow();
    expect(run.logs.find((l) => l.msg === 'undo failed, will retry')).toMatchObject({
      level: 40,
      step: 'listener-rule',
      code: 'Throttling',
      willRetry: true,
    });
  });
});
