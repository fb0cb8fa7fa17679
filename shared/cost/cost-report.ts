import { instancePricePerHour, type PriceBook } from './prices.js';

/**
 * The bill, by component, from the fleet we run and the users on it. Instance cost is exact for the
 * instances we see; NAT data, ALB LCUs, log volume and secret API calls are estimates from the price
 * book's usage section, scaled by users where they grow with users.
 */
export type CostComponentId =
  | 'ec2-spot'
  | 'ec2-on-demand'
  | 'nat-gateway'
  | 'alb'
  | 'public-ipv4'
  | 'secrets-manager'
  | 'cloudwatch-logs'
  | 'ecr';

export interface CostComponent {
  id: CostComponentId;
  label: string;
  perHour: number;
  perMonth: number;
  detail: string;
}

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
  waste: { idleInstances: number; idlePerHour: number; idlePerMonth: number };
  /** Instance types the price book does not know: counted at 0, named here so nobody trusts the total. */
  unpriced: string[];
}

export interface CostInput {
  instances: readonly CostedInstance[];
  /** Running user instances (one task each). */
  users: number;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

export function costReport(book: PriceBook, input: CostInput): CostReport {
  const h = book.hoursPerMonth;
  const { prices: p, usage: u } = book;
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

  const monthly = (perMonth: number) => ({ perHour: perMonth / h, perMonth });
  const hourly = (perHour: number) => ({ perHour, perMonth: perHour * h });

  const natGb = u.natGbPerUserMonth * users;
  const secrets = u.secretsPerUser * users;
  const secretCalls = u.secretApiCallsPerUserMonth * users;
  const logsIn = u.logsGbIngestedPerUserMonth * users;
  const logsStored = u.logsGbStoredPerUser * users;

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
      ...hourly(sumHourly('on-demand')),
      detail: 'sum of the on-demand price of each running on-demand instance',
    },
    {
      id: 'nat-gateway',
      label: 'NAT gateway',
      ...monthly(u.natGateways * p.natGateway.perHour * h + natGb * p.natGateway.perGb),
      detail: `${u.natGateways} gateway(s) x ${h} h + ${round(natGb, 2)} GB processed`,
    },
    {
      id: 'alb',
      label: 'Application Load Balancer',
      ...monthly(u.albs * (p.alb.perHour + u.albLcuAverage * p.alb.perLcuHour) * h),
      detail: `${u.albs} ALB(s) x ${h} h, ${u.albLcuAverage} LCU on average`,
    },
    {
      id: 'public-ipv4',
      label: 'Public IPv4 addresses',
      ...hourly(u.publicIpv4Addresses * p.publicIpv4.perHour),
      detail: `${u.publicIpv4Addresses} address(es)`,
    },
    {
      id: 'secrets-manager',
      label: 'Secrets Manager',
      ...monthly(
        secrets * p.secretsManager.perSecretMonth + (secretCalls / 10_000) * p.secretsManager.per10kApiCalls,
      ),
      detail: `${secrets} secret(s), ${secretCalls} API calls a month`,
    },
    {
      id: 'cloudwatch-logs',
      label: 'CloudWatch Logs',
      ...monthly(logsIn * p.cloudwatchLogs.perGbIngested + logsStored * p.cloudwatchLogs.perGbMonthStored),
      detail: `${round(logsIn, 2)} GB ingested a month, ${round(logsStored, 2)} GB stored`,
    },
    {
      id: 'ecr',
      label: 'ECR',
      ...monthly(u.ecrGb * p.ecr.perGbMonth),
      detail: `${u.ecrGb} GB of images`,
    },
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
    },
    unpriced: [...unpriced],
  };
}
