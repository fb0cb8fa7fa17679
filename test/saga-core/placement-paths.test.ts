import { DeleteServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { failsForGood, jobRun, NEVER_HEALTHY_IMAGE, useSagaWorld } from './saga-bench.js';

/**
 * Placement's answers other than a healthy task: a service not described yet (eventual consistency) is
 * waited for a while, then taken for missing; a service deleted under it fails at once; tasks that cannot
 * read their secret fail with ECS's own reason, not at the deadline; a target that never turns healthy
 * fails once the circuit breaker trips; and a placement retried after the instance failed starts afresh.
 */
describe('placement step: its other answers', () => {
  const w = useSagaWorld();

  /** Create attempts until the saga has reached placement (its first poll has run). */
  async function atPlacement(id: string, run = jobRun()) {
    let outcome = await w.create(id, run);
    while (outcome.kind === 'wait' && (await w.store.get(id))!.currentStep !== 'placement')
      outcome = await w.create(id, run);
    expect(outcome.kind).toBe('wait');
    return run;
  }

  /** Create attempts until one throws: how the instance fails. */
  function untilFailure(id: string, run: ReturnType<typeof jobRun>): Promise<unknown> {
    return waitFor(
      async () =>
        w.create(id, run).then(
          () => false,
          (error: unknown) => error,
        ),
      { what: 'placement failing' },
    );
  }

  it('a service not described yet is waited for, then, past 30 s, taken for missing', async () => {
    const { id } = await w.submit();
    const run = await atPlacement(id);
    // DescribeServices answers without the service, as ECS may right after CreateService.
    await w.inspect('faults', { rules: [{ operation: 'ecs:DescribeServices', omitFields: ['services'] }] });
    expect(await w.create(id, run)).toEqual({ kind: 'wait', afterMs: w.config.PLACEMENT_POLL_MS });
    expect((await w.store.get(id))!.steps.placement.output).toEqual({
      waitedForCapacity: 'false',
      state: 'service not described yet',
      lastEvent: '',
    });
    expect(run.notes.at(-1)).toBe(`waiting: service openclaw-${id} not described yet`);
    // Still within 30 s of the step's start: looked at again.
    w.clock.offsetMs = 29_000;
    expect((await w.create(id, run)).kind).toBe('wait');
    w.clock.offsetMs = 31_000;
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('placement', 'ServiceGone'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'placement',
      code: 'ServiceGone',
      message: `service openclaw-${id} is missing while placing`,
    });
  });

  it('a service deleted while placing fails the instance at once', async () => {
    const { id } = await w.submit();
    const run = await atPlacement(id);
    const cluster = w.config.ECS_CLUSTER;
    await w.ctx.aws.ecs.send(
      new UpdateServiceCommand({ cluster, service: `openclaw-${id}`, desiredCount: 0 }),
    );
    await w.ctx.aws.ecs.send(new DeleteServiceCommand({ cluster, service: `openclaw-${id}`, force: true }));
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('placement', 'ServiceGone'));
    expect((await w.store.get(id))!.error?.message).toMatch(
      new RegExp(`^service openclaw-${id} is (DRAINING|INACTIVE) while placing$`),
    );
  });

  it("tasks that cannot read their secret's key fail placement with ECS's reason", async () => {
    const { id } = await w.submit();
    // The secret loses its keys before the service's first task starts.
    w.before.set('CreateService', async () => {
      await w.ctx.aws.secrets.send(
        new PutSecretValueCommand({ SecretId: `openclaw/instances/${id}`, SecretString: '{}' }),
      );
    });
    const run = jobRun();
    let outcome: unknown;
    for (let i = 0; i < 200 && outcome === undefined; i++) {
      outcome = await w.create(id, run).then(
        (o) => (o.kind === 'wait' ? undefined : o),
        (error: unknown) => error,
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(outcome).toEqual(failsForGood('placement', 'TaskFailedToStart'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'placement',
      code: 'TaskFailedToStart',
      message: expect.stringMatching(
        /^ResourceInitializationError: .* did not contain json key ANTHROPIC_API_KEY$/,
      ),
    });
  });

  it("tasks that cannot start, first seen after they tripped the circuit breaker: still ECS's reason", async () => {
    const { id } = await w.submit();
    const service = `openclaw-${id}`;
    const cluster = w.config.ECS_CLUSTER;
    w.before.set('CreateService', async () => {
      await w.ctx.aws.secrets.send(
        new PutSecretValueCommand({ SecretId: `openclaw/instances/${id}`, SecretString: '{}' }),
      );
      // The saga's next look at the service waits until the breaker has failed the rollout: a busy worker.
      w.before.set('DescribeServices', () =>
        waitFor(
          async () => {
            const { services = [] } = await w.ctx.aws.ecs.send(
              new DescribeServicesCommand({ cluster, services: [service] }),
            );
            return services[0]?.deployments?.[0]?.rolloutState === 'FAILED';
          },
          { what: `the circuit breaker failing ${service}'s rollout` },
        ).then(() => undefined),
      );
    });
    const run = jobRun();
    const failure = await untilFailure(id, run);
    expect(failure).toEqual(failsForGood('placement', 'TaskFailedToStart'));
    expect((await w.store.get(id))!.error?.message).toMatch(
      /^ResourceInitializationError: .* did not contain json key ANTHROPIC_API_KEY$/,
    );
  });

  for (const operation of ['ListTasks', 'DescribeTasks']) {
    it(`looking for why tasks fail to start, a failing ${operation} is named`, async () => {
      const { id } = await w.submit();
      w.before.set('CreateService', async () => {
        await w.ctx.aws.secrets.send(
          new PutSecretValueCommand({ SecretId: `openclaw/instances/${id}`, SecretString: '{}' }),
        );
        await w.inspect('faults', {
          rules: [{ operation: `ecs:${operation}`, errorRate: 1, error: 'unsupported' }],
        });
      });
      const run = jobRun();
      const failure = await untilFailure(id, run);
      expect(failure).toEqual(failsForGood('placement'));
      expect((await w.store.get(id))!.error?.message).toMatch(new RegExp(`^${operation}: \\S`));
    });
  }

  it('a placement retried after the instance failed starts afresh: a new deadline, nothing it saw before', async () => {
    await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
    const { id } = await w.submit();
    const run = await atPlacement(id);
    w.clock.offsetMs = w.config.PLACEMENT_DEADLINE_MS + 1_000;
    await expect(w.create(id, run)).rejects.toEqual(failsForGood('placement', 'PlacementTimeout'));
    const failed = (await w.store.get(id))!.steps.placement;
    // What the failed attempt saw, made to say it waited for capacity: the new attempt must not inherit it.
    await w.store.recordStep(
      id,
      'placement',
      { ...failed, output: { ...failed.output!, waitedForCapacity: 'true' } },
      'failed',
    );
    await w.store.requeue(id);
    expect(await w.create(id, jobRun(2))).toMatchObject({ kind: 'wait' });
    const again = (await w.store.get(id))!.steps.placement;
    expect(again.state).toBe('waiting');
    expect(Date.parse(again.startedAt!)).toBeGreaterThan(Date.parse(failed.startedAt!));
    expect(again.output?.waitedForCapacity).toBe('false');
    expect(again.attempts).toBe(failed.attempts + 1);
  });

  it('a target that never turns healthy: the waits say what each poll saw, then the circuit breaker fails it', async () => {
    await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
    const { id } = await w.submit();
    const run = await atPlacement(id);
    const failure = await untilFailure(id, run);
    expect(failure).toEqual(failsForGood('placement', 'DeploymentFailed'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'placement',
      code: 'DeploymentFailed',
      message: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    // Each wait: what the task was, its target's health once it ran, and the service's latest event.
    const waits = run.notes.filter((n) => n.startsWith('waiting: '));
    for (const wait of waits)
      expect(wait).toMatch(
        /^waiting: (no task yet \(desired 1\)|task pending \(1\)|task [A-Z]+(, target [a-z]+)?); \(service openclaw-\w+\) /,
      );
    expect(waits.some((n) => n.startsWith('waiting: task RUNNING, target initial; '))).toBe(true);
  });

  for (const answer of ['whole', 'without the ENI attachment'] as const) {
    it(`only the task's own target counts, found by its IP (task answered ${answer}): another healthy target in its group does not place it`, async () => {
      await w.restart({ GATEWAY_IMAGE: NEVER_HEALTHY_IMAGE });
      const { id } = await w.submit();
      // A target someone registered by hand before the task's own: listed first, and healthy soon.
      w.before.set('CreateService', async () => {
        const [group] = await w.store.get(id).then((r) => [r!.steps['target-group'].output!.targetGroupArn!]);
        await w.ctx.aws.elbv2.send(
          new RegisterTargetsCommand({
            TargetGroupArn: group,
            Targets: [{ Id: '10.0.250.250', Port: 8080 }],
          }),
        );
      });
      if (answer !== 'whole')
        await w.inspect('faults', {
          rules: [{ operation: 'ecs:DescribeTasks', omitFields: ['attachments'] }],
        });
      const run = jobRun();
      let pollsWhileOtherHealthy = 0;
      const outcome = await waitFor(
        async () => {
          const result = await w.create(id, run).then(
            (o) => (o.kind === 'done' ? o : undefined),
            (error: unknown) => error,
          );
          if (result !== undefined) return result;
          const placement = (await w.store.get(id))!.steps.placement;
          if (placement?.output?.state?.startsWith('task RUNNING')) {
            const { TargetHealthDescriptions = [] } = await w.ctx.aws.elbv2.send(
              new DescribeTargetHealthCommand({
                TargetGroupArn: (await w.store.get(id))!.steps['target-group'].output!.targetGroupArn!,
              }),
            );
            if (TargetHealthDescriptions[0]?.TargetHealth?.State === 'healthy') pollsWhileOtherHealthy += 1;
          }
          return false;
        },
        { what: 'placement ending' },
      );
      expect(pollsWhileOtherHealthy).toBeGreaterThan(0);
      expect(outcome).toEqual(failsForGood('placement', 'DeploymentFailed'));
    });
  }

  it('a wait for capacity an earlier poll saw is kept to the checkpoint', async () => {
    const { id } = await w.submit();
    const run = await atPlacement(id);
    const waiting = (await w.store.get(id))!.steps.placement;
    expect(waiting.state).toBe('waiting');
    // An earlier poll saw the task wait for capacity (a capacity event since buried by newer ones).
    await w.store.recordStep(
      id,
      'placement',
      { ...waiting, output: { ...waiting.output!, waitedForCapacity: 'true' } },
      'provisioning',
    );
    await w.createUntilDone(id, run);
    expect((await w.store.get(id))!.steps.placement.output?.waitedForCapacity).toBe('true');
  });
});
