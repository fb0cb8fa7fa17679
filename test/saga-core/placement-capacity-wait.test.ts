import { DescribeServicesCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { jobRun, useSagaWorld } from './saga-bench.js';

type PlacementOutput = Record<string, string>;

/**
 * Whether a signup waited for capacity is what the headroom report and the scale-out policy count, so
 * placement must say it from each signal on its own: a capacity event on the service, a task still
 * PROVISIONING without a container instance beside a running one (a redeploy on a full cluster), and,
 * when ECS said neither, the task landing on an instance that registered after the task was created.
 * This file's localcloud starts each test with its one base instance, which holds two awsvpc tasks; a
 * new instance takes 1.5 s to register, so a third task waits long enough for polls to see it.
 */
describe('placement: a signup that waited for a new instance', () => {
  const w = useSagaWorld({ timing: { instanceLaunchMs: 1_500 } });

  /** Two instances running: the base instance has no task ENI left. */
  async function fillBaseInstance() {
    const fillers = await Promise.all([w.submit(), w.submit()]);
    await Promise.all(fillers.map(({ id }) => w.createUntilDone(id)));
    return fillers.map((f) => f.id);
  }

  /**
   * Create attempts until placement's checkpoint satisfies `until` (every waiting output kept), or the
   * create is done. Fails naming what never happened.
   */
  async function placeWatching(id: string, what: string, until: (o: PlacementOutput) => boolean) {
    const run = jobRun();
    const waits: PlacementOutput[] = [];
    const done = await waitFor(
      async () => {
        const outcome = await w.create(id, run);
        const record = (await w.store.get(id))!;
        const output = record.steps.placement?.output as PlacementOutput | undefined;
        if (outcome.kind === 'done') return { done: output! };
        if (!output || record.currentStep !== 'placement') return false;
        waits.push(output);
        return until(output) ? { done: undefined } : false;
      },
      { what: `placement of ${id} that ${what}`, timeoutMs: 20_000, intervalMs: 10 },
    );
    return { run, waits, ...done };
  }

  const finish = async (id: string) => {
    await w.createUntilDone(id);
    return (await w.store.get(id))!.steps.placement.output as PlacementOutput;
  };

  it("a capacity event is seen while waiting, kept when the service is briefly not described, and needs no look at the task's instance", async () => {
    await fillBaseInstance();
    const { id } = await w.submit();
    await w.resetCalls();
    const { run, waits } = await placeWatching(
      id,
      'sees a capacity wait',
      (o) => o.waitedForCapacity === 'true',
    );
    const seen = waits.at(-1)!;
    const { services } = await w.ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: w.config.ECS_CLUSTER, services: [`openclaw-${id}`] }),
    );
    const event = services![0]!.events!.find((e) => /unable to place/.test(e.message!))!.message!;
    expect(event).toMatch(
      new RegExp(
        `^\\(service openclaw-${id}\\) was unable to place a task because no container instance met all of its requirements`,
      ),
    );
    // The checkpoint keeps the event's first 300 characters (ECS's run longer); the job's note keeps it whole.
    expect(event.length).toBeGreaterThan(300);
    expect(seen).toEqual({
      waitedForCapacity: 'true',
      state: 'task pending (1)',
      lastEvent: event.slice(0, 300),
    });
    expect(run.notes.at(-1)).toBe(`waiting: task pending (1); ${event}`);
    // Nothing runs yet, so no poll listed tasks: each was one DescribeServices.
    expect(w.inputsOf('ListTasks')).toEqual([]);

    // DescribeServices answers without the service for one poll: what was seen is kept.
    await w.inspect('faults', {
      rules: [{ operation: 'ecs:DescribeServices', omitFields: ['services'] }],
    });
    expect((await w.create(id, run)).kind).toBe('wait');
    expect((await w.store.get(id))!.steps.placement.output).toEqual({
      waitedForCapacity: 'true',
      state: 'service not described yet',
      lastEvent: '',
    });
    await w.inspect('faults', { rules: [] });

    const done = await finish(id);
    expect(done.waitedForCapacity).toBe('true');
    expect(Number(done.placementWaitMs)).toBeGreaterThan(0);
    // The wait was already known: the instance the task landed on is not looked up.
    expect(w.inputsOf('DescribeContainerInstances')).toEqual([]);
  });

  it('without service events, the instance the task landed on tells: it registered after the task was created', async () => {
    await fillBaseInstance();
    const { id } = await w.submit();
    await w.inspect('faults', { rules: [{ operation: 'ecs:DescribeServices', omitFields: ['events'] }] });
    await w.resetCalls();
    const { waits, done } = await placeWatching(id, 'is done', () => false);
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) expect(wait).toMatchObject({ waitedForCapacity: 'false', lastEvent: '' });
    expect(waits[0]!.state).toBe('task pending (1)');
    expect(done!.waitedForCapacity).toBe('true');

    const { tasks } = await w.ctx.aws.ecs.send(
      new DescribeTasksCommand({ cluster: w.config.ECS_CLUSTER, tasks: [done!.taskArn!] }),
    );
    expect(w.inputsOf('DescribeContainerInstances')).toEqual([
      { cluster: w.config.ECS_CLUSTER, containerInstances: [tasks![0]!.containerInstanceArn] },
    ]);
  });

  // Without events, only the landing can tell; an answer missing what that needs claims no wait.
  for (const { what, operation, field, lookups } of [
    {
      what: "the instance's registration time",
      operation: 'ecs:DescribeContainerInstances',
      field: 'registeredAt',
      lookups: 1,
    },
    {
      what: 'the instance (gone meanwhile: a failure MISSING)',
      operation: 'ecs:DescribeContainerInstances',
      field: 'containerInstances',
      lookups: 1,
    },
    // The task's creation time is read first: without it the instance is not even looked up.
    { what: "the task's creation time", operation: 'ecs:DescribeTasks', field: 'createdAt', lookups: 0 },
  ]) {
    it(`without ${what}, a landing is not taken for a wait`, async () => {
      await fillBaseInstance();
      const { id } = await w.submit();
      await w.inspect('faults', {
        rules: [
          { operation: 'ecs:DescribeServices', omitFields: ['events'] },
          { operation, omitFields: [field] },
        ],
      });
      await w.resetCalls();
      const done = await finish(id);
      expect(done.waitedForCapacity).toBe('false');
      expect(w.inputsOf('DescribeContainerInstances')).toHaveLength(lookups);
    });
  }

  it('a task placed at once on an instance older than it did not wait', async () => {
    const { id } = await w.submit();
    await w.resetCalls();
    const { waits, done } = await placeWatching(id, 'is done', () => false);
    for (const wait of waits) expect(wait.waitedForCapacity).toBe('false');
    expect(done!.waitedForCapacity).toBe('false');
    expect(w.inputsOf('DescribeContainerInstances')).toHaveLength(1);
  });

  it("a redeploy on a full cluster: the new revision's task PROVISIONING without an instance beside the old one is a wait", async () => {
    const [first] = await fillBaseInstance();
    const id = first!;
    const before = (await w.store.get(id))!;
    // Restored credentials: a new revision rolled out, whose task finds no room beside the two running.
    await w.store.markCredentialsLost(id, { instance: before, reason: 'gone' });
    await w.store.restoreCredentials(id, { gatewayToken: w.sealer.seal('restored-token', id) });
    await w.inspect('faults', { rules: [{ operation: 'ecs:DescribeServices', omitFields: ['events'] }] });
    await w.resetCalls();
    const { waits } = await placeWatching(
      id,
      'sees the new task wait beside the old one',
      (o) => o.waitedForCapacity === 'true',
    );
    expect(waits.at(-1)).toEqual({
      waitedForCapacity: 'true',
      state: expect.stringMatching(/^task (RUNNING,PROVISIONING|PROVISIONING,RUNNING)$/),
      lastEvent: '',
    });
    expect((await finish(id)).waitedForCapacity).toBe('true');
  });
});
