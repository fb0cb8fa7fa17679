import { type Command, InvalidArgumentError } from 'commander';
import { contextOf } from '../context.js';
import { readSse } from '../sse.js';

interface LogLine {
  eventId: string;
  timestamp: string;
  taskId: string;
  message: string;
}
interface LogPage {
  items: LogLine[];
  nextCursor: string | null;
}

function instant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('expected a date-time, e.g. 2026-11-29T23:00:00Z');
  return new Date(ms).toISOString();
}
function pageSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  return n;
}

/** `time  task  message`, the task id shortened: a restart shows as a new task. */
const text = (l: LogLine) => `${l.timestamp}  ${l.taskId.slice(0, 8)}  ${l.message}`;

export function registerInstanceLogs(instances: Command): void {
  instances
    .command('logs <id>')
    .description("the instance's gateway log lines (secrets redacted by the API); --follow streams new ones")
    .option(
      '--since <time>',
      'lines at or after this time (default: since creation; with --follow, now)',
      instant,
    )
    .option('--limit <n>', 'lines per page (1-1000)', pageSize, 100)
    .option('--all', 'every page up to now, not just the first')
    .option('-f, --follow', 'stream new lines until interrupted (Ctrl-C)')
    .action(
      async (
        id: string,
        opts: { since?: string; limit: number; all?: boolean; follow?: boolean },
        cmd: Command,
      ) => {
        const { api, out } = contextOf(cmd);
        const base = `/v1/instances/${encodeURIComponent(id)}/logs`;
        if (opts.follow) {
          const query = new URLSearchParams({ follow: 'true', ...(opts.since ? { since: opts.since } : {}) });
          const res = await api.stream(`${base}?${query}`);
          for await (const event of readSse(res.body as ReadableStream<Uint8Array>)) {
            if (event.event !== 'log') continue;
            const line = JSON.parse(event.data) as LogLine;
            process.stdout.write(`${out.json ? JSON.stringify(line) : text(line)}\n`);
          }
          return;
        }
        const items: LogLine[] = [];
        let cursor: string | null = null;
        do {
          const query = new URLSearchParams({ limit: String(opts.limit) });
          if (opts.since && !cursor) query.set('since', opts.since);
          if (cursor) query.set('cursor', cursor);
          const { body } = await api.request<LogPage>('GET', `${base}?${query}`);
          items.push(...body.items);
          cursor = body.nextCursor;
        } while (opts.all && cursor);
        out.result(items, () => (items.length === 0 ? 'No log lines.' : items.map(text).join('\n')));
      },
    );
}
