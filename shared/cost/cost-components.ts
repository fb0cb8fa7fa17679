import type { PriceBook } from './prices.js';

/**
 * The bill's lines beyond the instances themselves, from the price book and what grows with users:
 * NAT (gateway, instance or none), ALBs with their LCUs, public IPv4 addresses, ElastiCache, the
 * control plane's Fargate tasks, Container Insights metrics, Secrets Manager, logs and ECR.
 */
export type CostComponentId =
  | 'ec2-spot'
  | 'ec2-on-demand'
  | 'nat-gateway'
  | 'alb'
  | 'public-ipv4'
  | 'elasticache'
  | 'fargate-control-plane'
  | 'container-insights'
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

export interface FleetShape {
  users: number;
  /** EC2 instances the fleet bills (both purchase options). */
  instances: number;
  albs: number;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** CloudWatch's tiered metric price for `metrics` metrics a month. */
export function tieredMetricsPerMonth(book: PriceBook, metrics: number): number {
  let left = metrics;
  let floor = 0;
  let total = 0;
  for (const tier of book.prices.cloudwatchMetrics.tiers) {
    const size = tier.upTo === null ? left : Math.max(0, tier.upTo - floor);
    const inTier = Math.min(left, size);
    total += inTier * tier.perMetricMonth;
    left -= inTier;
    if (tier.upTo !== null) floor = tier.upTo;
    if (left <= 0) break;
  }
  return total;
}

export function publicIpv4Count(book: PriceBook, fleet: FleetShape): number {
  const u = book.usage;
  // public: every instance and every control-plane Fargate task holds its own address.
  const egress = u.natMode === 'public' ? fleet.instances + u.controlPlaneTasks : u.natGateways;
  return egress + fleet.albs * u.publicIpv4PerAlb;
}

type MonthlyCost = Pick<CostComponent, 'perHour' | 'perMonth'>;

function monthlyOf(book: PriceBook): (perMonth: number) => MonthlyCost {
  return (perMonth) => ({ perHour: perMonth / book.hoursPerMonth, perMonth });
}

/** The egress line for the chosen `natMode`: a managed gateway, a NAT instance, or none. */
function natComponent(book: PriceBook, users: number): CostComponent {
  const h = book.hoursPerMonth;
  const { prices: p, usage: u } = book;
  const monthly = monthlyOf(book);
  const natGb = u.natGbPerUserMonth * users;
  if (u.natMode === 'gateway') {
    return {
      id: 'nat-gateway',
      label: 'NAT gateway',
      ...monthly(u.natGateways * p.natGateway.perHour * h + natGb * p.natGateway.perGb),
      detail: `${u.natGateways} gateway(s) x ${h} h + ${round2(natGb)} GB processed (${u.natGbPerUserMonth} GB per user a month)`,
    };
  }
  if (u.natMode === 'instance') {
    return {
      id: 'nat-gateway',
      label: `NAT instance (${p.natInstance.instanceType})`,
      ...monthly(u.natGateways * p.natInstance.perHour * h),
      detail: `${u.natGateways} instance(s) x ${h} h; no per-GB processing charge`,
    };
  }
  return {
    id: 'nat-gateway',
    label: 'No NAT (public subnets)',
    ...monthly(0),
    detail: 'instances in public subnets, one public IPv4 each',
  };
}

/** What the network bills: NAT, the ALBs with their LCUs, and public IPv4 addresses. */
function networkComponents(book: PriceBook, fleet: FleetShape): CostComponent[] {
  const h = book.hoursPerMonth;
  const { prices: p, usage: u } = book;
  const monthly = monthlyOf(book);
  const lcu = u.albLcuPerUser * fleet.users;
  const ipv4 = publicIpv4Count(book, fleet);
  return [
    natComponent(book, fleet.users),
    {
      id: 'alb',
      label: `Application Load Balancers (${fleet.albs})`,
      ...monthly(fleet.albs * p.alb.perHour * h + lcu * p.alb.perLcuHour * h),
      detail: `${fleet.albs} ALB(s) x ${h} h + ${round2(lcu)} LCU (${u.albLcuPerUser} per user)`,
    },
    {
      id: 'public-ipv4',
      label: `Public IPv4 addresses (${ipv4})`,
      ...monthly(ipv4 * p.publicIpv4.perHour * h),
      detail: `${u.publicIpv4PerAlb} per ALB${u.natMode === 'public' ? ', one per instance and control-plane task' : ', one per NAT'}`,
    },
  ];
}

/** What the platform around the instances bills: Redis, the control plane, metrics, secrets, logs, images. */
function platformComponents(book: PriceBook, users: number): CostComponent[] {
  const h = book.hoursPerMonth;
  const { prices: p, usage: u } = book;
  const monthly = monthlyOf(book);
  const secrets = u.secretsPerUser * users + u.controlPlaneSecrets;
  const secretCalls = u.secretApiCallsPerUserMonth * users;
  const logsIn = u.logsGbIngestedPerUserMonth * users;
  const logsStored = u.logsGbStoredPerUser * users;
  const metrics =
    u.containerInsightsMetricsFixed + u.containerInsightsMetricsPerService * (users + u.controlPlaneServices);
  const fargatePerTaskHour =
    u.controlPlaneTaskVcpu * p.fargate.perVcpuHour + u.controlPlaneTaskGb * p.fargate.perGbHour;
  return [
    {
      id: 'elasticache',
      label: `ElastiCache (${u.elasticacheNodes} x ${p.elasticache.nodeType})`,
      ...monthly(u.elasticacheNodes * p.elasticache.perNodeHour * h),
      detail: 'primary and replica of the control plane Redis',
    },
    {
      id: 'fargate-control-plane',
      label: `Control plane on Fargate (${u.controlPlaneTasks} tasks)`,
      ...monthly(u.controlPlaneTasks * fargatePerTaskHour * h),
      detail: `API and worker tasks, ${u.controlPlaneTaskVcpu} vCPU / ${u.controlPlaneTaskGb} GB each`,
    },
    {
      id: 'container-insights',
      label: `Container Insights (${Math.round(metrics)} metrics)`,
      ...monthly(tieredMetricsPerMonth(book, metrics)),
      detail: `${u.containerInsightsMetricsPerService} metrics per ECS service (one per user) + ${u.containerInsightsMetricsFixed} fixed`,
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
      detail: `${round2(logsIn)} GB ingested a month, ${round2(logsStored)} GB stored`,
    },
    { id: 'ecr', label: 'ECR', ...monthly(u.ecrGb * p.ecr.perGbMonth), detail: `${u.ecrGb} GB of images` },
  ];
}

export function fixedAndPerUserComponents(book: PriceBook, fleet: FleetShape): CostComponent[] {
  return [...networkComponents(book, fleet), ...platformComponents(book, fleet.users)];
}
