import { describe, expect, it } from 'vitest';
import { jobRun, useSagaWorld } from './saga-bench.js';

const CREATES = /^(Create|Register|Put|Restore|Modify|Update)/;

/**
 * A delete wins at every step boundary: the delete is accepted (status `deleting`) while one step's create
 * call is in flight; that step may finish and checkpoint, but no later step makes a single AWS call, and the
 * job ends quietly as superseded. Read from localcloud's call log, not inferred from an end state.
 */
describe('create saga: a delete wins at the next step boundary', () => {
  const w = useSagaWorld();

  const cases = [
    { during: 'CreateSecret', step: 'secret', next: 'task-definition' },
    { during: 'RegisterTaskDefinition', step: 'task-definition', next: 'target-group' },
    { during: 'CreateTargetGroup', step: 'target-group', next: 'listener-rule' },
    { during: 'CreateRule', step: 'listener-rule', next: 'service' },
    { during: 'CreateService', step: 'service', next: 'placement' },
  ] as const;

  for (const { during, step, next } of cases) {
    it(`a delete accepted during ${during} stops the saga before ${next}`, async () => {
      const { id } = await w.submit();
      w.before.set(during, async () => {
        expect((await w.store.markDeleting(id)).ok).toBe(true);
      });
      const run = jobRun();
      const outcome = await w.create(id, run);
      expect(outcome).toEqual({ kind: 'done', value: { superseded: true, reason: 'instance is deleting' } });
      expect(run.notes.at(-1)).toBe(`stopped before ${next}: a delete won`);
      const calls = await w.calls();
      expect(calls.at(-1), 'the last AWS call is the one in flight when the delete came').toBe(during);
      expect(calls.filter((c) => CREATES.test(c)).length).toBe(
        cases.findIndex((c) => c.during === during) + 1,
      );
      const record = (await w.store.get(id))!;
      expect(record.status).toBe('deleting');
      expect(record.steps[step].state, 'the step in flight still checkpoints').toBe('done');
      expect(record.steps[next]).toEqual({ state: 'pending', attempts: 0 });
    });
  }

  it('a delete accepted during the last step leaves the instance deleting, never running', async () => {
    const { id } = await w.submit();
    w.before.set('GetSecretValue', async () => {
      await w.store.markDeleting(id);
    });
    expect(await w.createUntilDone(id)).toEqual({ superseded: true, reason: 'instance is deleting' });
    const record = (await w.store.get(id))!;
    expect(record.status).toBe('deleting');
    expect(record.runningAt ?? null).toBeNull();
  });

  it('an instance already deleting or deleted makes no AWS call at all', async () => {
    const { id } = await w.submit();
    await w.store.markDeleting(id);
    expect(await w.create(id)).toEqual({
      kind: 'done',
      value: { superseded: true, reason: 'instance is deleting' },
    });
    const { id: gone } = await w.submit();
    await w.store.markDeleted((await w.store.get(gone))!);
    expect(await w.create(gone)).toEqual({
      kind: 'done',
      value: { superseded: true, reason: 'instance is deleted' },
    });
    expect(await w.calls()).toEqual([]);
  });
});
