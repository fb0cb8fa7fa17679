import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
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
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, liveContainerPids, startLocalcloud } from '../../localcloud/index.js';
import { clients, inspect, waitFor } from './helpers.js';

/**
 * The data plane's tasks, with real processes and real HTTP: a service's task runs the stand-in
 * gateway with ECS's environment (its secret's JSON keys), its target turns healthy from measured
 * checks, a killed gateway is replaced, a bad release is found unhealthy and replaced, a secret missing
 * its key stops the task with ECS's reason, and nothing is left running after delete and close.
 */
let lc: Localcloud;
let c: ReturnType<typeof clients>;
let secretArn: string;
let priority = 0;
const TOKEN = 'gw-token-5f2c9e0a7b';

interface DataPlaneTask {
  taskArn: string;
  serviceName?: string;
  lastStatus: string;
  pid?: number;
  port?: number;
  targets: { state?: string; reason?: string }[];
}

beforeAll(async () => {
  lc = await startLocalcloud({
    port: 0,
    seed: 71,
    failingImages: 'unhealthy=gateway:sick-*,exit=gateway:crash',
    timing: { taskProvisioningMs: 5, taskStartMs: 10, serviceDrainMs: 20, scalingEvaluationMs: 50 },
  });
  c = clients(lc);
  const secret = await c.sm.send(
    new CreateSecretCommand({
      Name: 'openclaw/instances/abc123',
      SecretString: JSON.stringify({ ANTHROPIC_API_KEY: 'sk-ant-test', OPENCLAW_GATEWAY_TOKEN: TOKEN }),
    }),
  );
  secretArn = secret.ARN!;
});
afterAll(() => lc?.close());

/** A user's slice as the worker builds it: target group, rule, task definition (secrets by JSON key), service. */
async function deploy(name: string, options: { image?: string; tokenKey?: string } = {}): Promise<string> {
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
          image: options.image ?? 'gateway:2026.11.1',
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
              valueFrom: `${secretArn}:${options.tokenKey ?? 'OPENCLAW_GATEWAY_TOKEN'}::`,
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
    }),
  );
  return tgArn;
}

const dataPlaneTasks = async (service: string): Promise<DataPlaneTask[]> =>
  (await inspect<{ dataPlane: { tasks: DataPlaneTask[] } }>(lc, 'state')).dataPlane.tasks.filter(
    (t) => t.serviceName === service,
  );

