import { type Command, InvalidArgumentError } from 'commander';
import { contextOf } from '../context.js';
import { type Cell, keyValues, table } from '../table.js';

interface CapacityBody {
  sample: {
    at: number;
    reservation: { m: number; n: number; value: number };
    scaling: { action: string };
    tasks: { running: number; pending: number; waitingForCapacity: number };
    utilisation: { percent: { cpu: number; memory: number } };
    idle: unknown[];
    waitingSignups: unknown[];
    cost: { perHour: number };
  } | null;
  stale: { reason: string } | null;
  routing: { used: number; capacity: number; left: number };
  reconcile: { last: { at: string; driftFound: number; dryRun: boolean } | null; totals: { runs: number } };
}

interface CostReport {
  currency: string;
  users: number;
  components: { label: string; perHour: number; perMonth: number; detail: string }[];
  total: { perHour: number; perMonth: number };
  perUser: { perHour: number; perMonth: number } | null;
  waste: { idleInstances: number; idlePerMonth: number };
  unpriced: string[];
}

const money = (v: number | undefined, currency = 'USD') =>
  v === undefined ? '-' : `${v.toFixed(v < 1 ? 4 : 2)} ${currency}`;

/** A percentage as people read it: at most one decimal (40.125… -> 40.1%). */
const percent = (value: number) => `${Math.round(value * 10) / 10}%`;

function capacityText(b: CapacityBody): string {
  const s = b.sample;
  const pairs: [string, Cell][] = [
    ['sampled at', s ? new Date(s.at).toISOString() : 'no sample yet (the worker samples every minute)'],
    ['stale', b.stale ? b.stale.reason : 'no'],
    ['instances in service (n)', s?.reservation.n],
    ['instances needed (m)', s?.reservation.m],
    ['reservation', s ? `${s.reservation.value}%` : null],
    ['scaling', s?.scaling.action],
    [
      'tasks running / pending / waiting',
      s ? `${s.tasks.running} / ${s.tasks.pending} / ${s.tasks.waitingForCapacity}` : null,
    ],
    [
      'cpu / memory reserved',
      s ? `${percent(s.utilisation.percent.cpu)} / ${percent(s.utilisation.percent.memory)}` : null,
    ],
    ['idle instances', s?.idle.length],
    ['waiting signups', s?.waitingSignups.length],
    ['routing slots used / capacity', `${b.routing.used} / ${b.routing.capacity} (${b.routing.left} left)`],
    ['fleet cost per hour', s ? money(s.cost.perHour) : null],
    [
      'last reconcile',
      b.reconcile.last
        ? `${b.reconcile.last.at}, drift ${b.reconcile.last.driftFound}${b.reconcile.last.dryRun ? ' (dry run)' : ''}`
        : 'never',
    ],
  ];
  return keyValues(pairs);
}

function costText(r: CostReport, heading: [string, Cell][]): string {
  const head = keyValues([
    ...heading,
    ['users', r.users],
    ['total per hour', money(r.total.perHour, r.currency)],
    ['total per month', money(r.total.perMonth, r.currency)],
    ['per user per month', money(r.perUser?.perMonth, r.currency)],
    ['idle instances', `${r.waste.idleInstances} (${money(r.waste.idlePerMonth, r.currency)} a month)`],
    ...(r.unpriced.length > 0 ? ([['unpriced types', r.unpriced.join(', ')]] as [string, Cell][]) : []),
  ]);
  const rows = table(
    ['component', 'per hour', 'per month', 'detail'],
    r.components.map((c) => [c.label, c.perHour.toFixed(4), c.perMonth.toFixed(2), c.detail]),
  );
  return `${head}\n\n${rows}`;
}

function users(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100_000)
    throw new InvalidArgumentError('expected a whole number of users from 0 to 100000');
  return n;
}

export function registerCapacityAndCost(program: Command): void {
  program
    .command('capacity')
    .description('latest capacity sample, routing slots and the last reconcile run')
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<CapacityBody>('GET', '/v1/capacity');
      out.result(body, () => capacityText(body));
    });

  program
    .command('cost')
    .description('cost now by component; with --users N, the projection at N users')
    .option('--users <n>', 'project the cost at n users (0-100000)', users)
    .action(async (opts: { users?: number }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      if (opts.users !== undefined) {
        const { body } = await api.request<{
          instances: number;
          usersPerInstance: number;
          cappedAtMax: boolean;
          report: CostReport;
        }>('GET', `/v1/cost/projection?users=${opts.users}`);
        out.result(body, () =>
          costText(body.report, [
            ['projection', `${opts.users} users`],
            ['instances', `${body.instances}${body.cappedAtMax ? ' (capped at the ASG maximum)' : ''}`],
            ['users per instance', body.usersPerInstance],
          ]),
        );
        return;
      }
      const { body } = await api.request<{ at: number; report: CostReport }>('GET', '/v1/cost');
      out.result(body, () => costText(body.report, [['sampled at', new Date(body.at).toISOString()]]));
    });
}
