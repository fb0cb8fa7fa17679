import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { FAST, serviceTask } from './capacity-helpers.js';
import { clients, waitFor } from './helpers.js';

let lc: Localcloud;
let c: ReturnType<typeof clients>;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  lc = await startLocalcloud({ port: 0, seed: 23, taskRuntime: 'none', timing: FAST });
  c = clients(lc);
  logs = new CloudWatchLogsClient({
    endpoint: lc.url,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  logs?.destroy();
  await lc?.close();
});

describe('task log streams without a task runtime', () => {
  it('writes ECS-agent-like lines (started, stopped and why) to <prefix>/<container>/<task id>', async () => {
    await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'agent-lines',
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1536',
        containerDefinitions: [
          {
            name: 'gateway',
            image: 'openclaw',
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': lc.ids.LOG_GROUP,
                'awslogs-region': 'us-west-2',
                'awslogs-stream-prefix': 'openclaw-agentlines01',
              },
            },
          },
        ],
      }),
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: lc.ids.ECS_CLUSTER,
        serviceName: 'agent-lines',
        taskDefinition: 'agent-lines',
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1 }],
        networkConfiguration: { awsvpcConfiguration: { subnets: lc.ids.SUBNET_IDS.split(',') } },
      }),
    );
    const task = await waitFor(
      async () => {
        const t = await serviceTask(c, lc, 'agent-lines');
        return t?.lastStatus === 'RUNNING' ? t : undefined;
      },
      { what: 'the task RUNNING' },
    );
    const taskId = task.taskArn!.split('/').pop()!;
    await c.ecs.send(
      new UpdateServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'agent-lines', desiredCount: 0 }),
    );
    const lines = await waitFor(
      async () => {
        const out = await logs.send(
          new GetLogEventsCommand({
            logGroupName: lc.ids.LOG_GROUP,
            logStreamName: `openclaw-agentlines01/gateway/${taskId}`,
            startFromHead: true,
          }),
        );
        const messages = (out.events ?? []).map((e) => e.message ?? '');
        return messages.length >= 2 ? messages : undefined;
      },
      { what: 'the started and stopped lines' },
    );
    expect(lines[0]).toBe(`[ecs-agent] task ${taskId} started (agent-lines:1)`);
    expect(lines[1]).toMatch(new RegExp(`^\\[ecs-agent\\] task ${taskId} stopped: \\S+ .+`));
  });
});
