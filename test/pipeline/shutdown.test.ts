import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

describe('pipeline: graceful shutdown', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('lets the running step finish and checkpoint, takes no new job, and a new worker resumes', async () => {
    // Every AWS call takes 300 ms, so a step is surely in flight when the worker is told to stop.
    await p.inspect('faults', { rules: [{ operation: '*', latencyMs: 300 }] });
    const { id } = await p.submit('shutdown');
    const deadline = Date.now() + 10_000;
    while ((await p.store.get(id))?.steps.secret.state !== 'running') {
      if (Date.now() > deadline) throw new Error('secret step never started');
      await new Promise((r) => setTimeout(r, 10));
    }
    await p.stopWorker();
    const stopped = await p.store.get(id);
    // The step in flight finished and was checkpointed; the next one was not started.
    expect(stopped!.steps.secret.state).toBe('done');
    expect(stopped!.steps['task-definition'].state).not.toBe('done');
    expect(p.logLines.join('')).toContain('worker stopped');

    await p.inspect('faults', { rules: [] });
    await p.startWorker();
    const [running] = await p.waitForStatus([id], ['running'], 30_000);
    expect(running!.steps.secret.attempts).toBe(1);
  });
});
