import { mergePriceBook, type PriceBook } from './prices.js';
import { type ProjectionInput, projectCost } from './projection.js';

/**
 * The price of each design choice at N users: the projection re-run with one setting changed, next to
 * the deployment's own settings. Egress (NAT gateway, NAT instance, public subnets), awsvpc without and
 * with ENI trunking, the seed's two instance types against a wider set, a Savings Plan on the
 * on-demand base, and Container Insights on the gateway cluster. The wider set is spread evenly over
 * its pools: what a price-capacity-optimized group does when it diversifies for spot capacity.
 */
export const WIDER_INSTANCE_TYPES = [
  'c7i-flex.large',
  'm7i-flex.large',
  'c7i.large',
  'm7i.large',
  'c6i.large',
  'm6i.large',
  'r7i.large',
  'm7i-flex.xlarge',
] as const;

export interface CostOption {
  choice: 'egress' | 'trunking' | 'instance-mix' | 'savings-plan' | 'container-insights';
  option: string;
  /** The deployment's current setting. */
  current: boolean;
  instances: number;
  perMonth: number;
  perUserPerMonth: number | null;
  /** Against the current setting of the same choice. */
  deltaPerMonth: number;
  caveat: string | null;
}

type Variant = {
  option: string;
  book: unknown;
  instanceTypes?: readonly string[];
  caveat?: string;
  isCurrent: (b: PriceBook, types: readonly string[]) => boolean;
};

const VARIANTS: Record<CostOption['choice'], Variant[]> = {
  egress: [
    {
      option: 'NAT gateway',
      book: { usage: { natMode: 'gateway' } },
      isCurrent: (b) => b.usage.natMode === 'gateway',
    },
    {
      option: 'NAT instance',
      book: { usage: { natMode: 'instance' } },
      caveat:
        'one instance is a single point of failure and is patched by us; its bandwidth is the instance size',
      isCurrent: (b) => b.usage.natMode === 'instance',
    },
    {
      option: 'Public subnets, public IPv4 per instance',
      book: { usage: { natMode: 'public' } },
      caveat:
        'awsvpc tasks on EC2 get no public IP, so the gateways would need bridge networking (the worker registers awsvpc task definitions)',
      isCurrent: (b) => b.usage.natMode === 'public',
    },
  ],
  trunking: [
    {
      option: 'awsvpc, no trunking',
      book: { usage: { awsvpcTrunking: false } },
      isCurrent: (b) => !b.usage.awsvpcTrunking,
    },
    {
      option: 'awsvpc with ENI trunking',
      book: { usage: { awsvpcTrunking: true } },
      caveat:
        'instances launched after the account setting is on; memory then binds c7i-flex.large at 2 tasks',
      isCurrent: (b) => b.usage.awsvpcTrunking,
    },
  ],
  'instance-mix': [
    {
      option: "The seed's two types",
      book: {},
      instanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
      isCurrent: (_b, t) => t.length === 2,
    },
    {
      option: `Wider set (${WIDER_INSTANCE_TYPES.length} types)`,
      book: {},
      instanceTypes: WIDER_INSTANCE_TYPES,
      caveat: 'spot prices of the wider set are assumptions until the sampler measures them',
      isCurrent: (_b, t) => t.length > 2,
    },
  ],
  'savings-plan': [
    {
      option: 'On-demand base at on-demand price',
      book: { usage: { savingsPlanOnDemandBase: false } },
      isCurrent: (b) => !b.usage.savingsPlanOnDemandBase,
    },
    {
      option: 'Savings Plan on the on-demand base',
      book: { usage: { savingsPlanOnDemandBase: true } },
      caveat: 'a 1-year commitment to the base instances\u2019 hourly spend',
      isCurrent: (b) => b.usage.savingsPlanOnDemandBase,
    },
  ],
  'container-insights': [
    { option: 'Container Insights on the gateway cluster', book: {}, isCurrent: () => true },
    {
      option: 'Container Insights off for gateways',
      book: { usage: { containerInsightsMetricsPerService: 0 } },
      caveat: 'per-user CPU and memory graphs go; the dashboard and /metrics keep fleet-level figures',
      isCurrent: () => false,
    },
  ],
};

export function costOptions(book: PriceBook, input: ProjectionInput): CostOption[] {
  const rows: CostOption[] = [];
  for (const [choice, variants] of Object.entries(VARIANTS) as [CostOption['choice'], Variant[]][]) {
    const priced = variants.map((v) => {
      const types = v.instanceTypes ?? input.instanceTypes;
      const p = projectCost(mergePriceBook(v.book, book), { ...input, instanceTypes: types });
      return { v, p, current: v.isCurrent(book, input.instanceTypes) };
    });
    const base = priced.find((x) => x.current) ?? priced[0]!;
    for (const { v, p, current } of priced) {
      rows.push({
        choice,
        option: v.option,
        current,
        instances: p.instances,
        perMonth: p.report.total.perMonth,
        perUserPerMonth: p.report.perUser?.perMonth ?? null,
        deltaPerMonth: Math.round((p.report.total.perMonth - base.p.report.total.perMonth) * 100) / 100,
        caveat: v.caveat ?? null,
      });
    }
  }
  return rows;
}
