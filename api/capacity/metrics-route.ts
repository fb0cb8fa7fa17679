import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { errorBody } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { constantTimeEquals } from '../middleware/constant-time.js';
import { makeMetricsRegistry } from './metrics.js';
import type { ApiProcessMetrics } from './metrics-http.js';

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
  /** This process's request durations and process metrics, when it measures them. */
  process?: ApiProcessMetrics;
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="openclaw-fleet metrics"' };

function authorized(header: string | undefined, access: MetricsAccess): boolean {
  if (access.token) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && constantTimeEquals(match[1]!, access.token);
  }
  return access.open === true;
}

/**
 * `GET /metrics` as an app of its own, so it can be served on the API port or on METRICS_PORT. Its 401
 * is the API's error shape, built here rather than thrown as an ApiError: on METRICS_PORT there is no
 * API app around it (no onError, no request-id middleware), and it stays out of the OpenAPI document,
 * being Prometheus' endpoint rather than the API's.
 */
export function makeMetricsApp(deps: MetricsAppDeps, access: MetricsAccess): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const metrics = makeMetricsRegistry({
    ...deps,
    samples: makeSampleStore(deps.redis, { prefix: deps.prefix }),
  });
  app.get('/metrics', async (c) => {
    if (!authorized(c.req.header('authorization'), access)) {
      const message = access.token
        ? 'Authorization: Bearer <METRICS_TOKEN> required'
        : 'Metrics are closed: set METRICS_TOKEN, or METRICS_PORT for a private listener';
      // Mounted on the API port, the request-id middleware has set one; on METRICS_PORT, make one.
      const requestId = c.get('requestId') ?? randomUUID();
      return c.json(errorBody('unauthorized', message, null, requestId), 401, {
        ...challenge,
        'X-Request-Id': requestId,
      });
    }
    const body = await metrics.render();
    return c.body(body, 200, { 'content-type': metrics.contentType });
  });
  return app;
}
