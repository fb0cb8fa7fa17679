/** What a figure reports: metrics with their same-run baselines and targets, plus notes. */
export interface Target {
  /** Judged on the value itself or on value / baseline. */
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  limit: number;
  text: string;
}

export interface Metric {
  label: string;
  unit: string;
  value: number;
  baseline?: number;
  target?: Target;
}

export interface FigureRun {
  metrics: Metric[];
  notes: string[];
}

export interface Figure {
  id: number;
  name: string;
  /** The sizes this figure runs at, printed before it starts. */
  sizes: string;
  /** Null when the figure can run, else why not (a component not landed yet). */
  unavailable(): Promise<string | null>;
  run(runIndex: number): Promise<FigureRun>;
}

export function met(metric: Metric): boolean | null {
  const t = metric.target;
  if (!t) return null;
  const x = t.on === 'value' ? metric.value : metric.value / (metric.baseline ?? Number.NaN);
  if (!Number.isFinite(x)) return false;
  return t.op === '>=' ? x >= t.limit : x <= t.limit;
}
