import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SampleStore } from '../../shared/capacity/sample-store.js';
import type { PriceBook } from '../../shared/cost/prices.js';
import type { Rollout } from '../../shared/rollouts/rollout.js';
import type { InstanceStore } from '../../shared/store/instance-store.js';
import { ApiError } from '../api-error.js';
import type { AppEnv } from '../app-env.js';
import { rolloutProgressKey } from '../rollouts/rollout-section.js';
import { currentCost, currentHeadroom } from './cost-view.js';
import {
  DASHBOARD_CSS,
  DASHBOARD_JS,
  RANGES,
  type RangeId,
  rangeOf,
  renderDashboard,
} from './dashboard-page.js';
import { type DashboardData, renderSections } from './dashboard-sections.js';

/**
 * The dashboard page, its stylesheet and script, and its live stream: `/dashboard/events?range=1h`
 * sends every section, rendered, at once and again whenever the latest sample (or gap) changes. The
 * stream polls the sample store's last entry every `pollMs` (one small Redis read), and sends a
 * comment every 15 s so proxies keep the connection.
 */
export interface DashboardRouteDeps {
  samples: SampleStore;
  store: InstanceStore;
  prices: () => Promise<PriceBook>;
  now: () => number;
  pollMs: number;
  /** The latest rollout, for its section (absent: no section content). */
  rollout?: () => Promise<Rollout | null>;
}

const MAX_POINTS = 360;

export function registerDashboardRoutes(app: Hono<AppEnv>, deps: DashboardRouteDeps): void {
  async function data(range: RangeId): Promise<DashboardData> {
    const t = deps.now();
    const { spanMs, stepMs } = RANGES[range];
    const [sample, lastEntry, history] = await Promise.all([
      deps.samples.latest(),
      deps.samples.lastEntry(),
      deps.samples.history(t - spanMs, t, stepMs),
    ]);
    const book = await deps.prices();
    return {
      now: t,
      rollout: (await deps.rollout?.()) ?? null,
      sample,
      lastEntry,
      history: history.slice(-MAX_POINTS),
      cost: sample ? currentCost(book, sample) : null,
      headroom: sample ? await currentHeadroom(book, sample, deps.store, t) : null,
    };
  }
  const rangeOrThrow = (value: string | undefined): RangeId => {
    const range = rangeOf(value);
    if (!range)
      throw new ApiError(400, 'invalid_query', 'range must be one of 1h, 24h, 7d', { range: value });
    return range;
  };

  app.get('/dashboard', async (c) => {
    const range = rangeOrThrow(c.req.query('range'));
    c.header('cache-control', 'no-store');
    return c.html(renderDashboard({ ...(await data(range)), range }));
  });

  app.get('/dashboard/app.css', (c) =>
    c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }),
  );
  app.get('/dashboard/app.js', (c) =>
    c.body(DASHBOARD_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );

  app.get('/dashboard/events', async (c) => {
    const range = rangeOrThrow(c.req.query('range'));
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      let last: string | null = null;
      let quietMs = 0;
      while (open) {
        const entry = await deps.samples.lastEntry();
        // A rollout's progress changes the page between samples too.
        const rolled = rolloutProgressKey((await deps.rollout?.()) ?? null);
        const key = `${entry ? `${entry.bucket}:${entry.at}:${entry.gap ? 'gap' : 'ok'}` : 'none'}:${rolled}`;
        if (key !== last) {
          last = key;
          quietMs = 0;
          const d = await data(range);
          await stream.writeSSE({
            event: 'update',
            data: JSON.stringify({ at: d.sample?.at ?? null, sections: renderSections(d) }),
          });
        } else {
          quietMs += deps.pollMs;
          if (quietMs >= 15_000) {
            quietMs = 0;
            await stream.write(': heartbeat\n\n');
          }
        }
        await stream.sleep(deps.pollMs);
      }
    });
  });
}
