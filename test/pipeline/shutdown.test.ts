import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../../localcloud/inspection.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { waitFor } from '../support/wait-for.js';

describe('pipeline: graceful shutdown', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('lets the running step finish and checkpoint, takes no new job, and a new worker resumes', async () => {
    // CreateSecret is held in localcloud, so the secret step is in flight when the worker is told to stop:
    // the test waits for that call to arrive (an event), then stops the worker while it is held.
    await p.inspect('faults', { rules: [{ operation: 'secretsmanager:CreateSecret', hold: true }] });
    await p.inspect('calls/reset', {});
    const { id } = await p.submit('shutdown');
    await waitFor(
      async () =>
        (await p.inspect<CallLogEntry[]>('calls/log')).some(
          (c) => c.operation === 'secretsmanager:CreateSecret',
        ),
      { what: 'the secret step to send CreateSecret' },
    );
    expect((await p.store.get(id))?.steps.secret.state, 'the secret step is in flight at the stop').toBe(
      'running',
    );
    // close() asks the running saga to stop at once; only then is the held call answered.
    const stopping = p.stopWorker();
    await p.inspect('faults', { rules: [] });
    await stopping;
    const stopped = await p.store.get(id);
    // The step in flight finished and was checkpointed; the next one was not started.
    expect(stopped!.steps.secret.state).toBe('done');
    expect(stopped!.steps['task-definition'].state).not.toBe('done');
    expect(p.logLines.join('')).toContain('worker stopped');
    const log = await p.inspect<CallLogEntry[]>('calls/log');
    expect(log.map((c) => c.operation)).not.toContain('ecs:RegisterTaskDefinition');

    await p.startWorker();
    const [running] = await p.waitForStatus([id], ['running'], 30_000);
    expect(running!.steps.secret.attempts).toBe(1);
  });
});
