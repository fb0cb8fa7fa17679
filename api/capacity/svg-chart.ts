/**
 * A line chart as inline SVG, server-rendered: no script, no external asset. Gaps (null values) break
 * the line, so a failed sample shows as a hole, not as a drop to zero.
 */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function lineChart(options: {
  id: string;
  title: string;
  times: number[];
  series: Series[];
  unit?: string;
  width?: number;
  height?: number;
}): string {
  const w = options.width ?? 560;
  const h = options.height ?? 180;
  const pad = { l: 44, r: 10, t: 24, b: 22 };
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all) * 1.1;
  const n = options.times.length;
  const x = (i: number) => pad.l + (n <= 1 ? 0 : (i / (n - 1)) * (w - pad.l - pad.r));
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
    const dots = s.values
      .map((v, i) =>
        v === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2" fill="${s.color}"/>`,
      )
      .join('');
    return `<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2" data-series="${esc(s.name)}"/>${dots}`;
  });
  const fmtTime = (t: number) => new Date(t).toISOString().slice(11, 16);
  const ticks = [0, 0.5, 1].map((f) => {
    const v = max * f;
    return `<text x="${pad.l - 4}" y="${y(v) + 4}" text-anchor="end" class="axis">${v >= 10 ? Math.round(v) : v.toFixed(2)}</text><line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`;
  });
  const xLabels =
    n > 0
      ? `<text x="${pad.l}" y="${h - 4}" class="axis">${fmtTime(options.times[0]!)}</text><text x="${w - pad.r}" y="${h - 4}" text-anchor="end" class="axis">${fmtTime(options.times[n - 1]!)}</text>`
      : `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" class="axis">no samples yet</text>`;
  const legend = options.series
    .map(
      (s, i) =>
        `<text x="${pad.l + i * 150}" y="14" fill="${s.color}" class="legend">■ ${esc(s.name)}${options.unit ? ` (${esc(options.unit)})` : ''}</text>`,
    )
    .join('');
  return `<svg id="${esc(options.id)}" role="img" aria-label="${esc(options.title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-points="${n}">${ticks.join('')}${paths.join('')}${xLabels}${legend}</svg>`;
}

export { esc };
