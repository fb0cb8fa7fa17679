import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { failsForGood, jobRun, NEVER_HEALTHY_IMAGE, useSagaWorld } from './saga-bench.js';

/** A log line's level name (pino numbers). */
const LEVEL: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };
const lines = (run: ReturnType<typeof jobRun>) =>
  run.logs.map((l) => ({ level: LEVEL[l.level as number], msg: l.msg, step: l.step }));

/**
 * What an operator sees of a saga's job (Bull Board's log and progress, the worker's log lines), what a
 * stopping worker does at a step boundary, and what a placement poll that saw nothing new writes.
 */
describe('create and delete sagas: what the job shows', () => {
  const w = useSagaWorld();

  it('a create logs each step once, reports progress step by step, and notes what it made', async () => {
    const { id } = await w.submit();
    const run = jobRun();
    await w.createUntilDone(id, run);
    const record = (await w.store.get(id))!;
    const finished = lines(run).filter((l) => l.msg === 'step finished');
    expect(finished.map((l) => l.step)).toEqual([
      'secret',
      'task-definition',
      'target-group',
      'listener-rule',
      'service',
      'placement',
      'reachable',
    ]);
    expect(finished.every((l) => l.level === 'info')).toBe(true);
    const secretLine = run.logs.find((l) => l.msg === 'step finished' && l.step === 'secret')!;
    expect(secretLine.output).toEqual(record.steps.secret.output);
    expect(secretLine.ms).toBe(
      Date.parse(record.steps.secret.endedAt!) - Date.parse(record.steps.secret.startedAt!),
    );
    expect(lines(run)).toContainEqual({ level: 'info', msg: 'create started', step: undefined });
    expect(run.logs.find((l) => l.msg === 'create started')!.from).toBe('queued');
    expect(lines(run).at(-1)).toEqual({ level: 'info', msg: 'instance running', step: undefined });
    expect(run.logs.at(-1)!.placement).toEqual(record.steps.placement.output);
    // Progress: one entry per step started, in order, out of seven.
    const steps = run.progressSeen.map((p) => `${p.index}/${p.of} ${p.step}`);
    expect(steps[0]).toBe('1/7 secret');
    expect(steps.at(-1)).toBe('7/7 reachable');
    expect(new Set(steps)).toEqual(
      new Set([
        '1/7 secret',
        '2/7 task-definition',
        '3/7 target-group',
        '4/7 listener-rule',
        '5/7 service',
        '6/7 placement',
        '7/7 reachable',
      ]),
    );
    expect(run.notes[0]).toBe(`secret ${record.steps.secret.output!.secretArn} created`);
    expect(run.notes).toContain(
      `task definition ${record.steps['task-definition'].output!.taskDefinitionArn} registered`,
    );
    expect(run.notes).toContain(
      `target group ${record.steps['target-group'].output!.targetGroupArn} created`,
    );
    expect(run.notes).toContain(`service ${record.steps.service.output!.serviceArn} created`);
    const rule = record.steps['listener-rule'].output!;
    expect(run.notes).toContain(`listener rule ${rule.ruleArn} created at priority ${rule.priority}`);
    const placed = record.steps.placement.output!;
    expect(run.notes).toContain(
      `task ${placed.taskArn} running and healthy after ${placed.placementWaitMs} ms`,
    );
    const reached = record.steps.reachable.output!;
    expect(run.notes).toContain(
      `${record.url}health answered ${reached.answer} after ${reached.reachableWaitMs} ms`,
    );
    expect(run.notes.at(-1)).toBe('instance running');
  });

  it('a retried step logs a warning saying it will retry; a final failure logs an error saying it will not', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', { rules: [{ operation: 'ecs:CreateService', errorRate: 1, maxErrors: 2 }] });
    const first = jobRun(1);
    await expect(w.create(id, first)).rejects.toThrow();
    const warn = first.logs.find((l) => l.msg === 'step failed, will retry')!;
    expect(warn).toMatchObject({ level: 40, step: 'service', code: 'Throttling', willRetry: true });
    expect(String(warn.reason)).toContain('Rate exceeded');

    await w.inspect('faults', {
      rules: [{ operation: 'ecs:CreateService', errorRate: 1, error: 'unsupported' }],
    });
    const last = jobRun(2);
    await expect(w.create(id, last)).rejects.toThrow();
    expect(last.logs.find((l) => l.msg === 'create failed')).toMatchObject({
      level: 50,
      step: 'service',
      code: 'UnknownOperation',
      willRetry: false,
    });
    // Nothing is said about a delete: none came.
    expect(last.logs.some((l) => String(l.msg).startsWith('instance not marked failed'))).toBe(false);
  });

  it('a failure that a delete overtook leaves the instance deleting, and says so', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', {
      rules: [{ operation: 'ecs:RegisterTaskDefinition', errorRate: 1, error: 'unsupported' }],
    });
    w.before.set('RegisterTaskDefinition', async () => {
      await w.store.markDeleting(id);
    });
    const run = jobRun();
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('task-definition'));
    expect((await w.store.get(id))!.status).toBe('deleting');
    expect(run.logs.find((l) => String(l.msg).startsWith('instance not marked failed'))).toMatchObject({
      reason: 'conflict',
    });
  });

  it('a stopping worker hands the job back at the next step boundary, spending no attempt', async () => {
    const { id } = await w.submit();
    const stopping = new AbortController();
    w.ctx.stopping = stopping.signal;
    w.before.set('RegisterTaskDefinition', async () => stopping.abort());
    const run = jobRun();
    expect(await w.create(id, run)).toEqual({ kind: 'wait', afterMs: 0 });
    expect(run.notes.at(-1)).toBe('worker stopping: handing over before target-group');
    const record = (await w.store.get(id))!;
    expect(record.steps['task-definition'].state).toBe('done');
    expect(record.steps['target-group']).toEqual({ state: 'pending', attempts: 0 });
    expect(record.status).toBe('provisioning');
  });

  it('a placement poll that saw nothing new writes nothing and notes nothing', async () => {
    await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
    const { id } = await w.submit();
    const run = jobRun();
    // Poll until two polls in a row see the same thing (a target still `initial`, a task pending).
    const seen = await waitFor(
      async () => {
        const before = (await w.store.get(id))!;
        const notes = run.notes.length;
        expect((await w.create(id, run)).kind).toBe('wait');
        const after = (await w.store.get(id))!;
        const same =
          before.steps.placement.state === 'waiting' &&
          JSON.stringify(after.steps.placement) === JSON.stringify(before.steps.placement);
        return same && { before, after, notes };
      },
      { what: 'two placement polls in a row that saw the same' },
    );
    expect(seen.after.updatedAt).toBe(seen.before.updatedAt);
    expect(run.notes).toHaveLength(seen.notes);
    expect(run.notes.at(-1)).toMatch(/^waiting: /);
    expect(run.logs.at(-1)).toMatchObject({
      msg: 'step waiting',
      step: 'placement',
      afterMs: w.config.PLACEMENT_POLL_MS,
    });
    // A crash in the middle of a poll leaves the step `running` with what it saw: the attempt that
    // resumes it records `waiting` again, even when it sees nothing new.
    await w.store.recordStep(
      id,
      'placement',
      { ...seen.after.steps.placement, state: 'running' },
      'provisioning',
    );
    expect((await w.create(id, run)).kind).toBe('wait');
    expect((await w.store.get(id))!.steps.placement.state).toBe('waiting');
  });

  it('a placement poll that saw something new writes it and notes it', async () => {
    await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
    const { id } = await w.submit();
    const run = jobRun();
    // Poll until a poll of a waiting step sees another state (a task pending, then running, its target
    // initial, then unhealthy): the step's answer is in the log line, its record must say the same.
    const seen = await waitFor(
      async () => {
        const before = (await w.store.get(id))!.steps.placement;
        const notes = run.notes.length;
        expect((await w.create(id, run)).kind).toBe('wait');
        const state = run.logs.at(-1)!.state as string;
        const changed = before.state === 'waiting' && before.output?.state !== state;
        return changed && { state, notes, after: (await w.store.get(id))!.steps.placement };
      },
      { what: 'a placement poll that saw another state' },
    );
    expect(seen.after).toMatchObject({ state: 'waiting', output: { state: seen.state } });
    expect(run.notes).toHaveLength(seen.notes + 1);
    expect(run.notes.at(-1)!.startsWith(`waiting: ${seen.state}`)).toBe(true);
  });

  it('a delete notes each undo, reports its progress and logs the end', async () => {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const run = jobRun();
    await w.delete(id, run);
    expect(run.notes).toEqual([
      'delete service: removed',
      'delete secret: removed',
      'delete listener-rule: removed',
      'delete target-group: removed',
      'delete task-definition: removed',
      'instance deleted (removed: service, secret, listener-rule, target-group, task-definition)',
    ]);
    expect(run.progressSeen).toEqual([
      { step: 'delete:service', index: 1, of: 5 },
      { step: 'delete:secret', index: 2, of: 5 },
      { step: 'delete:listener-rule', index: 3, of: 5 },
      { step: 'delete:target-group', index: 4, of: 5 },
      { step: 'delete:task-definition', index: 5, of: 5 },
    ]);
    expect(run.logs.filter((l) => l.msg === 'undo finished').map((l) => [l.step, l.result])).toEqual([
      ['service', 'deleted'],
      ['secret', 'deleted'],
      ['listener-rule', 'deleted'],
      ['target-group', 'deleted'],
      ['task-definition', 'deleted'],
    ]);
    expect(run.logs.at(-1)).toMatchObject({
      msg: 'instance deleted',
      removed: expect.any(Array),
      leftovers: 0,
    });
  });
});
