import { type Html, html } from '../html.js';

/**
 * A line chart as inline SVG, server-rendered and small enough to test: readable ticks (whole numbers
 * for counts, 0-100 for percentages, 1-2-5 steps for money), time labels suited to the range, every
 * point focusable with its time and value (the dashboard script shows them on hover or focus, the
 * <title> does without script), and markers that explain jumps. Gaps (null values) break the line, so
 * a failed sample shows as a hole, not as a drop to zero. The viewBox is narrow (360) and the text 12
 * units, so at a 390 px phone the text stays at least 11 px.
 */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

export type Scale = 'count' | 'percent' | 'money';

export interface ChartMarker {
  /** Index of the point the marker stands at. */
  index: number;
  label: string;
  text: string;
}

/** 1-2-5 steps up to `max`; whole steps for counts; always 0..100 by 25 for percentages. */
export function niceTicks(max: number, scale: Scale, target = 4): number[] {
  if (scale === 'percent') return [0, 25, 50, 75, 100];
  const top = Math.max(max, scale === 'count' ? 1 : 0.01);
  const raw = top / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  if (scale === 'count') step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let v = 0; v < top + step - 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

export function formatValue(v: number, scale: Scale): string {
  if (scale === 'percent') return `${Math.round(v)}%`;
  if (scale === 'count') return String(Math.round(v));
  if (Number.isInteger(v) || v >= 100) return `$${Math.round(v)}`;
  return `$${v.toFixed(v >= 10 ? 1 : 2)}`;
}

/** Label for a time on an axis spanning `spanMs`: clock time within a day, day and hour beyond. */
export function formatTime(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  return spanMs <= 26 * 3600_000 ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
}

export function lineChart(options: {
  id: string;
  title: string;
  times: number[];
  series: Series[];
  scale: Scale;
  markers?: ChartMarker[];
  width?: number;
  height?: number;
}): Html {
  const w = options.width ?? 360;
  const h = options.height ?? 200;
  const pad = { l: 44, r: 12, t: 26, b: 24 };
  const { times, scale } = options;
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const ticks = niceTicks(Math.max(0, ...all), scale);
  const max = ticks[ticks.length - 1]!;
  const n = times.length;
  const span = n > 1 ? times[n - 1]! - times[0]! : 0;
  const x = (i: number) => pad.l + (n <= 1 ? 0 : ((times[i]! - times[0]!) / span) * (w - pad.l - pad.r));
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const paths = options.series.map((s) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    const dots = s.values.map((v, i) => {
      if (v === null) return null;
      const label = `${formatTime(times[i]!, 0)} UTC · ${s.name}: ${formatValue(v, scale)}`;
      return html`<circle class="pt" tabindex="0" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}" data-label="${label}"><title>${label}</title></circle>`;
    });
    return html`<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2" data-series="${s.name}"/>${dots}`;
  });
  const yTicks = ticks.map(
    (v) =>
      html`<text x="${pad.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="axis">${formatValue(v, scale)}</text><line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
  );
  const xCount = n > 1 ? Math.min(3, n) : n;
  const xTicks = Array.from({ length: xCount }, (_, k) =>
    xCount === 1 ? 0 : Math.round((k * (n - 1)) / (xCount - 1)),
  ).map((i, k) => {
    const anchor = k === 0 ? 'start' : k === xCount - 1 ? 'end' : 'middle';
    return html`<text x="${x(i).toFixed(1)}" y="${h - 6}" text-anchor="${anchor}" class="axis">${formatTime(times[i]!, span)}</text>`;
  });
  const empty =
    n === 0
      ? html`<text x="${w / 2}" y="${h / 2}" text-anchor="middle" class="axis">no samples yet</text>`
      : '';
  const markers = (options.markers ?? [])
    .filter((m) => m.index >= 0 && m.index < n)
    .map(
      (m) =>
        html`<g class="marker" data-marker="${m.label}"><line x1="${x(m.index).toFixed(1)}" x2="${x(m.index).toFixed(1)}" y1="${pad.t}" y2="${h - pad.b}"/><text x="${x(m.index).toFixed(1)}" y="${pad.t - 2}" text-anchor="middle" class="marker-label">${m.label}</text><title>${m.text}</title></g>`,
    );
  const legend = options.series.map(
    (s, i) => html`<text x="${pad.l + i * 130}" y="14" fill="${s.color}" class="legend">■ ${s.name}</text>`,
  );
  return html`<figure class="chart"><svg id="${options.id}" role="img" aria-label="${options.title}" viewBox="0 0 ${w} ${h}" data-points="${n}">${yTicks}${markers}${paths}${xTicks}${empty}${legend}</svg><figcaption class="readout" aria-live="polite">${options.title}</figcaption></figure>`;
}
