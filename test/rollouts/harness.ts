import { randomUUID } from 'node:crypto';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { CallLogEntry } from '../../localcloud/inspection.js';
import { makeAwsClients } from '../../shared/aws-clients.js';
import { resourceNames } from '../../shared/naming.js';
import { healthUrl } from '../../worker/steps/reachable.js';
import { type PipelineOptions, startPipeline } from '../support/pipeline.js';
import { startPipelineApi } from '../support/pipeline-api.js';
import { waitFor } from '../support/wait-for.js';

export const V1 = 'ghcr.io/openclaw/gateway:2026.11.1';
export const V2 = 'ghcr.io/openclaw/gateway:2026.12.1';
/** localcloud's stand-in for an image with this tag exits at start: a bad release. */
export const BAD = 'ghcr.io/openclaw/gateway:bad-2026.12.2';
export const FAILING_IMAGES = 'exit=ghcr.io/openclaw/gateway:bad-*';

export interface RolloutAnswer {
  id: string;
  state: string;
  reason: string | null;
  totals: Record<string, number>;
  batches: { index: number; size: number; healthy: number; failed: number; 'rolled-back': number }[];
  instances: { id: string; batch: number; state: string; failure: string | null; reason: string | null }[];
}

/**
 * A pipeline (localcloud, worker, Redis under a fresh prefix) plus a real API over HTTP: what a rollout
 * runs against. `api()` calls it with the token; `running(n)` makes n running instances.
 */
export async function startRolloutWorld(options: PipelineOptions = {}) {
  const p = await startPipeline({ failingImages: FAILING_IMAGES, ...options });
  const token = `token-${randomUUID()}`;
  const { api: server } = await startPipelineApi(p, { API_TOKEN: token });
  const aws = makeAwsClients(p.config);

  async function api<T = RolloutAnswer>(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  return {
    p,
    api,
    url: server.url,
    token,
    async running(n: number, tag: string) {
      const made = await Promise.all(Array.from({ length: n }, (_, i) => p.submit(`${tag}-${i}`)));
      const records = await p.waitForStatus(
        made.map((m) => m.id),
        ['running'],
        180_000,
      );
      return records.map((r, i) => ({ id: r.id, url: r.url, token: made[i]!.gatewayToken }));
    },
    /** Waits until the rollout has finished; answers its final view. */
    async finished(id: string, timeoutMs = 240_000): Promise<RolloutAnswer> {
      return waitFor(
        async () => {
          const { body } = await api('GET', `/v1/rollouts/${id}`);
          return ['completed', 'failed', 'aborted'].includes(body.state) && body;
        },
        { timeoutMs, intervalMs: 200, what: `rollout ${id} to finish` },
      );
    },
    /** The image each instance's ECS service runs now, read from ECS. */
    async serviceImages(ids: readonly string[]): Promise<Map<string, string>> {
      const images = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 10) {
        const chunk = ids.slice(i, i + 10);
        const { services } = await aws.ecs.send(
          new DescribeServicesCommand({
            cluster: p.config.ECS_CLUSTER,
            services: chunk.map((id) => resourceNames(id).serviceName),
          }),
        );
        for (const id of chunk) {
          const service = services?.find((s) => s.serviceName === resourceNames(id).serviceName);
          const td = await aws.ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }),
          );
          images.set(id, td.taskDefinition?.containerDefinitions?.[0]?.image ?? '');
        }
      }
      return images;
    },
    callLog: () => p.inspect<CallLogEntry[]>('calls/log'),
    resetCalls: () => p.inspect('calls/reset', {}),
    async close() {
      aws.destroy();
      await server.close();
      await p.close();
    },
  };
}
export type RolloutWorld = Awaited<ReturnType<typeof startRolloutWorld>>;

/** ECS calls of one kind, per service or family name. */
export function callsPerResource(log: readonly CallLogEntry[], operation: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of log) {
    if (entry.operation !== operation || !entry.resource) continue;
    counts.set(entry.resource, (counts.get(entry.resource) ?? 0) + 1);
  }
  return counts;
}

/**
 * Asks every instance's URL through the load balancer, with its token, over and over until stopped, and
 * keeps for each the longest time it did not answer 2xx: from the first probe that failed to the next
 * that succeeded (a window still open when stopped counts up to then).
 */
export function watchReachability(instances: readonly { id: string; url: string; token: string }[]) {
  const longest = new Map<string, number>();
  let probes = 0;
  let failed = 0;
  let stop = false;
  const loops = instances.map(async (instance) => {
    let downSince: number | null = null;
    while (!stop) {
      const at = Date.now();
      const ok = await fetch(healthUrl(instance.url), {
        headers: { authorization: `Bearer ${instance.token}` },
        signal: AbortSignal.timeout(5_000),
      })
        .then(async (r) => {
          await r.body?.cancel();
          return r.ok;
        })
        .catch(() => false);
      probes += 1;
      if (!ok) failed += 1;
      if (!ok && downSince === null) downSince = at;
      if (ok && downSince !== null) {
        longest.set(instance.id, Math.max(longest.get(instance.id) ?? 0, Date.now() - downSince));
        downSince = null;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (downSince !== null)
      longest.set(instance.id, Math.max(longest.get(instance.id) ?? 0, Date.now() - downSince));
  });
  return {
    async stop() {
      stop = true;
      await Promise.all(loops);
      const worst = Math.max(0, ...longest.values());
      return { probes, failed, longestUnreachableMs: worst, instancesEverDown: longest.size };
    },
  };
}
