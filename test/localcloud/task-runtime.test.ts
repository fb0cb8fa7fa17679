import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveContainerPids } from '../../localcloud/index.js';
import { alive, childGateways, type GatewayWorld, startGatewayWorld, TOKEN } from './gateway-world.js';
import { waitFor } from './helpers.js';

/**
 * The data plane's tasks with the default runtime, real processes and real HTTP: a service's task runs
 * the stand-in gateway with ECS's environment (its secret's JSON keys), its target turns healthy from
 * measured checks, a killed gateway is replaced, a bad release is found unhealthy and replaced, a
 * secret missing its key stops the task with ECS's reason, and nothing runs after delete and close.
 */
let w: GatewayWorld;

beforeAll(async () => {
  w = await startGatewayWorld({ seed: 71, failingImages: 'unhealthy=gateway:sick-*,exit=gateway:crash' });
});
afterAll(() => w?.lc.close());

describe('tasks that run', () => {
  it('runs the gateway with the secret JSON keys: /health open, the base path needs the token', async () => {
    const tgArn = await w.deploy('alice');
    const task = await w.healthyTask('alice');
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

    const health = await w.c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    expect(health.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('healthy');

    // The same gateway through the load balancer, at the address its DNSName names.
    const viaAlb = `http://${w.lc.ids.ALB_DNS_NAME}/alice/`;
    expect((await fetch(viaAlb)).status).toBe(401);
    expect((await fetch(viaAlb, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('kill -9 of the gateway stops its task (essential container exited) and a new process answers', async () => {
    const first = await w.healthyTask('alice');
    process.kill(first.pid!, 'SIGKILL');
    const stopped = await waitFor(
      async () => (await w.stoppedTasks('alice')).find((t) => t.stopCode === 'EssentialContainerExited'),
      { what: 'the killed task STOPPED' },
    );
    expect(stopped.stoppedReason).toBe('Essential container in task exited');
    const next = await w.healthyTask('alice', first.pid);
    const res = await fetch(`http://127.0.0.1:${next.port}/alice/health`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
  });

  it('a release failing its health checks turns unhealthy and ECS replaces the task', async () => {
    const tgArn = await w.deploy('sicko', { image: 'gateway:sick-1' });
    const stopped = await waitFor(
      async () => (await w.stoppedTasks('sicko')).find((t) => t.stopCode === 'ServiceSchedulerInitiated'),
      { what: 'the unhealthy task replaced', timeoutMs: 15_000 },
    );
    expect(stopped.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${tgArn})`);
    const svc = await w.describeService('sicko');
    expect(svc.events?.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /is unhealthy in \(target-group .*\) due to \(reason Health checks failed with these codes: \[500\]\)/,
      ),
    );
  });

  it('a secret missing its JSON key stops the task before it runs, with the ECS agent reason', async () => {
    await w.deploy('nokey', { tokenKey: 'NO_SUCH_KEY' });
    const stopped = await waitFor(async () => (await w.stoppedTasks('nokey'))[0], {
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
        (await w.describeService('nokey')).events?.some(
          (e) => e.message === '(service nokey) is unable to consistently start tasks successfully.',
        ),
      { what: 'the throttle event' },
    );
  });

  it('a container that exits at start stops its task (essential container exited)', async () => {
    await w.deploy('crashy', { image: 'gateway:crash' });
    const stopped = await waitFor(async () => (await w.stoppedTasks('crashy'))[0], {
      what: 'the crashing task STOPPED',
    });
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    // It had started (ECS moves such a task to RUNNING first), so no launch throttle applies.
    expect(stopped.startedAt).toBeDefined();
    await w.c.ecs.send(
      new DeleteServiceCommand({ cluster: w.lc.ids.ECS_CLUSTER, service: 'crashy', force: true }),
    );
  });

  it('deleting the service stops its gateway process', async () => {
    const task = await w.healthyTask('alice');
    await w.c.ecs.send(
      new DeleteServiceCommand({ cluster: w.lc.ids.ECS_CLUSTER, service: 'alice', force: true }),
    );
    await waitFor(async () => !alive(task.pid!), { what: `process ${task.pid} gone after delete` });
    expect(liveContainerPids()).not.toContain(task.pid);
  });

  it('close leaves no child process behind', async () => {
    await w.deploy('bob');
    const task = await w.healthyTask('bob');
    expect(childGateways()).toContain(task.pid);
    await w.lc.close();
    expect(liveContainerPids()).toEqual([]);
    expect(childGateways()).toEqual([]);
  });
});
