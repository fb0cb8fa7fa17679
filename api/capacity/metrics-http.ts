import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * From a cached read (~1 ms) to a create that waits on Redis under load. An event stream is timed until
 * its response starts (Hono returns it then), not for as long as it stays open.
 */
const HTTP_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What this API process measures itself: request durations by route, and with `processMetrics` the
 * Node process metrics (CPU, memory, event-loop lag, GC). One per process, shared by the app and the
 * METRICS_PORT listener that serves it.
 */
export interface ApiProcessMetrics {
  registry: Registry;
  /** Times each request; `route` is Hono's matched pattern (`/v1/instances/:id`), never the raw path. */
  middleware: MiddlewareHandler;
}

export function makeApiProcessMetrics(options: { processMetrics?: boolean } = {}): ApiProcessMetrics {
  const registry = new Registry();
  const duration = new Histogram({
    name: 'openclaw_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS_SECONDS,
    registers: [registry],
  });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    async middleware(c, next) {
      const started = performance.now();
      try {
        await next();
      } finally {
        // A request no route matched carries the catch-all middleware's pattern: the set stays bounded.
        duration.observe(
          { method: c.req.method, route: routePath(c), status: String(c.res.status) },
          (performance.now() - started) / 1000,
        );
      }
    },
  };
}
