import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import type { InstanceStore } from '../../shared/instance-store.js';
import { constantTimeEquals } from '../middleware/constant-time.js';
import { makeMetricsRegistry } from './metrics.js';

/**
 * Who may scrape. `token`: `Authorization: Bearer <METRICS_TOKEN>` (Prometheus' `authorization`
 * scrape setting). `open`: anyone who reaches the port, for the separate METRICS_PORT listener that is
 * never routed publicly. Neither: every scrape is 401, so a deployment that set nothing is closed.
 */
export interface MetricsAccess {
  token?: string | undefined;
  open?: boolean;
}

export interface MetricsAppDeps {
  redis: Redis;
  prefix: string;
  queues: readonly Queue[];
  store: Pick<InstanceStore, 'routingUsage' | 'pendingLeftovers'>;
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="openclaw-fleet metrics"' };

function authorized(header: string | undefined, access: MetricsAccess): boolean {
  if (access.token) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && constantTimeEquals(match[1]!, access.token);
  }
  return access.open === true;
}

/** `GET /metrics` as an app of its own, so it can be served on the API port or on METRICS_PORT. */
export function makeMetricsApp(deps: MetricsAppDeps, access: MetricsAccess): Hono {
  const app = new Hono();
  const metrics = makeMetricsRegistry({
    ...deps,
    samples: makeSampleStore(deps.redis, { prefix: deps.prefix }),
  });
  app.get('/metrics', async (c) => {
    if (!authorized(c.req.header('authorization'), access)) {
      const message = access.token
        ? 'Authorization: Bearer <METRICS_TOKEN> required'
        : 'Metrics are closed: set METRICS_TOKEN, or METRICS_PORT for a private listener';
      return c.json({ error: { code: 'unauthorized', message, details: null } }, 401, challenge);
    }
    const body = await metrics.render();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
  return app;
}
