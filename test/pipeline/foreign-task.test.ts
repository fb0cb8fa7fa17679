import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { resourceNames } from '../../shared/naming.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

interface State {
  tasks: { arn: string; group: string; lastStatus: string }[];
}

/**
 * An implementation that ignores ListTasks' `serviceName` filter lists another service's task, first.
 * localcloud's `foreignTask` fault answers so; the worker must take only the service's own tasks.
 */
describe('ListTasks answering another service task', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('placement takes only its own task, and a delete does not wait for the other one', async () => {
    const first = await p.submit('foreign-a');
    const [a] = await p.waitForStatus([first.id], ['running']);
    const aTask = a!.steps.placement.output?.taskArn;
    expect(aTask).toBeTruthy();

    await p.inspect('faults', { rules: [{ operation: 'ecs:ListTasks', foreignTask: true }] });
    const second = await p.submit('foreign-b');
    const [b] = await p.waitForStatus([second.id], ['running', 'failed']);
    expect(b!.status).toBe('running');
    const bTask = b!.steps.placement.output?.taskArn;
    expect(bTask).not.toBe(aTask);
    const state = await p.inspect<State>('state');
    expect(state.tasks.find((t) => t.arn === bTask)?.group).toBe(
      `service:${resourceNames(second.id).serviceName}`,
    );
    // The fault does answer so: a ListTasks for B's service lists A's running task first.
    const aws = makeAwsClients(p.config);
    const listed = await aws.ecs.send(
      new ListTasksCommand({
        cluster: p.config.ECS_CLUSTER,
        serviceName: resourceNames(second.id).serviceName,
      }),
    );
    aws.destroy();
    expect(listed.taskArns?.[0]).toBe(aTask);

    // The secret's undo lists the service's tasks too: A's task, still running, does not hold B's delete.
    await p.remove(second.id);
    await p.waitForStatus([second.id], ['deleted']);
    expect((await p.store.get(first.id))?.status).toBe('running');
    expect(state.tasks.find((t) => t.arn === aTask)?.lastStatus).toBe('RUNNING');
  });
});
