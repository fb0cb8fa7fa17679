/**
 * `npx tsx bench/profile-summary.ts [--during=<function>] artifacts/profiles/CPU.*.cpuprofile`: self
 * time by function and by package (node_modules/<pkg>, our own top-level folder, or node internals),
 * heaviest first, then inclusive time by function. `--during=dispatch` (Hono's compose) keeps only
 * the samples between the first and last one with that function on the stack, i.e. the load, not
 * the process's start-up and module compilation.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string): string {
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1]!;
  const own = /\/work\/main\/([^/]+)\//.exec(url);
  if (own) return `(ours) ${own[1]}`;
  return url.startsWith('node:') ? 'node internals' : url ? url : '(native/gc/idle)';
}

const args = process.argv.slice(2);
const during = args.find((a) => a.startsWith('--during='))?.slice('--during='.length);

for (const file of args.filter((a) => !a.startsWith('--'))) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stack = (id: number) => {
    const frames: ProfileNode[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) frames.push(byId.get(x)!);
    return frames;
  };
  const key = (f: ProfileNode['callFrame']) =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}`;

  let first = 0;
  let last = profile.samples.length - 1;
  if (during) {
    const hits = profile.samples.flatMap((id, i) =>
      stack(id).some((n) => n.callFrame.functionName === during) ? [i] : [],
    );
    if (hits.length === 0) throw new Error(`${file}: no sample has ${during} on its stack`);
    first = hits[0]!;
    last = hits[hits.length - 1]!;
  }

  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (let i = first; i <= last; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const frames = stack(profile.samples[i]!);
    const self = frames[0]!.callFrame;
    total += us;
    fns.set(key(self), (fns.get(key(self)) ?? 0) + us);
    areas.set(area(self.url), (areas.get(area(self.url)) ?? 0) + us);
    for (const k of new Set(frames.map((n) => key(n.callFrame))))
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, us]) =>
          `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
      )
      .join('\n');
  console.log(
    `${file}: ${(total / 1e6).toFixed(1)} s sampled${during ? ` (while ${during} ran)` : ''}\n` +
      `by area:\n${top(areas, 12)}\nby function (self):\n${top(fns, 25)}\n` +
      `by function (inclusive):\n${top(inclusive, 25)}\n`,
  );
}
