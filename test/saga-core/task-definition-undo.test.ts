import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { jobRun, useSagaWorld } from './saga-bench.js';

/**
 * The task-definition undo on a family with many revisions: every revision of exactly this family goes
 * (not a longer family that shares its prefix), ACTIVE ones are deregistered first, INACTIVE ones (an
 * earlier, interrupted delete) only deleted, in batches of ten (DeleteTaskDefinitions' limit); what
 * fails for good leaves for the reconciler exactly what is not deleted yet.
 */
describe('task-definition undo', () => {
  const w = useSagaWorld();

  /** A running instance whose family has eleven more revisions than its create registered. */
  async function manyRevisions() {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const input = w.inputsOf('RegisterTaskDefinition')[0] as unknown as RegisterTaskDefinitionCommandInput;
    const register = (family: string) =>
      w.ctx.aws.ecs.send(new RegisterTaskDefinitionCommand({ ...input, family }));
    const revisions: string[] = [];
    for (let i = 0; i < 11; i++)
      revisions.push((await register(`openclaw-${id}`)).taskDefinition!.taskDefinitionArn!);
    return { id, register, revisions };
  }

  it('deletes every revision of the family in batches of ten, deregistering only the ACTIVE ones', async () => {
    const { id, register, revisions } = await manyRevisions();
    // Two deregistered by a delete that was interrupted; one of a family that only shares the prefix.
    for (const arn of revisions.slice(0, 2))
      await w.ctx.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    const neighbour = (await register(`openclaw-${id}x`)).taskDefinition!.taskDefinitionArn!;
    await w.resetCalls();

    const run = jobRun();
    expect(await w.delete(id, run)).toMatchObject({ kind: 'done', value: { leftovers: 0 } });
    expect(w.inputsOf('DeregisterTaskDefinition')).toHaveLength(10);
    const batches = w.inputsOf('DeleteTaskDefinitions').map((i) => i.taskDefinitions as string[]);
    expect(batches.map((b) => b.length)).toEqual([10, 2]);
    const deleted = batches.flat();
    expect(new Set(deleted).size).toBe(12);
    expect(deleted).toEqual(expect.arrayContaining(revisions));
    expect(deleted).not.toContain(neighbour);
    const { taskDefinition } = await w.ctx.aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: neighbour }),
    );
    expect(taskDefinition?.status).toBe('ACTIVE');
    expect(run.notes).toContain('delete task-definition: removed');
  });

  it('a batch that fails for good leaves only what was not deleted yet for the reconciler', async () => {
    const { id } = await manyRevisions();
    // The first batch goes through; the second meets an operation the cloud refuses.
    w.before.set('DeleteTaskDefinitions', async () => {
      w.before.set('DeleteTaskDefinitions', async () => {
        await w.inspect('faults', {
          rules: [{ operation: 'ecs:DeleteTaskDefinitions', errorRate: 1, error: 'unsupported' }],
        });
      });
    });
    expect(await w.delete(id)).toMatchObject({ kind: 'done', value: { leftovers: 1 } });
    const [first, second] = w.inputsOf('DeleteTaskDefinitions').map((i) => i.taskDefinitions as string[]);
    const [left] = (await w.store.pendingLeftovers()).get(id)!;
    expect(left?.resources.sort()).toEqual([...second!].sort());
    expect(left?.resources).not.toContain(first![0]);
  });

  it('a family that cannot even be listed is left whole for the reconciler', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    await w.inspect('faults', {
      rules: [{ operation: 'ecs:ListTaskDefinitions', errorRate: 1, error: 'unsupported' }],
    });
    expect(await w.delete(id)).toMatchObject({ kind: 'done', value: { leftovers: 1 } });
    expect((await w.store.pendingLeftovers()).get(id)).toEqual([
      expect.objectContaining({ step: 'task-definition', resources: [`family openclaw-${id}`] }),
    ]);
  });
});
