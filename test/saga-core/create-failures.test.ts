import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { failCreate } from '../support/instance-status.js';
import { failsForGood, jobRun, useSagaWorld } from './saga-bench.js';

/** Every request of `operation` fails (both of the SDK's tries) the first `times` times. */
const failing = (operation: string, error: string, times = 2) => ({
  rules: [{ operation, errorRate: 1, error, maxErrors: times }],
});

/**
 * What a step's error does to the instance, by verdict: retry (the error goes back to the queue, the step
 * keeps its error), final (step and instance failed with the error, no more attempts), retry-after (the
 * job waits without spending an attempt, until the step's deadline on the injected clock).
 */
describe('create saga: step errors', () => {
  const w = useSagaWorld();

  it('a throttled create is retried: the error goes back to the queue, the step keeps it', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', failing('ecs:RegisterTaskDefinition', 'throttle'));
    const run = jobRun(1);
    await expect(w.create(id, run)).rejects.toThrow(/Rate exceeded/);
    const record = (await w.store.get(id))!;
    expect(record.status).toBe('provisioning');
    expect(record.error).toBeNull();
    expect(record.steps['task-definition']).toEqual({
      state: 'running',
      startedAt: expect.any(String),
      attempts: 1,
      lastError: { code: 'Throttling', message: expect.stringContaining('Rate exceeded') },
    });
    expect(run.notes.at(-1)).toMatch(/^task-definition: Throttling: .*\(attempt 1, will retry\)$/);
    expect((await w.calls()).filter((c) => c === 'CreateTargetGroup')).toEqual([]);
  });

  it('a retryable error on the last attempt fails the step and the instance for good', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', failing('elasticloadbalancing:CreateTargetGroup', 'throttle'));
    await expect(w.create(id, jobRun(8, true))).rejects.toEqual(failsForGood('target-group', 'Throttling'));
    const record = (await w.store.get(id))!;
    expect(record.status).toBe('failed');
    expect(record.error).toEqual({
      step: 'target-group',
      code: 'Throttling',
      message: expect.stringContaining('Rate exceeded'),
    });
    expect(record.steps['target-group']).toMatchObject({
      state: 'failed',
      endedAt: expect.any(String),
      attempts: 1,
      lastError: { code: 'Throttling' },
    });
    expect(record.steps['listener-rule'].state).toBe('pending');
  });

  it('an operation the cloud does not have fails at once, on the first attempt', async () => {
    const { id } = await w.submit();
    await w.inspect('faults', failing('elasticloadbalancing:CreateRule', 'unsupported', 1));
    const run = jobRun(1);
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('listener-rule'));
    const record = (await w.store.get(id))!;
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ step: 'listener-rule', code: 'InvalidAction' });
    expect(run.notes.at(-1)).toMatch(/^failed at listener-rule: InvalidAction: /);
    // One try: no retry of a fatal error, not even the SDK's.
    expect((await w.calls()).filter((c) => c === 'CreateRule')).toEqual(['CreateRule']);

    // A failed instance is created again from the failed step, afresh: a new start, a new attempt count.
    await w.createUntilDone(id, jobRun(1));
    const again = (await w.store.get(id))!;
    expect(again.status).toBe('running');
    expect(again.error).toBeNull();
    expect(again.steps['listener-rule'].attempts).toBe(2);
    expect(Date.parse(again.steps['listener-rule'].startedAt!)).toBeGreaterThan(
      Date.parse(record.steps['listener-rule'].startedAt!),
    );
  });

  describe('a wait of known kind (secret name scheduled for deletion)', () => {
    /** A secret of the instance's name, scheduled for deletion with a recovery window: its name stays taken. */
    async function secretScheduledForDeletion(id: string) {
      const name = `openclaw/instances/${id}`;
      await w.ctx.aws.secrets.send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
      await w.ctx.aws.secrets.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
      // Not pristine: the instance failed once, so the step looks first.
      await failCreate(w.store, id);
      await w.resetCalls();
    }

    it('waits the poll interval without spending an attempt, within the step deadline', async () => {
      const { id } = await w.submit();
      await secretScheduledForDeletion(id);
      const run = jobRun(1);
      expect(await w.create(id, run)).toEqual({ kind: 'wait', afterMs: w.config.PLACEMENT_POLL_MS });
      const record = (await w.store.get(id))!;
      expect(record.status).toBe('provisioning');
      expect(record.steps.secret).toMatchObject({
        state: 'running',
        attempts: 1,
        lastError: { code: 'SecretScheduledForDeletion' },
      });
      expect(await w.calls()).toEqual(['DescribeSecret']);
      expect(run.notes.at(-1)).toBe(
        `secret: SecretScheduledForDeletion, looking again in ${w.config.PLACEMENT_POLL_MS} ms`,
      );
      expect(run.logs.find((l) => l.msg === 'step waits')).toMatchObject({
        level: 40,
        step: 'secret',
        code: 'SecretScheduledForDeletion',
        reason: expect.stringMatching(/scheduled for deletion/),
        afterMs: w.config.PLACEMENT_POLL_MS,
        willRetry: true,
      });
      // Just before the deadline, still a wait; the same start is kept.
      w.clock.offsetMs = w.config.PLACEMENT_DEADLINE_MS - 5_000;
      expect(await w.create(id, run)).toMatchObject({ kind: 'wait' });
      expect((await w.store.get(id))!.steps.secret.startedAt).toBe(record.steps.secret.startedAt);
    });

    it('past the step deadline the wait counts as a retry, and on the last attempt fails', async () => {
      const { id } = await w.submit();
      await secretScheduledForDeletion(id);
      expect(await w.create(id)).toMatchObject({ kind: 'wait' });
      w.clock.offsetMs = w.config.PLACEMENT_DEADLINE_MS + 1_000;
      await expect(w.create(id, jobRun(2))).rejects.toThrow(/scheduled for deletion/);
      expect((await w.store.get(id))!.status).toBe('provisioning');
      await expect(w.create(id, jobRun(3, true))).rejects.toEqual(
        failsForGood('secret', 'SecretScheduledForDeletion'),
      );
      expect((await w.store.get(id))!.status).toBe('failed');
    });
  });
});
