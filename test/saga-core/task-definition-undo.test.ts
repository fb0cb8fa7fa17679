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
 * earlier, interrupted delete) only deleted, in batches of ten (DeleteTaskDefinitions' limit).
 */
describe('task-definition undo', () => {
  const w = useSagaWorld();

  it('deletes every revision of the family in batches of ten, deregistering only the ACTIVE ones', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const input = w.inputsOf('RegisterTaskDefinition')[0] as unknown as RegisterTaskDefinitionCommandInput;
    const register = (family: string) =>
      w.ctx.aws.ecs.send(new RegisterTaskDefinitionCommand({ ...input, family }));
    const revisions: string[] = [];
    for (let i = 0; i < 11; i++)
      revisions.push((await register(`openclaw-${id}`)).taskDefinition!.taskDefinitionArn!);
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
});
