import { type Html, html } from '../html.js';
import { type DashboardData, renderSections } from './dashboard-sections.js';

/**
 * The operator dashboard: one server-rendered page whose sections a small external script replaces
 * from a server-sent event stream (`/dashboard/events`) whenever a new sample lands, so it never
 * reloads. No inline script, style or event handler: the page works under a strict Content Security
 * Policy (script-src 'self'), and without script it is still a complete, if static, page.
 */
export const RANGES = {
  '1h': { spanMs: 3600_000, stepMs: undefined },
  '24h': { spanMs: 24 * 3600_000, stepMs: 5 * 60_000 },
  '7d': { spanMs: 7 * 24 * 3600_000, stepMs: 3600_000 },
} as const;
export type RangeId = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeId = '1h';

export function rangeOf(value: string | undefined): RangeId | null {
  if (value === undefined) return DEFAULT_RANGE;
  return Object.hasOwn(RANGES, value) ? (value as RangeId) : null;
}

export function renderDashboard(d: DashboardData & { range: RangeId }): Html {
  const s = renderSections(d);
  const ranges = (Object.keys(RANGES) as RangeId[]).map(
    (r) => html`<a href="?range=${r}" data-range="${r}" aria-current="${String(r === d.range)}">${r}</a>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>OpenClaw Fleet capacity</title>
<link rel="stylesheet" href="/dashboard/app.css"><script src="/dashboard/app.js" defer></script>
</head><body data-range="${d.range}" data-updates="0">
<h1>OpenClaw Fleet capacity</h1>
<p class="muted"><span id="live">static page</span> · <span class="badge spot-key">spot</span><span class="badge on-demand-key">on-demand</span><span class="badge idle-badge">idle</span></p>
<div data-section="summary">${s.summary}</div>
<h2>Rollout</h2>
<div data-section="rollout">${s.rollout}</div>
<div data-section="fleet">${s.fleet}</div>
<h2>Over time</h2><nav class="ranges" aria-label="Time range">${ranges}</nav>
<div data-section="charts">${s.charts}</div>
<h2>Headroom: spare capacity against waiting signups (last 24 h)</h2>
<div data-section="headroom">${s.headroom}</div>
<h2>Cost by component</h2>
<div data-section="cost">${s.cost}</div>
</body></html>`;
}

export const DASHBOARD_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:12px;color:#1d2330;background:#f6f7f9}
.instance,.card,li,.warn{overflow-wrap:anywhere}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 8px}h3{font-size:14px;margin:12px 0 6px}
.muted{color:#667}.warn{background:#fff3cd;padding:6px 10px;border-radius:4px}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:140px;flex:1 1 140px;max-width:260px}
.card span{display:block;color:#667;font-size:12px}.card b{font-size:20px}.card small{display:block;color:#667;font-size:12px}
.fleet{display:flex;flex-wrap:wrap;gap:10px}.instance{background:#fff;border:2px solid #8aa;border-radius:6px;padding:6px;width:270px;max-width:100%;box-sizing:border-box}
.instance.spot,.spot-key{border:2px solid #4a8}.instance.on-demand,.on-demand-key{border:2px solid #47c}.instance.idle{background:repeating-linear-gradient(45deg,#fff,#fff 8px,#fdf1e6 8px,#fdf1e6 16px);border-style:dashed}
.instance.launching{opacity:.6}.instance.pending-capacity{border-color:#c64;background:#fff6f3}
.badge{font-size:12px;margin-left:6px;padding:0 5px;border-radius:8px;background:#e8eef5}.idle-badge{background:#f7c99b}
.meta{font-size:12px;color:#667}.tasks{margin-top:4px;display:flex;flex-direction:column;gap:3px}
.task{background:#e4f2ea;border-radius:3px;padding:2px 5px;font-size:12px}.task small{float:right;color:#667;font-size:12px}.task.waiting{background:#fbe1d6}.empty{font-size:12px;color:#a77}
.ranges a{display:inline-block;padding:4px 12px;margin-right:6px;border:1px solid #99a;border-radius:14px;color:#1d2330;text-decoration:none}.ranges a[aria-current=true]{background:#1d2330;color:#fff}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,400px),1fr));gap:12px;margin-top:8px}
.chart{margin:0;background:#fff;border:1px solid #dde;border-radius:6px;padding:4px}.chart svg{display:block;width:100%;height:auto}
.readout{font-size:12px;color:#334;min-height:1.4em;padding:0 4px}
.axis{font-size:12px;fill:#556}.grid{stroke:#e6e8f0}.legend{font-size:12px}.pt:focus{outline:none;stroke:#000;stroke-width:2}
.marker line{stroke:#b33;stroke-dasharray:3 3}.marker-label{font-size:12px;fill:#b33;font-weight:bold}
.scroll{max-width:100%;overflow-x:auto}table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde;padding:4px 8px;text-align:right;font-size:13px}td:first-child,th:first-child{text-align:left}tr.total td{font-weight:bold}
`;

export const DASHBOARD_JS = `(() => {
  const live = () => document.getElementById('live');
  let source = null;
  // The charts show the old range until the new stream's first update; aria-busy says so meanwhile,
  // and an event the closed stream had already queued is dropped.
  const charts = () => document.querySelector('[data-section="charts"]');
  function connect(range) {
    if (source) source.close();
    const mine = new EventSource('/dashboard/events?range=' + encodeURIComponent(range));
    source = mine;
    mine.addEventListener('update', (event) => {
      if (source !== mine) return;
      charts().removeAttribute('aria-busy');
      const data = JSON.parse(event.data);
      for (const [name, html] of Object.entries(data.sections)) {
        const holder = document.querySelector('[data-section="' + name + '"]');
        if (holder) holder.innerHTML = html;
      }
      document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
      live().textContent = 'live · last sample ' + (data.at ? new Date(data.at).toISOString().slice(11, 19) + ' UTC' : 'none');
    });
    mine.addEventListener('error', () => { if (source === mine) live().textContent = 'reconnecting…'; });
  }
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[data-range]');
    if (!link) return;
    event.preventDefault();
    document.body.dataset.range = link.dataset.range;
    for (const other of document.querySelectorAll('a[data-range]')) other.setAttribute('aria-current', String(other === link));
    history.replaceState(null, '', link.href);
    charts().setAttribute('aria-busy', 'true');
    connect(link.dataset.range);
  });
  const show = (event) => {
    const point = event.target.closest && event.target.closest('.pt');
    if (!point) return;
    const readout = point.closest('figure').querySelector('.readout');
    if (readout) readout.textContent = point.dataset.label;
  };
  document.addEventListener('mouseover', show);
  document.addEventListener('focusin', show);
  connect(document.body.dataset.range);
})();
`;
