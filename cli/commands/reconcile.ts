import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { contextOf } from '../context.js';
import { keyValues, table } from '../table.js';

interface Report {
  jobId: string;
  dryRun: boolean;
  durationMs: number;
  scanned: Record<string, number>;
  driftFound: number;
  repaired: number;
  deleted: number;
  reenqueued: number;
  failed: number;
  errors: number;
  waitingForGrace: number;
  actions: { kind: string; instanceId: string; reason: string; applied: boolean; error?: string }[];
}
type Answer = Report | { jobId: string; status: 'running'; links: { self: string } };

const POLL_MS = 1000;

/** Polls a run the API stopped waiting for (202) until it reports. */
async function untilReported(api: ApiClient, first: Answer): Promise<Report> {
  let answer = first;
  while ('status' in answer) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    answer = (await api.request<Answer>('GET', answer.links.self)).body;
  }
  return answer;
}

function text(r: Report): string {
  const head = keyValues([
    ['run', `${r.jobId}${r.dryRun ? ' (dry run: nothing changed)' : ''}`],
    ['took', `${r.durationMs} ms`],
    [
      'scanned',
      Object.entries(r.scanned)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['drift found', r.driftFound],
    [
      'repaired / deleted / re-enqueued / failed',
      `${r.repaired} / ${r.deleted} / ${r.reenqueued} / ${r.failed}`,
    ],
    ['errors', r.errors],
    ['orphans in grace period', r.waitingForGrace],
  ]);
  if (r.actions.length === 0) return `${head}\n\nNo drift.`;
  const rows = table(
    ['instance', 'action', 'applied', 'reason'],
    r.actions.map((a) => [
      a.instanceId,
      a.kind,
      a.applied ? 'yes' : 'no',
      a.error ? `${a.reason} (${a.error})` : a.reason,
    ]),
  );
  return `${head}\n\n${rows}`;
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('run the reconciler now (through the API and a worker) and print its report')
    .option('--dry-run', 'report the drift, change nothing')
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      out.note(`reconciling${opts.dryRun ? ' (dry run)' : ''}...`);
      const { body } = await api.request<Answer>('POST', '/v1/reconcile', { dryRun: opts.dryRun ?? false });
      const report = await untilReported(api, body);
      out.result(report, () => text(report));
    });
}
