import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { defaultPriceBook, type PriceBook } from '../../shared/cost/prices.js';
import { withSpotPrices } from '../../shared/cost/with-spot-prices.js';
import type { InstanceStore } from '../../shared/instance-store.js';
import { readReconcileReport } from '../../shared/reconcile-report.js';
import { currentCost, currentHeadroom, options, projection } from './cost-view.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { type MetricsAccess, makeMetricsApp } from './metrics-route.js';

/**
 * Capacity, cost, the dashboard and /metrics, as one sub-app. Auth is the parent's: `/v1/*` behind the
 * bearer token, `/dashboard` behind admin basic auth. `/metrics` checks its own token (see
 * MetricsAccess); `metrics: 'elsewhere'` leaves it out, when METRICS_PORT serves it.
 */
export interface CapacityRoutesDeps {
  redis: Redis;
  prefix: string;
  store: InstanceStore;
  config?: unknown;
  queues: readonly Queue[];
  /** The price book (defaults merged with COST_PRICES_FILE); default: us-west-2 defaults. */
  prices?: PriceBook;
  /** Default `{}`: /metrics is mounted and answers 401 to every scrape. */
  metrics?: MetricsAccess | 'elsewhere';
  /** How often the dashboard's live stream looks for a new sample (ms); default 5000. */
  dashboardPollMs?: number;
  now?: () => number;
}

const DAY = 24 * 3600_000;
const MAX_POINTS = 5000;

const isoOrMs = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime().transform((s) => Date.parse(s)),
]);
export const historyQuery = z
  .object({
    from: isoOrMs.optional(),
    to: isoOrMs.optional(),
    step: z.coerce.number().int().min(1000).max(DAY).optional(),
  })
  .strict();
export const projectionQuery = z.object({ users: z.coerce.number().int().min(0).max(100_000) }).strict();

type Problem = { code: string; message: string; details: unknown };
const problem = (code: string, message: string, details: unknown = null): { error: Problem } => ({
  error: { code, message, details },
});

export function makeCapacityRoutes(deps: CapacityRoutesDeps): Hono {
  const app = new Hono();
  const samples = makeSampleStore(deps.redis, { prefix: deps.prefix });
  const now = deps.now ?? (() => Date.now());

  async function prices(): Promise<PriceBook> {
    const base = deps.prices ?? defaultPriceBook;
    const spot = await samples.cachedSpotPrices();
    return spot ? withSpotPrices(base, spot) : base;
  }

  app.get('/v1/capacity', async (c) => {
    const [sample, last, routing, reconcile] = await Promise.all([
      samples.latest(),
      samples.lastEntry(),
      deps.store.routingUsage(),
      readReconcileReport(deps.redis, deps.prefix),
    ]);
    const used = routing.reduce((s, r) => s + r.used, 0);
    const capacity = routing.reduce((s, r) => s + r.capacity, 0);
    return c.json({
      sample,
      stale: last?.gap ? { bucket: last.bucket, reason: last.reason } : null,
      routing: { used, capacity, left: Math.max(0, capacity - used), listeners: routing },
      reconcile,
    });
  });

  app.get('/v1/capacity/history', async (c) => {
    const parsed = historyQuery.safeParse(c.req.query());
    if (!parsed.success)
      return c.json(problem('invalid_query', 'Invalid history query', z.treeifyError(parsed.error)), 400);
    const to = parsed.data.to ?? now();
    const from = parsed.data.from ?? to - DAY;
    if (from > to)
      return c.json(problem('invalid_range', '`from` must not be after `to`', { from, to }), 400);
    const step = parsed.data.step;
    if (step && (to - from) / step > MAX_POINTS) {
      return c.json(
        problem('too_many_points', `At most ${MAX_POINTS} points; use a larger step`, { from, to, step }),
        400,
      );
    }
    const points = await samples.history(from, to, step);
    if (points.length > MAX_POINTS) {
      return c.json(
        problem('too_many_points', `At most ${MAX_POINTS} points; give a step`, { count: points.length }),
        400,
      );
    }
    return c.json({ from, to, step: step ?? null, points });
  });

  app.get('/v1/cost', async (c) => {
    const sample = await samples.latest();
    if (!sample)
      return c.json(problem('no_sample', 'No capacity sample yet: the worker samples every minute'), 503);
    const book = await prices();
    return c.json({
      at: sample.at,
      report: currentCost(book, sample),
      headroom: await currentHeadroom(book, sample, deps.store, now()),
    });
  });

  app.get('/v1/cost/projection', async (c) => {
    const parsed = projectionQuery.safeParse(c.req.query());
    if (!parsed.success)
      return c.json(
        problem('invalid_query', 'users must be an integer from 0 to 100000', z.treeifyError(parsed.error)),
        400,
      );
    const sample = await samples.latest();
    if (!sample)
      return c.json(problem('no_sample', 'No capacity sample yet: the worker samples every minute'), 503);
    return c.json(projection(await prices(), sample, parsed.data.users));
  });

  app.get('/v1/cost/options', async (c) => {
    const parsed = projectionQuery.safeParse(c.req.query());
    if (!parsed.success)
      return c.json(
        problem('invalid_query', 'users must be an integer from 0 to 100000', z.treeifyError(parsed.error)),
        400,
      );
    const sample = await samples.latest();
    if (!sample)
      return c.json(problem('no_sample', 'No capacity sample yet: the worker samples every minute'), 503);
    return c.json({ users: parsed.data.users, options: options(await prices(), sample, parsed.data.users) });
  });

  registerDashboardRoutes(app, {
    samples,
    store: deps.store,
    prices,
    now,
    pollMs: deps.dashboardPollMs ?? 5000,
  });

  if (deps.metrics !== 'elsewhere') app.route('/', makeMetricsApp(deps, deps.metrics ?? {}));

  return app;
}
