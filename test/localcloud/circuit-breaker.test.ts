import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';
import { waitFor } from './helpers.js';

/**
 * ECS's deployment circuit breaker in localcloud: a deployment whose tasks keep failing is FAILED after
 * 3 failures (the minimum threshold) and, with rollback, replaced by a deployment of the last completed
 * revision; without the breaker the deployment keeps trying.
 */
let w: GatewayWorld;
beforeAll(async () => {
  w = await startGatewayWorld({ seed: 17, taskRuntime: 'in-process', failingImages: 'exit=gateway:crash' });
});
afterAll(() => w?.lc.close());

async function updateToCrashingImage(service: string): Promise<string> {
  const { taskDefinition } = await w.c.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: `openclaw-${service}` }),
  );
  const td = taskDefinition!;
  const next = await w.c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: td.family!,
      networkMode: td.networkMode,
      cpu: td.cpu,
      memory: td.memory,
      containerDefinitions: td.containerDefinitions!.map((c) => ({ ...c, image: 'gateway:crash' })),
    }),
  );
  const arn = next.taskDefinition!.taskDefinitionArn!;
  await w.c.ecs.send(
    new UpdateServiceCommand({ cluster: w.lc.ids.ECS_CLUSTER, service, taskDefinition: arn }),
  );
  return arn;
}

const completed = (service: string) =>
  waitFor(
    async () => {
      const svc = await w.describeService(service);
      return svc.deployments?.length === 1 && svc.deployments[0]!.rolloutState === 'COMPLETED' && svc;
    },
    { what: `${service}'s one deployment COMPLETED`, timeoutMs: 15_000 },
  );

describe('deployment circuit breaker', () => {
  it('fails a deployment after 3 failed tasks and rolls the service back to the last completed revision', async () => {
    await w.deploy('cb', { circuitBreaker: true });
    const before = (await completed('cb')).taskDefinition!;
    const bad = await updateToCrashingImage('cb');
    const failedEvent = await waitFor(
      async () =>
        (await w.describeService('cb')).events?.find((e) => /deployment failed/.test(e.message ?? '')),
      { what: 'the circuit breaker failing the deployment', timeoutMs: 15_000 },
    );
    expect(failedEvent.message).toMatch(
      /\(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\./,
    );
    const after = await completed('cb');
    expect(after.taskDefinition).toBe(before);
    expect(after.events?.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/rolling back to deployment ecs-svc\/\d+\./),
    );
    const failedTasks = (await w.stoppedTasks('cb')).filter((t) => t.taskDefinitionArn === bad);
    expect(failedTasks).toHaveLength(3);
    expect(failedTasks.every((t) => t.stopCode === 'EssentialContainerExited')).toBe(true);
  });

  it('without the breaker, keeps launching tasks of a failing deployment', async () => {
    await w.deploy('nocb', { circuitBreaker: false });
    await completed('nocb');
    const bad = await updateToCrashingImage('nocb');
    await waitFor(
      async () => (await w.stoppedTasks('nocb')).filter((t) => t.taskDefinitionArn === bad).length > 3,
      { what: 'more than 3 failed tasks', timeoutMs: 15_000 },
    );
    const svc = await w.describeService('nocb');
    expect(svc.taskDefinition).toBe(bad);
    expect(svc.deployments![0]).toMatchObject({ taskDefinition: bad, rolloutState: 'IN_PROGRESS' });
  });
});
