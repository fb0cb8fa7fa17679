import { type Command, InvalidArgumentError } from 'commander';
import type { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { contextOf } from '../context.js';
import { keyValues, table } from '../table.js';

/** The report's counts, as GET /v1/reconcile/runs/{id} answers them. */
type Count = 'driftFound' | 'repaired' | 'deleted' | 'reenqueued' | 'failed' | 'errors' | 'waitingForGrace';
type Report = Record<Count, number> & {
  jobId: string;
  dryRun: boolean;
  durationMs: number;
  scanned: Record<string, number>;
  actions: { kind: string; instanceId: string; reason: string; applied: boolean; error?: string }[];
};
type Answer = Report | { jobId: string; status: 'running'; links: { self: string } };

const POLL_MS = 1000;

/** Polls a run the API stopped waiting for (202) until it reports, or gives up after `waitS` seconds. */
async function untilReported(api: ApiClient, first: Answer, waitS: number): Promise<Report> {
  const deadline = Date.now() + waitS * 1000;
  let answer = first;
  while ('status' in answer) {
    if (Date.now() > deadline)
      throw new CliError(
        `reconcile run ${answer.jobId} has not finished after ${waitS} s (is a worker running?); its report will be at ${answer.links.self}, or pass a longer --wait`,
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
    answer = (await api.request<Answer>('GET', answer.links.self)).body;
  }
  return answer;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600)
    throw new InvalidArgumentError('expected seconds from 1 to 3600');
  return n;
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
    .option('--wait <seconds>', 'give up waiting for the report after this long (1-3600)', seconds, 300)
    .action(async (opts: { dryRun?: boolean; wait: number }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      out.note(`reconciling${opts.dryRun ? ' (dry run)' : ''}...`);
      const { body } = await api.request<Answer>('POST', '/v1/reconcile', {
        dryRun: opts.dryRun ?? false,
        // The API waits at most 60 s; past that (and past this) the CLI polls the run's link.
        waitMs: Math.min(opts.wait * 1000, 25_000),
      });
      const report = await untilReported(api, body, opts.wait);
      out.result(report, () => text(report));
    });
}
