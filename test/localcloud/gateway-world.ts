import { readdirSync, readFileSync } from 'node:fs';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { CreateRuleCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { type Localcloud, type LocalcloudOptions, startLocalcloud } from '../../localcloud/index.js';
import { clients, inspect, waitFor } from './helpers.js';

/** The gateway token every test secret holds. */
export const TOKEN = 'gw-token-5f2c9e0a7b';

/** A task as `/_localcloud/state` lists it under `dataPlane`. */
export interface DataPlaneTask {
  taskArn: string;
  serviceName?: string;
  lastStatus: string;
  pid?: number;
  port?: number;
  targets: { state?: string; reason?: string }[];
}

/**
 * A localcloud with a user's secret, and what the task runtime tests do to it: deploy a user's slice
 * as the worker builds it (target group checking /health, rule, task definition reading the secret's
 * JSON keys, service), and find its tasks' processes.
 */
export async function startGatewayWorld(options: LocalcloudOptions) {
  const lc: Localcloud = await startLocalcloud({
    port: 0,
    timing: { taskProvisioningMs: 5, taskStartMs: 10, serviceDrainMs: 20, scalingEvaluationMs: 50 },
    ...options,
  });
  const c = clients(lc);
  const secret = await c.sm.send(
    new CreateSecretCommand({
      Name: 'openclaw/instances/abc123',
      SecretString: JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-test', OPENCLAW_GATEWAY_TOKEN: TOKEN }),
    }),
  );
  const secretArn = secret.ARN!;
  let priority = 0;

  async function deploy(
    name: string,
    o: { image?: string; tokenKey?: string; circuitBreaker?: boolean } = {},
  ): Promise<string> {
    priority += 1;
    const tg = await c.elb.send(
      new CreateTargetGroupCommand({
        Name: `tg-${name}`,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: lc.ids.VPC_ID,
        TargetType: 'ip',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
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
      new RegisterTaskDefinitionCommand({
        family: `openclaw-${name}`,
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1536',
        containerDefinitions: [
          {
            name: 'gateway',
            image: o.image ?? 'gateway:2026.11.1',
            essential: true,
            portMappings: [{ containerPort: 8080 }],
            environment: [
              { name: 'INSTANCE_ID', value: name },
              { name: 'BASE_PATH', value: `/${name}` },
            ],
            secrets: [
              { name: 'ANTHROPIC_API_KEY', valueFrom: `${secretArn}:ANTHROPIC_API_KEY::` },
              {
                name: 'OPENCLAW_GATEWAY_TOKEN',
                valueFrom: `${secretArn}:${o.tokenKey ?? 'OPENCLAW_GATEWAY_TOKEN'}::`,
              },
            ],
          },
        ],
      }),
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: lc.ids.ECS_CLUSTER,
        serviceName: name,
        taskDefinition: `openclaw-${name}`,
        desiredCount: 1,
        healthCheckGracePeriodSeconds: 0,
        capacityProviderStrategy: [{ capacityProvider: lc.ids.CAPACITY_PROVIDER, weight: 1, base: 0 }],
        networkConfiguration: { awsvpcConfiguration: { subnets: lc.ids.SUBNET_IDS.split(',') } },
        loadBalancers: [{ targetGroupArn: tgArn, containerName: 'gateway', containerPort: 8080 }],
        ...(o.circuitBreaker === undefined
          ? {}
          : {
              deploymentConfiguration: {
                deploymentCircuitBreaker: { enable: o.circuitBreaker, rollback: o.circuitBreaker },
              },
            }),
      }),
    );
    return tgArn;
  }

  const dataPlaneTasks = async (service: string): Promise<DataPlaneTask[]> =>
    (await inspect<{ dataPlane: { tasks: DataPlaneTask[] } }>(lc, 'state')).dataPlane.tasks.filter(
      (t) => t.serviceName === service,
    );

  /** The service's task that listens and whose target is healthy (with another pid than `not`). */
  const healthyTask = (service: string, not?: number) =>
    waitFor(
      async () =>
        (await dataPlaneTasks(service)).find(
          (t) =>
            t.port !== undefined && (not === undefined || t.pid !== not) && t.targets[0]?.state === 'healthy',
        ),
      { what: `a healthy task of ${service} that listens`, timeoutMs: 15_000 },
    );

  const describeService = async (name: string) =>
    (await c.ecs.send(new DescribeServicesCommand({ cluster: lc.ids.ECS_CLUSTER, services: [name] })))
      .services![0]!;

  async function stoppedTasks(service: string): Promise<Task[]> {
    const cluster = lc.ids.ECS_CLUSTER;
    const list = await c.ecs.send(
      new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED' }),
    );
    if (!list.taskArns?.length) return [];
    return (await c.ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns }))).tasks ?? [];
  }

  return { lc, c, deploy, dataPlaneTasks, healthyTask, describeService, stoppedTasks };
}

export type GatewayWorld = Awaited<ReturnType<typeof startGatewayWorld>>;

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stand-in gateway processes whose parent is this test process, read from /proc. */
export function childGateways(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmd.includes('gateway-stand-in')) out.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return out;
}
