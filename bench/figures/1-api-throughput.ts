import { BENCH_API_TOKEN, benchEnv, fakeListeners } from '../support/bench-env.js';
import { missing, startApiProcess, startBareApiProcess } from '../support/components.js';
import type { Figure, FigureRun } from '../support/figure.js';
import { type LoadResult, postSignups } from '../support/http-load.js';
import { commandStats, commandStatsDelta, makeBenchNamespace } from '../support/redis-namespace.js';

const CONNECTIONS = 50;
const WARMUP = 300;
const AMOUNT = 2000;

async function measure(url: string, token: string | undefined, tag: string): Promise<LoadResult> {
  await postSignups({ url, token, connections: CONNECTIONS, amount: WARMUP, tag: `${tag}-warm` });
  return postSignups({ url, token, connections: CONNECTIONS, amount: AMOUNT, tag });
}

/**
 * Figure 1: a burst of signups against the API process, next to a bare Hono + zod + queue.add process,
 * both loaded by autocannon from this process. Each gets its own warm-up so JIT state is comparable.
 */
export const apiThroughput: Figure = {
  id: 1,
  name: 'API POST /v1/instances',
  sizes: `${CONNECTIONS} connections, ${WARMUP} warm-up + ${AMOUNT} measured requests per server, unique userIds; API routing pool: one fake listener per 98 instances`,
  unavailable: async () => missing('api/main.ts'),
  async run(runIndex): Promise<FigureRun> {
    const bareNs = makeBenchNamespace('f1-bare');
    const bare = await startBareApiProcess(bareNs.prefix);
    let baseline: LoadResult;
    try {
      baseline = await measure(bare.url, undefined, `bare${runIndex}`);
    } finally {
      await bare.stop();
      await bareNs.cleanup();
    }

    const ns = makeBenchNamespace('f1-api');
    const env = benchEnv({ prefix: ns.prefix, ids: fakeListeners(WARMUP + AMOUNT) });
    const api = await startApiProcess(env);
    let result: LoadResult;
    const before = await commandStats(ns.redis);
    try {
      result = await measure(api.url, BENCH_API_TOKEN, `api${runIndex}`);
    } finally {
      await api.stop();
    }
    const redisTop = commandStatsDelta(before, await commandStats(ns.redis), 3);
    await ns.cleanup();

    return {
      metrics: [
        {
          label: 'throughput',
          unit: 'req/s',
          value: result.requestsPerSec,
          baseline: baseline.requestsPerSec,
          target: { on: 'ratio', op: '>=', limit: 0.8, text: '>= 0.8x bare' },
        },
        { label: 'latency p50', unit: 'ms', value: result.p50Ms, baseline: baseline.p50Ms },
        {
          label: 'latency p99',
          unit: 'ms',
          value: result.p99Ms,
          baseline: baseline.p99Ms,
          target: { on: 'value', op: '<=', limit: 10, text: '< 10 ms' },
        },
      ],
      notes: [
        `API: ${result.ok} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors in ${result.durationS.toFixed(1)} s; bare: ${baseline.ok} 2xx, ${baseline.non2xx} non-2xx`,
        `Redis time during the API run: ${redisTop.map((r) => `${r.name} ${r.calls} calls ${r.usecPerCall.toFixed(0)} us/call`).join(', ')}`,
      ],
    };
  },
};
