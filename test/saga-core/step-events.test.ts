import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceEvent } from '../../shared/store/store-core.js';
import { TEST_REDIS_URL } from '../support/redis-namespace.js';
import { waitFor } from '../support/wait-for.js';
import { jobRun, useSagaWorld } from './saga-bench.js';

/**
 * What subscribers to an instance's events (the API's live stream) see of the create saga's steps: each
 * step record as it is written, with the status the instance has while it is: `provisioning` for a step
 * running, waiting, retried or done, `failed` for the step that failed the instance.
 */
describe('create saga: the step events subscribers see', () => {
  const w = useSagaWorld();
  let subscriber: Redis | undefined;

  afterEach(async () => {
    await subscriber?.quit();
    subscriber = undefined;
  });

  /** Every event published for the instance from now on, in order. */
  async function listen(id: string): Promise<InstanceEvent[]> {
    const events: InstanceEvent[] = [];
    subscriber = new Redis(TEST_REDIS_URL);
    subscriber.on('message', (_channel, message: string) => events.push(JSON.parse(message)));
    await subscriber.subscribe(w.store.keys.events(id));
    return events;
  }

  const seen = (events: InstanceEvent[]) => events.map((e) => [e.step?.id, e.step?.state, e.status]);

  it('a first run: each step running, then done (placement and the gate waiting between), all provisioning', async () => {
    const { id } = await w.submit();
    const events = await listen(id);
    await w.createUntilDone(id);
    await waitFor(() => events.some((e) => e.step?.id === 'reachable' && e.step.state === 'done'), {
      what: 'the last step done',
    });
    const steps = events.filter((e) => e.step);
    expect(steps.every((e) => e.status === 'provisioning')).toBe(true);
    for (const step of ['secret', 'task-definition', 'target-group', 'listener-rule', 'service']) {
      expect(seen(steps.filter((e) => e.step?.id === step))).toEqual([
        [step, 'running', 'provisioning'],
        [step, 'done', 'provisioning'],
      ]);
    }
    const placement = seen(steps.filter((e) => e.step?.id === 'placement'));
    expect(placement[0]).toEqual(['placement', 'running', 'provisioning']);
    expect(placement.at(-1)).toEqual(['placement', 'done', 'provisioning']);
  });

  it('a retried step is recorded running with its error; a failed one with the instance failed', async () => {
    const { id } = await w.submit();
    const events = await listen(id);
    await w.inspect('faults', {
      rules: [{ operation: 'secretsmanager:CreateSecret', errorRate: 1, maxErrors: 2 }],
    });
    await expect(w.create(id)).rejects.toThrow();
    await w.inspect('faults', {
      rules: [{ operation: 'secretsmanager:CreateSecret', errorRate: 1, error: 'unsupported' }],
    });
    await expect(w.create(id, jobRun(2))).rejects.toThrow();
    await waitFor(() => events.some((e) => e.step?.state === 'failed'), { what: 'the failed step' });
    const secret = events.filter((e) => e.step?.id === 'secret');
    expect(seen(secret)).toEqual([
      ['secret', 'running', 'provisioning'],
      ['secret', 'running', 'provisioning'],
      ['secret', 'running', 'provisioning'],
      ['secret', 'failed', 'failed'],
    ]);
    expect(secret[1]?.step?.lastError?.code).toBe('Throttling');
    expect(secret[3]?.step?.lastError?.code).toBe('UnknownOperation');
  });
});
