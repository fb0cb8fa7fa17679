import { type Command, InvalidArgumentError } from 'commander';
import { contextOf } from '../context.js';
import { followInstance } from '../follow-instance.js';
import { age, keyValues, table } from '../table.js';
import { registerInstanceLogs } from './instance-logs.js';

interface Instance {
  id: string;
  userId: string;
  email: string;
  status: string;
  currentStep: string | null;
  steps: {
    id: string;
    state: string;
    attempts: number;
    lastError: { code: string; message: string } | null;
  }[];
  url: string;
  image: string | null;
  error: { step: string; code: string; message: string } | null;
  createdAt: string;
  runningAt: string | null;
}
interface Page {
  items: Instance[];
  nextCursor: string | null;
}

const STATUSES = ['queued', 'provisioning', 'running', 'degraded', 'failed', 'deleting', 'deleted'];
const path = (id: string, rest = '') => `/v1/instances/${encodeURIComponent(id)}${rest}`;

function positiveInt(max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}
function status(value: string) {
  if (!STATUSES.includes(value)) throw new InvalidArgumentError(`expected one of ${STATUSES.join(', ')}`);
  return value;
}

const listTable = (items: Instance[]) =>
  table(
    ['id', 'user', 'status', 'step', 'age', 'url'],
    items.map((i) => [i.id, i.userId, i.status, i.currentStep, age(i.createdAt), i.url]),
  );

function detail(i: Instance): string {
  const head = keyValues([
    ['id', i.id],
    ['user', `${i.userId} <${i.email}>`],
    ['status', i.status],
    ['step', i.currentStep],
    ['url', i.url],
    ['image', i.image],
    ['created', i.createdAt],
    ['running since', i.runningAt],
    ['error', i.error ? `${i.error.step} ${i.error.code}: ${i.error.message}` : null],
  ]);
  const steps = table(
    ['step', 'state', 'attempts', 'last error'],
    i.steps.map((s) => [
      s.id,
      s.state,
      s.attempts,
      s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : null,
    ]),
  );
  return `${head}\n\n${steps}`;
}

export function registerInstances(program: Command): void {
  const instances = program
    .command('instances')
    .description('list, inspect, follow, retry and delete instances');
  registerList(instances);
  registerReads(instances);
  registerInstanceLogs(instances);
  registerActions(instances);
  registerRotateToken(instances);
}

function registerList(instances: Command): void {
  instances
    .command('list')
    .description('instances, newest first')
    .option('--status <status>', `only this status (${STATUSES.join('|')})`, status)
    .option('--limit <n>', 'at most n (1-100 per page)', positiveInt(100), 20)
    .option('--all', 'every page, not just the first')
    .action(async (opts: { status?: string; limit: number; all?: boolean }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const items: Instance[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: String(opts.limit) });
        if (opts.status) query.set('status', opts.status);
        if (cursor) query.set('cursor', cursor);
        const { body } = await api.request<Page>('GET', `/v1/instances?${query}`);
        items.push(...body.items);
        cursor = body.nextCursor;
      } while (opts.all && cursor);
      out.result(items, () => (items.length === 0 ? 'No instances.' : listTable(items)));
      if (cursor) out.note(`(more instances: add --all, or a larger --limit)`);
    });
}

/** `get` and `events` (without --follow) print the same: the instance, its steps and error. */
async function showInstance(cmd: Command, id: string): Promise<void> {
  const { api, out } = contextOf(cmd);
  const { body } = await api.request<Instance>('GET', path(id));
  out.result(body, () => detail(body));
}

function registerReads(instances: Command): void {
  instances
    .command('get <id>')
    .description('one instance: status, steps, URL, error')
    .action((id: string, _opts: unknown, cmd: Command) => showInstance(cmd, id));

  instances
    .command('events <id>')
    .description("an instance's state; with --follow, its live events until it is running, failed or deleted")
    .option('-f, --follow', 'stream events (progress bar on a terminal); exit 1 if it ends failed')
    .action(async (id: string, opts: { follow?: boolean }, cmd: Command) => {
      if (!opts.follow) return showInstance(cmd, id);
      const { api, out } = contextOf(cmd);
      await followInstance(api, out, id);
    });
}

/** retry and delete: queue the job, then print its answer or, with --follow, follow the instance. */
const ACTIONS = [
  {
    name: 'retry',
    description: 'resume a failed create from its failed step',
    follow: 'then follow it until it is running or failed',
    method: 'POST',
    suffix: '/retry',
    doing: 'retrying',
    queued: 'retry queued',
  },
  {
    name: 'delete',
    description: 'delete an instance and every AWS resource it holds',
    follow: 'then follow it until it is deleted',
    method: 'DELETE',
    suffix: '',
    doing: 'deleting',
    queued: 'delete queued',
  },
] as const;

function registerActions(instances: Command): void {
  for (const action of ACTIONS) {
    instances
      .command(`${action.name} <id>`)
      .description(action.description)
      .option('-f, --follow', action.follow)
      .action(async (id: string, opts: { follow?: boolean }, cmd: Command) => {
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<{ id: string; status: string }>(
          action.method,
          path(id, action.suffix),
        );
        if (!opts.follow) return out.result(body, () => `${body.id} ${body.status}: ${action.queued}`);
        out.note(`${action.doing} ${id}`);
        await followInstance(api, out, id);
      });
  }
}

function registerRotateToken(instances: Command): void {
  instances
    .command('rotate-token <id>')
    .description('new gateway token for an instance whose credentials were lost (PUT .../credentials)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<{ id: string; status: string; url: string; gatewayToken: string }>(
        'PUT',
        path(id, '/credentials'),
        {},
      );
      out.result(body, () =>
        keyValues([
          ['id', body.id],
          ['status', body.status],
          ['url', body.url],
          ['gateway token', body.gatewayToken],
          ['note', 'shown this once; the old token no longer works'],
        ]),
      );
    });
}
