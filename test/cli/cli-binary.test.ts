import { randomUUID } from 'node:crypto';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/start-api.js';
import { STEP_IDS } from '../../shared/domain.js';
import { resourceNames } from '../../shared/naming.js';
import { instancesWithLiveJobs } from '../../worker/reconciler/live-jobs.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from '../reconciler/harness.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { startPipelineApi } from '../support/pipeline-api.js';
import { runCli } from './run-cli.js';

const API_TOKEN = `token-${randomUUID()}`;

interface Instance {
  id: string;
  status: string;
  error: { step: string; code: string } | null;
}
interface StreamLine {
  event: string;
  data: { status: string };
}

/**
 * `openclaw-fleet`, the real binary in a child process, against a real API (HTTP), worker and
 * localcloud: what an operator types, what a script parses (--json) and the exit codes both rely on.
 */
describe('openclaw-fleet CLI', () => {
  let p: ReconcilerPipeline;
  let api: RunningApi;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  const create = async (userId: string) => {
    const res = await fetch(`${api.url}/v1/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, email: `${userId}@example.test` }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as Instance).id;
  };

  beforeAll(async () => {
    p = await startReconcilerPipeline({ env: { JOB_ATTEMPTS: '2' } });
    ({ api } = await startPipelineApi(p, { API_TOKEN }));
    env = { OPENCLAW_API_URL: api.url, API_TOKEN };
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
  });

  it('says which setting or flag is wrong, with exit code 2 for usage and 1 for a refused call', async () => {
    const noToken = await runCli(['instances', 'list'], { OPENCLAW_API_URL: api.url });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('API_TOKEN is not set (or pass --token)');

    const badUrl = await runCli(['capacity', '--api-url', 'not a url', '--token', API_TOKEN]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--api-url is not a URL');

    const unknown = await cli('instances', 'list', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--colour'");
    const badLimit = await cli('instances', 'list', '--limit', '0');
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain("'--limit <n>'");

    const wrongToken = await runCli(['instances', 'list'], {
      OPENCLAW_API_URL: api.url,
      API_TOKEN: 'wrong-token-0123456789',
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('the API rejected the token: check API_TOKEN or --token');

    const missing = await cli('instances', 'get', 'aaaaaaaaaaaa');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No instance aaaaaaaaaaaa');

    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('reconcile');
  });

  it('follows a create to running, then lists, shows and deletes it', async () => {
    const id = await create('cli-user');
    const follow = await cli('instances', 'events', id, '--follow', '--json');
    expect(follow.code, follow.stderr).toBe(0);
    const events = follow.lines<StreamLine>();
    expect(events[0]!.event).toBe('snapshot');
    expect(events.at(-1)!.data.status).toBe('running');

    // Without --json: one progress line per change on a non-TTY stderr, ending at running.
    const text = await cli('instances', 'events', id, '--follow');
    expect(text.code).toBe(0);
    const n = STEP_IDS.length;
    expect(text.stderr).toContain(`[${'#'.repeat(24)}] ${n}/${n} running`);

    const list = await cli('instances', 'list', '--json');
    expect(list.code).toBe(0);
    expect(list.json<Instance[]>()).toContainEqual(expect.objectContaining({ id, status: 'running' }));
    const table = await cli('instances', 'list', '--status', 'running');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+STATUS\s+STEP\s+AGE\s+URL$/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+cli-user\\s+running`));

    // The gateway's own lines (the stand-in prints where it listens), read from CloudWatch Logs.
    await waitFor(
      async () => {
        const logs = await cli('instances', 'logs', id, '--json');
        expect(logs.code, logs.stderr).toBe(0);
        return logs.json<{ message: string }[]>().some((l) => l.message.startsWith('listening on'));
      },
      20_000,
      `the gateway log line of ${id}`,
    );
    expect((await cli('instances', 'logs', id)).stdout).toMatch(/^\S+Z {2}\w{8} {2}listening on/m);

    // A first page says there is more; --all reads every page.
    const second = await create('cli-user-2');
    const page = await cli('instances', 'list', '--limit', '1');
    expect(page.stdout.trim().split('\n')).toHaveLength(2);
    expect(page.stderr).toContain('more instances: add --all');
    const all = await cli('instances', 'list', '--limit', '1', '--all', '--json');
    expect(all.json<Instance[]>().map((i) => i.id)).toEqual(expect.arrayContaining([id, second]));

    const get = await cli('instances', 'get', id, '--json');
    expect(get.json<Instance>()).toMatchObject({ id, status: 'running', error: null });

    const del = await cli('instances', 'delete', id, '--follow');
    expect(del.code, del.stderr).toBe(0);
    expect(del.stderr).toContain(`instance ${id} is deleted`);
    await waitUntilNothingLeft(() => p.inspect('state'), [id]);
  });

  it('exits 1 when a followed create fails, and a retry resumes it to running', async () => {
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:CreateService', errorRate: 1, error: 'internal' }],
    });
    const id = await create('cli-failing');
    const follow = await cli('instances', 'events', id, '--follow');
    expect(follow.code).toBe(1);
    expect(follow.stderr).toContain(`instance ${id} failed: service InternalFailure`);

    await p.inspect('faults', { rules: [] });
    const retry = await cli('instances', 'retry', id, '--follow', '--json');
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.lines<StreamLine>().at(-1)!.data.status).toBe('running');
    // A second retry of a running instance is refused by the API: exit 1 with its reason.
    const again = await cli('instances', 'retry', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/API answered 409/);
  });

  it('reconciles on demand (dry run changes nothing) and rotates a lost token', async () => {
    const id = await create('cli-lost');
    expect((await cli('instances', 'events', id, '--follow')).code).toBe(0);
    await waitFor(
      async () => !(await instancesWithLiveJobs(p.instanceQueue.queue)).has(id),
      10_000,
      `the create job of ${id} to finish`,
    );
    await p.aws.secrets.send(
      new DeleteSecretCommand({ SecretId: resourceNames(id).secretName, ForceDeleteWithoutRecovery: true }),
    );

    const dry = await cli('reconcile', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const dryReport = dry.json<{ dryRun: boolean; actions: unknown[] }>();
    expect(dryReport.dryRun).toBe(true);
    expect(dryReport.actions).toContainEqual(
      expect.objectContaining({ kind: 'credentials-lost', instanceId: id, applied: false }),
    );
    expect((await p.store.get(id))!.status).toBe('running');

    const real = await cli('reconcile');
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(new RegExp(`${id}\\s+credentials-lost\\s+yes`));
    expect((await p.store.get(id))!.status).toBe('degraded');

    const rotated = await cli('instances', 'rotate-token', id, '--json');
    expect(rotated.code, rotated.stderr).toBe(0);
    const { gatewayToken, status } = rotated.json<{ gatewayToken: string; status: string }>();
    expect(status).toBe('degraded');
    expect(gatewayToken.length).toBeGreaterThan(20);
    const follow = await cli('instances', 'events', id, '--follow');
    expect(follow.code, follow.stderr).toBe(0);
    // Only a lost credential can be replaced: a second rotation is refused with the API's reason.
    const again = await cli('instances', 'rotate-token', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('credentials_not_lost');
  });

  it('shows capacity and cost, now and projected', async () => {
    const capacity = await cli('capacity', '--json');
    expect(capacity.code, capacity.stderr).toBe(0);
    expect(capacity.json<{ routing: { capacity: number } }>().routing.capacity).toBeGreaterThan(0);
    expect((await cli('capacity')).stdout).toMatch(/routing slots used \/ capacity\s+\d+ \/ \d+/);

    // Cost needs the sampler's first sample; it runs at worker start.
    await waitFor(
      async () => (await cli('capacity', '--json')).json<{ sample: unknown }>().sample !== null,
      20_000,
      'a capacity sample',
    );
    const cost = await cli('cost', '--json');
    expect(cost.code, cost.stderr).toBe(0);
    expect(cost.json<{ report: { total: { perMonth: number } } }>().report.total.perMonth).toBeGreaterThan(0);
    const projected = await cli('cost', '--users', '1000');
    expect(projected.code, projected.stderr).toBe(0);
    expect(projected.stdout).toMatch(/projection\s+1000 users/);
    expect(projected.stdout).toMatch(/^COMPONENT\s+PER HOUR\s+PER MONTH\s+DETAIL$/m);
    const bad = await cli('cost', '--users', '-3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--users <n>'");
  });

  it('gives up on a reconcile no worker runs, after --wait, naming the run to read later', async () => {
    await p.stopWorker();
    const stuck = await cli('reconcile', '--wait', '1');
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toMatch(
      /reconcile run on-demand-\S+ has not finished after 1 s \(is a worker running\?\)/,
    );
    expect((await cli('reconcile', '--wait', '0')).code).toBe(2);
  });
});