/** The service's task that runs a process whose target is healthy (other than `not`). */
const healthyTask = (service: string, not?: number) =>
  waitFor(
    async () =>
      (await dataPlaneTasks(service)).find(
        (t) =>
          t.port !== undefined && (not === undefined || t.pid !== not) && t.targets[0]?.state === 'healthy',
      ),
    { what: `a healthy task of ${service} with a process`, timeoutMs: 15_000 },
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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stand-in gateway processes whose parent is this test process, read from /proc. */
function childGateways(): number[] {
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

describe('tasks that run', () => {
  it('runs the gateway with the secret JSON keys: /health open, the base path needs the token', async () => {
    const tgArn = await deploy('alice');
    const task = await healthyTask('alice');
    const base = `http://127.0.0.1:${task.port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const denied = await fetch(`${base}/alice/`);
    expect(denied.status).toBe(401);
    expect(JSON.stringify(await denied.json())).not.toContain(TOKEN);
    expect((await fetch(`${base}/alice/`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const json = await fetch(`${base}/alice/`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ instanceId: 'alice', status: 'ok' });
    const page = await fetch(`${base}/alice/?token=${TOKEN}`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<code>alice</code>');

    const health = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(health.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('healthy');

    // The same gateway through the load balancer, at the address its DNSName names.
    const viaAlb = `http://${lc.ids.ALB_DNS_NAME}/alice/`;
    expect((await fetch(viaAlb)).status).toBe(401);
    expect((await fetch(viaAlb, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('kill -9 of the gateway stops its task (essential container exited) and a new process answers', async () => {
    const first = await healthyTask('alice');
    process.kill(first.pid!, 'SIGKILL');
    const stopped = await waitFor(
      async () => (await stoppedTasks('alice')).find((t) => t.stopCode === 'EssentialContainerExited'),
      { what: 'the killed task STOPPED' },
    );
    expect(stopped.stoppedReason).toBe('Essential container in task exited');
    const next = await healthyTask('alice', first.pid);
    const res = await fetch(`http://127.0.0.1:${next.port}/alice/health`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
  });

  it('a release failing its health checks turns unhealthy and ECS replaces the task', async () => {
    const tgArn = await deploy('sicko', { image: 'gateway:sick-1' });
    const stopped = await waitFor(
      async () => (await stoppedTasks('sicko')).find((t) => t.stopCode === 'ServiceSchedulerInitiated'),
      { what: 'the unhealthy task replaced', timeoutMs: 15_000 },
    );
    expect(stopped.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${tgArn})`);
    const svc = await describeService('sicko');
    expect(svc.events?.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /is unhealthy in \(target-group .*\) due to \(reason Health checks failed with these codes: \[500\]\)/,
      ),
    );
  });

  it('a secret missing its JSON key stops the task before it runs, with the ECS agent reason', async () => {
    await deploy('nokey', { tokenKey: 'NO_SUCH_KEY' });
    const stopped = await waitFor(async () => (await stoppedTasks('nokey'))[0], {
      what: 'the task STOPPED for its secret',
    });
    expect(stopped.stopCode).toBe('TaskFailedToStart');
    expect(stopped.stoppedReason).toBe(
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key NO_SUCH_KEY',
    );
    expect(stopped.startedAt).toBeUndefined();
    // It keeps failing the same way; ECS throttles the relaunches and says so.
    await waitFor(
      async () =>
        (await describeService('nokey')).events?.some(
          (e) => e.message === '(service nokey) is unable to consistently start tasks successfully.',
        ),
      { what: 'the throttle event' },
    );
  });

  it('a container that exits at start stops its task (essential container exited)', async () => {
    await deploy('crashy', { image: 'gateway:crash' });
    const stopped = await waitFor(async () => (await stoppedTasks('crashy'))[0], {
      what: 'the crashing task STOPPED',
    });
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    // It had started (ECS moves such a task to RUNNING first), so no launch throttle applies.
    expect(stopped.startedAt).toBeDefined();
    await c.ecs.send(
      new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'crashy', force: true }),
    );
  });

  it('deleting the service stops its gateway process', async () => {
    const task = await healthyTask('alice');
    await c.ecs.send(
      new DeleteServiceCommand({ cluster: lc.ids.ECS_CLUSTER, service: 'alice', force: true }),
    );
    await waitFor(async () => !alive(task.pid!), { what: `process ${task.pid} gone after delete` });
    expect(liveContainerPids()).not.toContain(task.pid);
  });

  it('close leaves no child process behind', async () => {
    await deploy('bob');
    const task = await healthyTask('bob');
    expect(childGateways()).toContain(task.pid);
    await lc.close();
    expect(liveContainerPids()).toEqual([]);
    expect(childGateways()).toEqual([]);
  });
});

describe('the in-process runtime', () => {
  let local: Localcloud | undefined;
  afterAll(() => local?.close());

  it('serves the same stand-in without a process per task', async () => {
    local = await startLocalcloud({
      port: 0,
      seed: 72,
      taskRuntime: 'in-process',
      timing: { taskProvisioningMs: 5, taskStartMs: 10, serviceDrainMs: 20 },
    });
    const saved = { lc, c };
    lc = local;
    c = clients(local);
    try {
      const secret = await c.sm.send(
        new CreateSecretCommand({
          Name: 's',
          SecretString: JSON.stringify({ OPENCLAW_GATEWAY_TOKEN: TOKEN, ANTHROPIC_API_KEY: 'k' }),
        }),
      );
      secretArn = secret.ARN!;
      await deploy('carol');
      const task = await healthyTask('carol');
      expect(task.pid).toBeUndefined();
      const res = await fetch(`http://127.0.0.1:${task.port}/carol/`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
    } finally {
      ({ lc, c } = saved);
    }
  });
});

describe('the command runtime', () => {
  let local: Localcloud | undefined;
  afterAll(() => local?.close());

  it('runs the command template with {port} and the container environment', async () => {
    const standIn = fileURLToPath(new URL('../../localcloud/runtime/gateway-stand-in.mjs', import.meta.url));
    local = await startLocalcloud({
      port: 0,
      seed: 73,
      taskRuntime: 'command',
      // PORT is in the environment too; the template shows {port} reaching the command line.
      taskCommand: `PORT={port} exec "${process.execPath}" "${standIn}"`,
      timing: { taskProvisioningMs: 5, taskStartMs: 10, serviceDrainMs: 20 },
    });
    const saved = { lc, c };
    lc = local;
    c = clients(local);
    try {
      const secret = await c.sm.send(
        new CreateSecretCommand({
          Name: 's',
          SecretString: JSON.stringify({ OPENCLAW_GATEWAY_TOKEN: TOKEN, ANTHROPIC_API_KEY: 'k' }),
        }),
      );
      secretArn = secret.ARN!;
      await deploy('dave');
      const task = await healthyTask('dave');
      expect(task.pid).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${task.port}/dave/`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      await local.close();
      expect(alive(task.pid!)).toBe(false);
    } finally {
      ({ lc, c } = saved);
    }
  });
});
