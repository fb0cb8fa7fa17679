import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/start-api.js';
import { makeResponseContract } from '../api/response-contract.js';
import { makeTestApp, type TestApp } from '../api/test-app.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { startPipelineApi } from '../support/pipeline-api.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const GENERATED = join(HERE, 'generated', 'openapi.d.ts');
const API_TOKEN = `token-${randomUUID()}`;
/** Redocly CLI offline: no usage data sent, no version check. */
const OFFLINE = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

function run(command: string, args: string[], env = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * client-usage.ts as this test calls it. The file is imported by path at run time, not statically: it
 * needs the generated client's types, which exist only once this test has generated them, and the
 * project's type check must pass without them. The file itself is type-checked here, after generation.
 */
type Client = { use(...middleware: Middleware[]): void };
interface InstanceSeen {
  status: string;
  error: { step: string; code: string } | null;
  steps: { id: string; state: string }[];
}
interface ClientUsage {
  makeFleetClient(baseUrl: string, token: string): Client;
  createInstance(c: Client, userId: string, email: string): Promise<{ id: string; gatewayToken: string }>;
  waitForStatus(c: Client, id: string, wanted: string[]): Promise<InstanceSeen>;
  listInstances(c: Client, status: string): Promise<{ id: string }[]>;
  retryInstance(c: Client, id: string): Promise<string>;
  deleteInstance(c: Client, id: string): Promise<string>;
  readCapacity(
    c: Client,
  ): Promise<{ slotsLeft: number; reservationPercent: number | null; instances: string[] }>;
  readCost(c: Client): Promise<{ perMonth: number; perUserPerMonth: number | null; components: string[] }>;
  projectCost(
    c: Client,
    users: number,
  ): Promise<{ users: number; instances: number; perMonth: number; binding: { quota: string } }>;
  costOptions(c: Client, users: number): Promise<{ choice: string; current: boolean }[]>;
}

/** What a third party does with /openapi.json: lint it, generate a client, build and run against it. */
describe('OpenAPI contract', () => {
  let p: Pipeline;
  let api: RunningApi;
  let local: TestApp;
  let work: string;
  let documentFile: string;

  beforeAll(async () => {
    p = await startPipeline({ env: { JOB_ATTEMPTS: '2', SAMPLE_INTERVAL_MS: '1000' } });
    ({ api } = await startPipelineApi(p, { API_TOKEN }));
    // An in-process app of the same code, for the schemas the document is generated from.
    local = await makeTestApp();
    work = await mkdtemp(join(tmpdir(), 'openapi-contract-'));
    documentFile = join(work, 'openapi.json');
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    await writeFile(documentFile, await res.text());
  });
  afterAll(async () => {
    await api?.close();
    await p?.close();
    await local?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("passes Redocly's recommended ruleset with no error and no warning", async () => {
    const lint = await run(
      join(BIN, 'redocly'),
      ['lint', documentFile, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
      OFFLINE,
    );
    const report = JSON.parse(lint.stdout || '{}') as {
      totals?: { errors: number; warnings: number };
      problems?: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = (report.problems ?? []).map(
      (x) => `${x.ruleId} ${x.location[0]?.pointer}: ${x.message}`,
    );
    expect(problems, lint.stderr).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(lint.code).toBe(0);
  });

  it('generates a TypeScript client, and the usage file type-checks against it', async () => {
    await mkdir(dirname(GENERATED), { recursive: true });
    const generate = await run(join(BIN, 'openapi-typescript'), [documentFile, '--output', GENERATED]);
    expect(generate.code, generate.stderr).toBe(0);
    const check = await run(join(BIN, 'tsc'), ['-p', join(HERE, 'tsconfig.json')]);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('runs the usage file against a real API, worker and localcloud, every answer as declared', async () => {
    const usage = (await import(join(HERE, 'client-usage.ts'))) as ClientUsage;
    const client = usage.makeFleetClient(api.url, API_TOKEN);
    const check = makeResponseContract(local.app);
    const answers: string[] = [];
    client.use({
      async onResponse({ request, response }) {
        const path = new URL(request.url).pathname;
        const type = response.headers.get('content-type') ?? '';
        check(request.method, path, response.status, type, await response.clone().text());
        answers.push(
          `${request.method} ${path.replace(/\/[a-z2-7]{12}(?=\/|$)/, '/{id}')} ${response.status}`,
        );
      },
    });

    const a = await usage.createInstance(client, 'contract-a', 'a@example.test');
    expect(a.gatewayToken.length).toBeGreaterThan(20);
    expect((await usage.waitForStatus(client, a.id, ['running', 'failed'])).status).toBe('running');

    // A create that fails at the service step, and a retry that resumes there.
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:CreateService', errorRate: 1, error: 'internal' }],
    });
    const b = await usage.createInstance(client, 'contract-b', 'b@example.test');
    const failed = await usage.waitForStatus(client, b.id, ['failed', 'running']);
    expect(failed.error).toMatchObject({ step: 'service' });
    await p.inspect('faults', { rules: [] });
    expect(await usage.retryInstance(client, b.id)).toBe('queued');
    expect((await usage.waitForStatus(client, b.id, ['running', 'failed'])).status).toBe('running');

    const running = await usage.listInstances(client, 'running');
    expect(running.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());

    const capacity = await usage.readCapacity(client);
    expect(capacity.slotsLeft).toBeGreaterThan(0);
    const cost = await usage.readCost(client);
    expect(cost.perMonth).toBeGreaterThan(0);
    expect(cost.components).toContain('ec2-spot');
    const projection = await usage.projectCost(client, 100);
    expect(projection).toMatchObject({ users: 100 });
    expect(projection.instances).toBeGreaterThan(0);
    expect(projection.binding.quota).toBe('target-groups-per-region');
    const options = await usage.costOptions(client, 100);
    expect(options.filter((o) => o.choice === 'egress' && o.current)).toHaveLength(1);

    for (const id of [a.id, b.id]) expect(await usage.deleteInstance(client, id)).toBe('deleting');
    for (const id of [a.id, b.id]) await usage.waitForStatus(client, id, ['deleted']);
    expect(await usage.deleteInstance(client, a.id)).toBe('deleted');
    await waitUntilNothingLeft(() => p.inspect('state'), [a.id, b.id]);

    // Each operation the usage file calls answered, and every answer matched its declared schema.
    expect(answers.filter((answer) => / 5\d\d$/.test(answer))).toEqual([]);
    for (const seen of [
      'POST /v1/instances 202',
      'GET /v1/instances/{id} 200',
      'GET /v1/instances 200',
      'POST /v1/instances/{id}/retry 202',
      'DELETE /v1/instances/{id} 202',
      'DELETE /v1/instances/{id} 409',
      'GET /v1/capacity 200',
      'GET /v1/cost 200',
      'GET /v1/cost/projection 200',
      'GET /v1/cost/options 200',
    ]) {
      expect(answers).toContain(seen);
    }
  });
});
