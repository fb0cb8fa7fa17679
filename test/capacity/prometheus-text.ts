/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line is a HELP or TYPE
 * comment or a sample `name{label="value",...} number`; a family's TYPE comes before its samples;
 * histogram buckets are cumulative and `+Inf` equals `_count`. Throws on the first violation.
 */
export interface Family {
  name: string;
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      const [name, ...help] = line.slice(7).split(' ');
      if (!NAME.test(name!)) throw new Error(`bad HELP name, ${where}`);
      if (families.has(name!)) throw new Error(`family repeated, ${where}`);
      families.set(name!, { name: name!, type: 'untyped', help: help.join(' '), samples: [] });
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      const f = families.get(name!);
      if (!f || f.samples.length > 0) throw new Error(`TYPE after samples or without HELP, ${where}`);
      if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type!))
        throw new Error(`bad type, ${where}`);
      f.type = type!;
      return;
    }
    if (line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample, ${where}`);
    const name = m[1]!;
    const labels: Record<string, string> = {};
    if (m[3]) {
      LABEL.lastIndex = 0;
      let pos = 0;
      while (pos < m[3].length) {
        LABEL.lastIndex = pos;
        const l = LABEL.exec(m[3]);
        if (!l) throw new Error(`bad labels, ${where}`);
        labels[l[1]!] = l[2]!;
        pos = LABEL.lastIndex;
      }
    }
    const base = [...families.keys()].find(
      (f) =>
        name === f ||
        (families.get(f)!.type === 'histogram' && /^(.*)_(bucket|sum|count)$/.exec(name)?.[1] === f),
    );
    if (!base) throw new Error(`sample without a family, ${where}`);
    const value = Number(m[4]!.replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'));
    families.get(base)!.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, Family['samples']>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name === `${f.name}_bucket`);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    if (!count || !samples.some((s) => s.name === `${f.name}_sum`))
      throw new Error(`${f.name}${key}: no _sum/_count`);
    const inf = buckets.find((b) => b.labels.le === '+Inf');
    if (!inf || inf.value !== count.value) throw new Error(`${f.name}${key}: +Inf bucket must equal _count`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.value < buckets[i - 1]!.value)
        throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
  }
}
