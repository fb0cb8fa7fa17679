import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateRuleCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startLocalcloud } from '../../localcloud/index.js';
import { clients } from './helpers.js';

const N = Number(process.env.N ?? 2000);
const t0 = Date.now();
const lc = await startLocalcloud({
  port: 0,
  albs: Math.ceil(N / 98) + 1,
  timeScale: 0.0001,
  timing: { instanceLaunchMs: 0, taskProvisioningMs: 0, taskStartMs: 0, healthCheckMs: 0 },
  asg: { min: Math.ceil(N / 2) + 2, max: Math.ceil(N / 2) + 20 },
});
console.log('start', Date.now() - t0);
const c = clients(lc);
await c.ecs.send(
  new RegisterTaskDefinitionCommand({
    family: 'g',
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1536',
    containerDefinitions: [{ name: 'gateway', image: 'x', portMappings: [{ containerPort: 18789 }] }],
  }),
);
const listeners = lc.ids.ALB_LISTENER_ARNS.split(',');
let next = 0;
const t1 = Date.now();
async function one(i: number) {
  const tg = await c.elb.send(
    new CreateTargetGroupCommand({
      Name: `u${i}`,
      Protocol: 'HTTP',
      Port: 18789,
      VpcId: lc.ids.VPC_ID,
      TargetType: 'ip',
    }),
  );
  const arn = tg.TargetGroups![0]!.TargetGroupArn!;
  await c.elb.send(
    new CreateRuleCommand({
      ListenerArn: listeners[Math.floor(i / 98)]!,
      Priority: (i % 98) + 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/u${i}/*`] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: arn }],
    }),
  );
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: lc.ids.ECS_CLUSTER,
      serviceName: `u${i}`,
      taskDefinition: 'g',
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'openclaw-spot', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: lc.ids.SUBNET_IDS.split(',') } },
      loadBalancers: [{ targetGroupArn: arn, containerName: 'gateway', containerPort: 18789 }],
    }),
  );
}
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (next < N) await one(next++);
  }),
);
console.log('created', Date.now() - t1);
const t2 = Date.now();
for (;;) {
  const state = (await (await fetch(`${lc.url}/_localcloud/state`)).json()) as {
    tasks: { lastStatus: string }[];
  };
  const running = state.tasks.filter((t) => t.lastStatus === 'RUNNING').length;
  if (running === N) break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log('all running', Date.now() - t2);
const ts = Date.now();
for (let i = 0; i < 200; i++)
  await c.ecs.send(new DescribeServicesCommand({ cluster: lc.ids.ECS_CLUSTER, services: [`u${i}`] }));
console.log('200 describes', Date.now() - ts);
const t3 = Date.now();
next = 0;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (next < N)
      await c.ecs.send(
        new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: `u${next++}`, force: true }),
      );
  }),
);
console.log('deleted', Date.now() - t3);
await lc.close();
