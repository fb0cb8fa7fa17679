import { routingCapacity } from '../store/routing-capacity.js';
import { type CostedInstance, type CostReport, costReport } from './cost-report.js';
import { factsFor, type Packing, packingOf } from './instance-catalog.js';
import { instancePricePerHour, type NatMode, type PriceBook } from './prices.js';
import { type QuotaCheck, quotaChecks } from './quotas.js';

/**
 * What N users need, never capped: instances by type and purchase option at each type's packing limit
 * (task ENIs, CPU or memory), the ASG max_size that takes, load balancers, listeners and target
 * groups, every quota on the way with the user count at which it binds, and the bill for all of it.
 * The on-demand base comes first (the group's first type), then spot in the group's order, round
 * robin: an even spread is what a price-capacity-optimized group tends to when prices are close.
 */
export interface ProjectionInput {
  users: number;
  targetCapacity: number;
  asgMin: number;
  /** The group's max_size today: reported against, never applied. */
  asgMax: number;
  onDemandBase: number;
  /** Instance types the group launches, in its order. */
  instanceTypes: readonly string[];
  /** Registered resources read from running instances, by type. */
  observedShapes?: Readonly<Record<string, { cpu: number; memory: number }>>;
  /** Users per busy instance today, for reference (null when nobody runs). */
  observedUsersPerInstance?: number | null;
}

export interface TypePacking extends Packing {
  instanceType: string;
}

export interface Projection {
  users: number;
  natMode: NatMode;
  awsvpcTrunking: boolean;
  packing: TypePacking[];
  usersPerInstance: number;
  observedUsersPerInstance: number | null;
  instances: number;
  neededInstances: number;
  spareInstances: number;
  instancesByType: { instanceType: string; purchaseOption: 'spot' | 'on-demand'; count: number }[];
  asg: { maxSizeRequired: number; currentMaxSize: number; maxSizeTooLow: boolean };
  routing: { usersPerAlb: number; albs: number; listeners: number; rules: number; targetGroups: number };
  quotas: QuotaCheck[];
  /** The quota that binds first as users grow, and the user count it allows. */
  binding: QuotaCheck;
  report: CostReport;
}

export interface Plan {
  sequence: (i: number) => { instanceType: string; purchaseOption: 'spot' | 'on-demand'; tasks: number };
  /** Instances that hold `users`, before headroom. */
  needed: (users: number) => number;
  /** Instances the group runs for `users`, headroom and min size included. */
  total: (users: number) => number;
  packing: TypePacking[];
}

export function planFor(book: PriceBook, input: Omit<ProjectionInput, 'users'>): Plan {
  const task = { cpu: book.usage.taskCpu, memory: book.usage.taskMemory };
  const packing: TypePacking[] = [];
  for (const t of input.instanceTypes) {
    const facts = factsFor(t, input.observedShapes?.[t]);
    if (facts) packing.push({ instanceType: t, ...packingOf(facts, task, book.usage.awsvpcTrunking) });
  }
  const fitting = packing.filter((p) => p.tasks > 0);
  if (fitting.length === 0) throw new Error('no instance type of the group fits one task');
  const priced = fitting.filter((p) => instancePricePerHour(book, p.instanceType, 'spot') !== null);
  const spot = priced.length > 0 ? priced : fitting;
  const base = fitting[0]!;
  const baseCount = Math.max(0, input.onDemandBase);
  const cycle = spot.reduce((s, p) => s + p.tasks, 0);
  const sequence = (i: number) =>
    i < baseCount
      ? { instanceType: base.instanceType, purchaseOption: 'on-demand' as const, tasks: base.tasks }
      : { ...spot[(i - baseCount) % spot.length]!, purchaseOption: 'spot' as const };
  const needed = (users: number) => {
    if (users <= 0) return 0;
    const baseCap = baseCount * base.tasks;
    if (users <= baseCap) return Math.ceil(users / base.tasks);
    const rest = users - baseCap;
    const full = Math.floor(rest / cycle);
    let left = rest - full * cycle;
    let k = 0;
    while (left > 0) left -= spot[k++]!.tasks;
    return baseCount + full * spot.length + k;
  };
  const total = (users: number) =>
    Math.max(input.asgMin, Math.ceil((needed(users) * 100) / input.targetCapacity - 1e-9));
  return { sequence, needed, total, packing };
}

export function projectCost(book: PriceBook, input: ProjectionInput): Projection {
  const plan = planFor(book, input);
  const users = input.users;
  const needed = plan.needed(users);
  const count = plan.total(users);
  const instances: CostedInstance[] = [];
  const byType = new Map<
    string,
    { instanceType: string; purchaseOption: 'spot' | 'on-demand'; count: number }
  >();
  for (let i = 0; i < count; i++) {
    const s = plan.sequence(i);
    instances.push({
      instanceId: `projected-${i + 1}`,
      instanceType: s.instanceType,
      purchaseOption: s.purchaseOption,
      idle: i >= needed,
    });
    const key = `${s.purchaseOption}:${s.instanceType}`;
    const row = byType.get(key) ?? {
      instanceType: s.instanceType,
      purchaseOption: s.purchaseOption,
      count: 0,
    };
    row.count += 1;
    byType.set(key, row);
  }
  const q = book.quotas;
  const usersPerAlb = routingCapacity({
    rulesPerListener: q.rulesPerAlb,
    targetGroupsPerAlb: q.targetGroupsPerAlb,
    margin: q.routingMargin,
  });
  const albs = Math.max(1, Math.ceil(users / usersPerAlb));
  const quotas = quotaChecks(book, plan, users, usersPerAlb);
  const binding = quotas.reduce((a, b) => (b.maxUsers < a.maxUsers ? b : a));
  return {
    users,
    natMode: book.usage.natMode,
    awsvpcTrunking: book.usage.awsvpcTrunking,
    packing: plan.packing,
    usersPerInstance: needed > 0 ? Math.round((users / needed) * 100) / 100 : 0,
    observedUsersPerInstance: input.observedUsersPerInstance ?? null,
    instances: count,
    neededInstances: needed,
    spareInstances: count - needed,
    instancesByType: [...byType.values()],
    asg: { maxSizeRequired: count, currentMaxSize: input.asgMax, maxSizeTooLow: count > input.asgMax },
    routing: {
      usersPerAlb,
      albs,
      listeners: albs,
      rules: users,
      targetGroups: users + q.controlPlaneTargetGroups,
    },
    quotas,
    binding,
    report: costReport(book, { instances, users, albs, observedShapes: input.observedShapes }),
  };
}
