import { type CostComponent, fixedAndPerUserComponents } from './cost-components.js';
import { instancePricePerHour, type PriceBook } from './prices.js';
import { type StrandedReport, strandedCapacity } from './stranded.js';

export type { CostComponent, CostComponentId } from './cost-components.js';

/**
 * The bill, by component, from the fleet we run and the users on it. Instance cost is exact for the
 * instances we see; NAT data, ALB LCUs, log volume, metrics and secret API calls are estimates from the
 * price book's usage section, scaled by users where they grow with users. Waste has three parts: idle
 * instances, free task slots on busy ones, and capacity stranded by the packing limits (ENI, CPU or
 * memory), priced per instance type.
 */
export interface CostedInstance {
  instanceId: string;
  instanceType: string;
  purchaseOption: 'spot' | 'on-demand';
  idle: boolean;
}

export interface CostReport {
  currency: string;
  hoursPerMonth: number;
  users: number;
  components: CostComponent[];
  total: { perHour: number; perMonth: number };
  perUser: { perHour: number; perMonth: number } | null;
  instances: (CostedInstance & { perHour: number | null })[];
  waste: {
    idleInstances: number;
    idlePerHour: number;
    idlePerMonth: number;
    stranded: StrandedReport;
  };
  /** Instance types the price book does not know: counted at 0, named here so nobody trusts the total. */
  unpriced: string[];
}

export interface CostInput {
  instances: readonly CostedInstance[];
  /** Running user instances (one task each). */
  users: number;
  /** ALBs routing users; default: the price book's usage.albs. */
  albs?: number;
  /** Registered resources observed per type, for the stranded-capacity figures. */
  observedShapes?: Readonly<Record<string, { cpu: number; memory: number }>>;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

export function costReport(book: PriceBook, input: CostInput): CostReport {
  const h = book.hoursPerMonth;
  const users = input.users;
  const unpriced = new Set<string>();
  const instances = input.instances.map((i) => {
    const perHour = instancePricePerHour(book, i.instanceType, i.purchaseOption);
    if (perHour === null) unpriced.add(i.instanceType);
    return { ...i, perHour };
  });
  const sumHourly = (option: 'spot' | 'on-demand') =>
    instances.filter((i) => i.purchaseOption === option).reduce((s, i) => s + (i.perHour ?? 0), 0);
  const count = (option: 'spot' | 'on-demand') => instances.filter((i) => i.purchaseOption === option).length;

  const hourly = (perHour: number) => ({ perHour, perMonth: perHour * h });
  const sp = book.usage.savingsPlanOnDemandBase ? 1 - book.prices.savingsPlan.discount : 1;
  const parts: CostComponent[] = [
    {
      id: 'ec2-spot',
      label: `EC2 spot (${count('spot')} instances)`,
      ...hourly(sumHourly('spot')),
      detail: 'sum of the spot price of each running spot instance',
    },
    {
      id: 'ec2-on-demand',
      label: `EC2 on-demand (${count('on-demand')} instances)`,
      ...hourly(sumHourly('on-demand') * sp),
      detail:
        sp < 1
          ? `on-demand price less the Savings Plan's ${Math.round((1 - sp) * 100)}%`
          : 'sum of the on-demand price of each running on-demand instance',
    },
    ...fixedAndPerUserComponents(book, {
      users,
      instances: instances.length,
      albs: input.albs ?? book.usage.albs,
    }),
  ];
  const components = parts.map((c) => ({ ...c, perHour: round(c.perHour, 6), perMonth: round(c.perMonth) }));
  const totalHour = parts.reduce((s, c) => s + c.perHour, 0);
  const idle = instances.filter((i) => i.idle);
  const idlePerHour = idle.reduce((s, i) => s + (i.perHour ?? 0), 0);
  return {
    currency: book.currency,
    hoursPerMonth: h,
    users,
    components,
    total: { perHour: round(totalHour, 6), perMonth: round(totalHour * h) },
    perUser:
      users > 0 ? { perHour: round(totalHour / users, 6), perMonth: round((totalHour * h) / users) } : null,
    instances,
    waste: {
      idleInstances: idle.length,
      idlePerHour: round(idlePerHour, 6),
      idlePerMonth: round(idlePerHour * h),
      stranded: strandedCapacity(book, { instances, users, observedShapes: input.observedShapes }),
    },
    unpriced: [...unpriced],
  };
}
