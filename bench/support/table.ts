import { type FigureRun, type Metric, met } from './figure.js';
import { median, ratio } from './stats.js';

export interface FigureReport {
  id: number;
  name: string;
  sizes: string;
  skipped?: string;
  runs: (FigureRun | { error: string })[];
}

const fmt = (x: number | undefined): string => {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

const isRun = (r: FigureRun | { error: string }): r is FigureRun => 'metrics' in r;

/** Rows of the issue-7 table: one per metric, both runs side by side, the median and whether the target held. */
export function tableRows(reports: FigureReport[]): string[][] {
  const rows: string[][] = [];
  for (const report of reports) {
    if (report.skipped) {
      rows.push([`${report.id}`, report.name, `skipped: ${report.skipped}`]);
      continue;
    }
    const runs = report.runs;
    const labels = [...new Set(runs.filter(isRun).flatMap((r) => r.metrics.map((m) => m.label)))];
    if (labels.length === 0) rows.push([`${report.id}`, report.name, 'failed: see notes']);
    for (const label of labels) {
      const perRun = runs.map((r) => (isRun(r) ? r.metrics.find((m) => m.label === label) : undefined));
      const first = perRun.find((m): m is Metric => m !== undefined)!;
      const cells = perRun.flatMap((m) =>
        m ? [fmt(m.value), fmt(m.baseline), fmt(ratio(m.value, m.baseline))] : ['err', '', ''],
      );
      const values = perRun.filter((m): m is Metric => m !== undefined).map((m) => m.value);
      const verdicts = perRun.map((m) => (m ? met(m) : false));
      const verdict = first.target
        ? verdicts.map((v) => (v === null ? '-' : v ? 'met' : 'MISSED')).join('/')
        : '';
      rows.push([
        `${report.id}`,
        `${report.name}: ${label} (${first.unit})`,
        ...cells,
        fmt(median(values)),
        first.target?.text ?? '',
        verdict,
      ]);
    }
  }
  return rows;
}

export function renderTable(reports: FigureReport[]): string {
  const header = [
    '#',
    'figure: metric (unit)',
    'run1',
    'base1',
    'ratio1',
    'run2',
    'base2',
    'ratio2',
    'median',
    'target',
    'met',
  ];
  const rows = [header, ...tableRows(reports)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i <= 1 || i >= 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  const sep = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), sep, ...rows.slice(1).map(line)].join('\n');
}
