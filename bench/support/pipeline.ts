import { Agent, request } from 'node:http';
import { type LocalcloudOptions, startLocalcloud } from '../../localcloud/index.js';
import { makeKeys } from '../../shared/store/keys.js';
import { BENCH_API_TOKEN, benchEnv } from './bench-env.js';
import type { RunningChild } from './child-process.js';
import { startApiProcess, startWorkerProcess } from './components.js';
import { type BenchNamespace, makeBenchNamespace } from './redis-namespace.js';

/** Instances per ALB the API hands out (AWS's 100 rules/target groups per ALB, minus the margin of 2). */
export const PER_ALB = 98;

export interface Pipeline {
  ns: BenchNamespace;
  cloudUrl: string;
  api: RunningChild & { url: string };
  worker: RunningChild;
  /** Every worker process (BENCH_PIPELINE_WORKERS for figure 2); `worker` is the first. */
  workers: RunningChild[];
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real thing, at bench sizes: localcloud in this process, the API and one worker as their own
 * processes, all on a fresh Redis namespace. One ALB per 98 instances, as a real fleet that size needs.
 */
export async function startPipeline(options: {
  figure: string;
  instances: number;
  localcloud: LocalcloudOptions;
  workerEnv?: Record<string, string>;
  workers?: number;
}): Promise<Pipeline> {
  const ns = makeBenchNamespace(options.figure);
  const cloud = await startLocalcloud({
    port: 0,
    albs: Math.ceil(options.instances / PER_ALB) + 1,
    // Hundreds of gateways: a listener each inside localcloud rather than a process each.
    taskRuntime: 'in-process',
    ...options.localcloud,
  });
  const env = benchEnv({ prefix: ns.prefix, ids: { ...cloud.ids }, extra: options.workerEnv ?? {} });
  const started: RunningChild[] = [];
  try {
    const workers: RunningChild[] = [];
    for (let i = 0; i < (options.workers ?? 1); i++) {
      const worker = await startWorkerProcess(env);
      started.push(worker);
      workers.push(worker);
    }
    const api = await startApiProcess(env);
    started.push(api);
    return {
      ns,
      cloudUrl: cloud.url,
      api,
      worker: workers[0]!,
      workers,
      env,
      async close() {
        await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
        await cloud.close();
        await ns.cleanup();
      },
    };
  } catch (error) {
    await Promise.all(started.map((c) => c.stop()));
    await cloud.close();
    await ns.cleanup();
    throw error;
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 100 });

/** One JSON request to the API over a keep-alive pool of 100 sockets. */
export function apiCall(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${BENCH_API_TOKEN}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Fires every request at once (the pool's 100 sockets carry them); returns the ids of the accepted ones. */
export async function submitCreates(url: string, count: number, tag: string): Promise<string[]> {
  const replies = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      apiCall(url, 'POST', '/v1/instances', { userId: `${tag}-${i}`, email: `${tag}-${i}@bench.example` }),
    ),
  );
  const bad = replies.filter((r) => r.status !== 202);
  if (bad.length > 0)
    throw new Error(
      `${bad.length} creates refused, first: ${bad[0]!.status} ${JSON.stringify(bad[0]!.json)}`,
    );
  return replies.map((r) => String(r.json.id));
}

export async function submitDeletes(url: string, ids: string[]): Promise<void> {
  const replies = await Promise.all(ids.map((id) => apiCall(url, 'DELETE', `/v1/instances/${id}`)));
  const bad = replies.filter((r) => r.status !== 202);
  if (bad.length > 0)
    throw new Error(
      `${bad.length} deletes refused, first: ${bad[0]!.status} ${JSON.stringify(bad[0]!.json)}`,
    );
}

/** Waits until `count` instances sit in a status index (or the timeout); returns how many made it. */
export async function waitForStatus(
  ns: BenchNamespace,
  status: string,
  count: number,
  timeoutMs: number,
  onTick?: () => void,
): Promise<number> {
  const key = makeKeys(ns.prefix).indexStatus(status);
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await ns.redis.zcard(key);
    onTick?.();
    if (n >= count) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return n;
}

/** Counts by status of a set of instances, for notes when something did not finish. */
export async function statusCounts(ns: BenchNamespace, ids: string[]): Promise<Record<string, number>> {
  const keys = makeKeys(ns.prefix);
  const pipe = ns.redis.pipeline();
  for (const id of ids) pipe.hget(keys.instance(id), 'status');
  const out: Record<string, number> = {};
  for (const [, status] of (await pipe.exec()) ?? []) out[String(status)] = (out[String(status)] ?? 0) + 1;
  return out;
}

/** Timestamps (ms) of the given fields of each instance, read from the instance store. */
export async function instanceTimes(
  ns: BenchNamespace,
  ids: string[],
  fields: string[],
): Promise<Record<string, number>[]> {
  const keys = makeKeys(ns.prefix);
  const pipe = ns.redis.pipeline();
  for (const id of ids) pipe.hmget(keys.instance(id), ...fields);
  const replies = (await pipe.exec()) ?? [];
  return replies.map(([, values]) =>
    Object.fromEntries(fields.map((f, i) => [f, Date.parse(String((values as (string | null)[])[i]))])),
  );
}

/** What localcloud still holds that an instance made: all zero once every delete finished. */
export async function leftovers(cloudUrl: string, drainMs = 10_000): Promise<Record<string, number>> {
  type State = {
    services: { status: string }[];
    targetGroups: unknown[];
    rules: unknown[];
    secrets: unknown[];
    taskDefinitions: { status: string }[];
  };
  const read = async () => (await (await fetch(`${cloudUrl}/_localcloud/state`)).json()) as State;
  // A deleted service is DRAINING until its task stops, then INACTIVE: a delete that just finished
  // leaves a few DRAINING, which are deleted, not left over. Give them a moment, then count what remains.
  let state = await read();
  const until = Date.now() + drainMs;
  while (state.services.some((s) => s.status === 'DRAINING') && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    state = await read();
  }
  return {
    services: state.services.filter((s) => s.status !== 'INACTIVE').length,
    targetGroups: state.targetGroups.length,
    rules: state.rules.length,
    secrets: state.secrets.length,
    taskDefinitions: state.taskDefinitions.filter((t) => t.status !== 'DELETE_IN_PROGRESS').length,
  };
}
