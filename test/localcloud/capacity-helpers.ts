import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Localcloud, LocalcloudTiming } from '../../localcloud/index.js';
import type { clients } from './helpers.js';

/** Millisecond timings: a 3-minute launch takes 200 ms, the 15-minute idle period 400 ms. */
export const FAST: Partial<LocalcloudTiming> = {
  instanceLaunchMs: 200,
  taskProvisioningMs: 5,
  taskStartMs: 10,
  healthCheckMs: 30,
  scalingEvaluationMs: 40,
  scaleInIdleMs: 400,
  drainMs: 80,
  serviceDrainMs: 20,
};

type Clients = ReturnType<typeof clients>;

/** The worker's flow: task definition (512 CPU, 1536 MiB, awsvpc), then per user a target group, a rule, a service. */
export async function registerGateway(c: Clients): Promise<void> {
  await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'gateway',
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1536',
      containerDefinitions: [
        { name: 'gateway', image: 'openclaw', portMappings: [{ containerPort: 18789 }] },
      ],
    }),
  );
}

export async function deployUser(
  c: Clients,
  lc: Localcloud,
  name: string,
  priority: number,
): Promise<string> {
  const tg = await c.elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 18789,
      VpcId: lc.ids.VPC_ID,
      TargetType: 'ip',
      // The stand-in gateway answers /health at its root, as the worker's target groups check it.
      HealthCheckPath: '/health',
    }),
  );
  const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await c.elb.send(
    new CreateRuleCommand({
      ListenerArn: lc.ids.ALB_LISTENER_ARN,
      Priority: priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/${name}/*`] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: lc.ids.ECS_CLUSTER,
      serviceName: name,
      taskDefinition: 'gateway',
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: lc.ids.SUBNET_IDS.split(','),
          securityGroups: [lc.ids.SECURITY_GROUP_IDS],
        },
      },
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gateway', containerPort: 18789 }],
    }),
  );
  return tgArn;
}

export async function serviceTask(c: Clients, lc: Localcloud, name: string): Promise<Task | undefined> {
  const list = await c.ecs.send(new ListTasksCommand({ cluster: lc.ids.ECS_CLUSTER, serviceName: name }));
  if (!list.taskArns?.length) return undefined;
  return (await c.ecs.send(new DescribeTasksCommand({ cluster: lc.ids.ECS_CLUSTER, tasks: list.taskArns })))
    .tasks?.[0];
}

export async function service(c: Clients, lc: Localcloud, name: string) {
  return (await c.ecs.send(new DescribeServicesCommand({ cluster: lc.ids.ECS_CLUSTER, services: [name] })))
    .services![0]!;
}

export async function group(c: Clients) {
  return (
    await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['openclaw-ecs-asg'] }))
  ).AutoScalingGroups![0]!;
}

export async function targetState(c: Clients, tgArn: string): Promise<string | undefined> {
  const h = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
  return h.TargetHealthDescriptions?.[0]?.TargetHealth?.State;
}
