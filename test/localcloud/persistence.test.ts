import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { type Localcloud, liveContainerPids, startLocalcloud } from '../../localcloud/index.js';
import { alive, childGateways, startGatewayWorld, TOKEN } from './gateway-world.js';
import { clients, waitFor } from './helpers.js';

/**
 * localcloud closed and started again on the same state file: the same account (ARNs, secret
 * values, rules, services, tasks) at the same load balancer address, its gateways answering again
 * from new processes, and none of the old ones left.
 */
const dir = mkdtempSync(join(tmpdir(), 'localcloud-state-'));
const file = join(dir, 'state.json');
const timing = { taskProvisioningMs: 5, taskStartMs: 10, serviceDrainMs: 20, scalingEvaluationMs: 50 };
let second: Localcloud | undefined;

afterAll(async () => {
  await second?.close();
  rmSync(dir, { recursive: true, force: true });
});

const answer = async (dns: string, path: string) => {
  const res = await fetch(`http://${dns}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: await res.text() };
};

async function describeAll(lc: Localcloud) {
  const c = clients(lc);
  const cluster = lc.ids.ECS_CLUSTER;
  const services = (await c.ecs.send(new DescribeServicesCommand({ cluster, services: ['alpha', 'beta'] })))
    .services;
  const tasks = (await c.ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }))).taskArns;
  const rules = (await c.elb.send(new DescribeRulesCommand({ ListenerArn: lc.ids.ALB_LISTENER_ARN }))).Rules;
  const groups = (await c.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups;
  const secret = await c.sm.send(new GetSecretValueCommand({ SecretId: 'openclaw/instances/abc123' }));
  return {
    services: services?.map((s) => [s.serviceArn, s.status, s.desiredCount, s.taskDefinition]),
    tasks: [...(tasks ?? [])].sort(),
    rules: rules?.map((r) => [
      r.RuleArn,
      r.Priority,
      JSON.stringify(r.Conditions),
      JSON.stringify(r.Actions),
    ]),
    groups: groups?.map((g) => g.TargetGroupArn),
    secret: [secret.ARN, secret.VersionId, secret.SecretString],
  };
}

describe('localcloud restarted on its state file', () => {
  it('keeps every resource and address, and its gateways answer again from new processes', async () => {
    const w = await startGatewayWorld({ persistFile: file, timing });
    let before: Awaited<ReturnType<typeof describeAll>>;
    let oldPids: number[];
    const dns = w.lc.ids.ALB_DNS_NAME;
    try {
      await w.deploy('alpha');
      await w.deploy('beta');
      oldPids = [(await w.healthyTask('alpha')).pid!, (await w.healthyTask('beta')).pid!];
      expect((await answer(dns, '/alpha/')).status).toBe(200);
      before = await describeAll(w.lc);
    } finally {
      await w.lc.close();
    }
    expect(oldPids.filter(alive)).toEqual([]);
    expect(childGateways()).toEqual([]);

    second = await startLocalcloud({ port: 0, persistFile: file, timing });
    const { AWS_ENDPOINT_URL: _a, ...ids } = second.ids;
    const { AWS_ENDPOINT_URL: _b, ...oldIds } = w.lc.ids;
    expect(ids).toEqual(oldIds);
    expect(await describeAll(second)).toEqual(before);
    // Through the same ALB address, each path reaches its own (new) gateway with the user's token.
    for (const name of ['alpha', 'beta']) {
      const got = await waitFor(
        async () => {
          const r = await answer(dns, `/${name}/`).catch(() => undefined);
          return r?.status === 200 ? r : undefined;
        },
        { what: `${name} answering 200 through ${dns} after the restart`, timeoutMs: 20_000 },
      );
      expect(got.body).toContain(name);
    }
    const newPids = liveContainerPids();
    expect(newPids).toHaveLength(2);
    expect(newPids.filter((p) => oldPids.includes(p))).toEqual([]);
    await second.close();
    second = undefined;
    expect(childGateways()).toEqual([]);
  });

  it('saves a change while running, not only on close (a crash loses at most the last half second)', async () => {
    const live = join(dir, 'live.json');
    const lc = await startLocalcloud({ port: 0, persistFile: live, timing });
    try {
      await clients(lc).sm.send(new CreateSecretCommand({ Name: 'saved-while-running', SecretString: 'v' }));
      await waitFor(async () => readFileSync(live, 'utf8').includes('saved-while-running'), {
        what: 'the new secret in the state file before close',
        timeoutMs: 10_000,
      });
      // Owner-only (it holds secrets), and no temporary file left beside it.
      expect(statSync(live).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir).filter((f) => f.startsWith('live.json.'))).toEqual([]);
    } finally {
      await lc.close();
    }
  });

  it('refuses to move the load balancer: instance URLs name the saved address', async () => {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      state: { loadBalancers: [string, { dnsName: string }][] };
    };
    const dns = saved.state.loadBalancers[0]![1].dnsName;
    const port = Number(dns.split(':')[1]);
    const other = port === 65535 ? port - 1 : port + 1;
    const err = await startLocalcloud({ port: 0, persistFile: file, albPorts: [other] }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBe(
      `localcloud: cannot restore state from ${file}: its load balancer 1 listens on port ${port}, port ${other} was asked for (instance URLs name the saved address). Delete the file to start empty.`,
    );
    // Asking for the saved port, or none, is fine.
    const lc = await startLocalcloud({ port: 0, persistFile: file, albPorts: [port], timing });
    expect(lc.ids.ALB_DNS_NAME).toBe(dns);
    await lc.close();
  });

  it('refuses a corrupted file with one clear line and starts nothing', async () => {
    writeFileSync(file, '{"version":1,"state":{"secr');
    const err = await startLocalcloud({ port: 0, persistFile: file }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('StateFileError');
    expect(err?.message).toBe(
      `localcloud: cannot restore state from ${file}: it is not valid JSON (truncated or corrupted). Delete the file to start empty.`,
    );
    expect(childGateways()).toEqual([]);
  });
});
