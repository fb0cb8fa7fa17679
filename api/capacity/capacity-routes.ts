import { OpenAPIHono } from '@hono/zod-openapi';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeSampleStore } from '../../shared/capacity/sample-store.js';
import { defaultPriceBook, type PriceBook } from '../../shared/cost/prices.js';
import { withSpotPrices } from '../../shared/cost/with-spot-prices.js';
import { readReconcileReport } from '../../shared/reconcile-report.js';
import { makeRolloutStore } from '../../shared/rollouts/rollout-store.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { onError, validationHook } from '../error-handler.js';
import {
  capacityRoute,
  costOptionsRoute,
  costRoute,
  historyRoute,
  projectionRoute,
} from './capacity-api-routes.js';
import { currentCost, currentHeadroom, options, projection } from './cost-view.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import type { ApiProcessMetrics } from './metrics-http.js';
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
  /** This process's request durations and process metrics, for /metrics. */
  process?: ApiProcessMetrics;
  /** Default `{}`: /metrics is mounted and answers 401 to every scrape. */
  metrics?: MetricsAccess | 'elsewhere';
  /** How often the dashboard's live stream looks for a new sample (ms); default 5000. */
  dashboardPollMs?: number;
  now?: () => number;
}

const DAY = 24 * 3600_000;
const MAX_POINTS = 5000;

/** Retry-After for no_sample: the sampler's default interval. */
const SAMPLE_RETRY_SECONDS = '60';
const noSample = () =>
  new ApiError(503, 'no_sample', 'No capacity sample yet: the worker samples every minute', null, {
    'Retry-After': SAMPLE_RETRY_SECONDS,
  });

export function makeCapacityRoutes(deps: CapacityRoutesDeps): OpenAPIHono<AppEnv> {
  // Its own error handler too, so the JSON errors are the app's when the sub-app runs alone in tests.
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  const samples = makeSampleStore(deps.redis, { prefix: deps.prefix });
  const now = deps.now ?? (() => Date.now());

  async function prices(): Promise<PriceBook> {
    const base = deps.prices ?? defaultPriceBook;
    const spot = await samples.cachedSpotPrices();
    return spot ? withSpotPrices(base, spot) : base;
  }

  registerCapacity(app, deps, samples, now);
  registerCost(app, deps, { samples, prices, now });
  registerDashboardRoutes(app, {
    samples,
    store: deps.store,
    prices,
    now,
    pollMs: deps.dashboardPollMs ?? 5000,
    rollout: async () => (await makeRolloutStore(deps.redis, deps.prefix).list(1))[0] ?? null,
  });
  if (deps.metrics !== 'elsewhere') app.route('/', makeMetricsApp(deps, deps.metrics ?? {}));
  return app;
}

type Samples = ReturnType<typeof makeSampleStore>;

/** GET /v1/capacity and its history. */
function registerCapacity(
  app: OpenAPIHono<AppEnv>,
  deps: CapacityRoutesDeps,
  samples: Samples,
  now: () => number,
): void {
  app.openapi(capacityRoute, async (c) => {
    const [sample, last, routing, reconcile] = await Promise.all([
      samples.latest(),
      samples.lastEntry(),
      deps.store.routingUsage(),
      readReconcileReport(deps.redis, deps.prefix),
    ]);
    const used = routing.reduce((s, r) => s + r.used, 0);
    const capacity = routing.reduce((s, r) => s + r.capacity, 0);
    return c.json(
      {
        sample,
        stale: last?.gap ? { bucket: last.bucket, reason: last.reason } : null,
        routing: { used, capacity, left: Math.max(0, capacity - used), listeners: routing },
        reconcile,
      },
      200,
    );
  });

  app.openapi(historyRoute, async (c) => {
    const query = c.req.valid('query');
    const to = query.to ?? now();
    const from = query.from ?? to - DAY;
    if (from > to) throw new ApiError(400, 'invalid_range', '`from` must not be after `to`', { from, to });
    const step = query.step;
    if (step && (to - from) / step > MAX_POINTS) {
      throw new ApiError(400, 'too_many_points', `At most ${MAX_POINTS} points; use a larger step`, {
        from,
        to,
        step,
      });
    }
    const points = await samples.history(from, to, step);
    if (points.length > MAX_POINTS) {
      throw new ApiError(400, 'too_many_points', `At most ${MAX_POINTS} points; give a step`, {
        count: points.length,
      });
    }
    return c.json({ from, to, step: step ?? null, points }, 200);
  });
}

/** GET /v1/cost, its projection to N users and the price of each design choice. */
function registerCost(
  app: OpenAPIHono<AppEnv>,
  deps: CapacityRoutesDeps,
  ctx: { samples: Samples; prices: () => Promise<PriceBook>; now: () => number },
): void {
  const latest = async () => {
    const sample = await ctx.samples.latest();
    if (!sample) throw noSample();
    return sample;
  };
  app.openapi(costRoute, async (c) => {
    const sample = await latest();
    const book = await ctx.prices();
    return c.json(
      {
        at: sample.at,
        report: currentCost(book, sample),
        headroom: await currentHeadroom(book, sample, deps.store, ctx.now()),
      },
      200,
    );
  });
  app.openapi(projectionRoute, async (c) => {
    const { users } = c.req.valid('query');
    const sample = await latest();
    return c.json(projection(await ctx.prices(), sample, users), 200);
  });
  app.openapi(costOptionsRoute, async (c) => {
    const { users } = c.req.valid('query');
    const sample = await latest();
    return c.json({ users, options: options(await ctx.prices(), sample, users) }, 200);
  });
}
