import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import defaults from './prices-us-west-2.json' with { type: 'json' };

/**
 * The price book: unit prices per component (USD, us-west-2 by default) and the usage estimates the
 * bill needs but no API reports (NAT gigabytes, ALB LCUs, log volume). Operators override any part of
 * it with a JSON file named by COST_PRICES_FILE; the file is merged over the defaults, key by key.
 */
const nonNegative = z.number().nonnegative();
const instancePrice = z.object({ onDemandPerHour: nonNegative, spotPerHour: nonNegative });

const count = z.number().int().nonnegative();
export const NAT_MODES = ['gateway', 'instance', 'public'] as const;
export type NatMode = (typeof NAT_MODES)[number];

export const priceBookSchema = z.object({
  region: z.string(),
  currency: z.string(),
  hoursPerMonth: z.number().positive(),
  prices: z.object({
    ec2: z.record(z.string(), instancePrice),
    natGateway: z.object({ perHour: nonNegative, perGb: nonNegative }),
    natInstance: z.object({ instanceType: z.string(), perHour: nonNegative }),
    alb: z.object({ perHour: nonNegative, perLcuHour: nonNegative }),
    publicIpv4: z.object({ perHour: nonNegative }),
    elasticache: z.object({ nodeType: z.string(), perNodeHour: nonNegative }),
    fargate: z.object({ perVcpuHour: nonNegative, perGbHour: nonNegative }),
    /** Tiered per metric-month; the last tier has no upper bound (null). */
    cloudwatchMetrics: z.object({
      tiers: z
        .array(z.object({ upTo: z.number().positive().nullable(), perMetricMonth: nonNegative }))
        .min(1),
    }),
    secretsManager: z.object({ perSecretMonth: nonNegative, per10kApiCalls: nonNegative }),
    cloudwatchLogs: z.object({ perGbIngested: nonNegative, perGbMonthStored: nonNegative }),
    ecr: z.object({ perGbMonth: nonNegative }),
    savingsPlan: z.object({ discount: z.number().min(0).max(1) }),
  }),
  usage: z.object({
    /** How private subnets reach the internet: NAT gateway(s), NAT instance(s), or public subnets. */
    natMode: z.enum(NAT_MODES),
    natGateways: count,
    natGbPerUserMonth: nonNegative,
    /** ALBs in service today (projections compute their own). */
    albs: count,
    albLcuPerUser: nonNegative,
    publicIpv4PerAlb: nonNegative,
    secretsPerUser: nonNegative,
    controlPlaneSecrets: count,
    secretApiCallsPerUserMonth: nonNegative,
    logsGbIngestedPerUserMonth: nonNegative,
    logsGbStoredPerUser: nonNegative,
    ecrGb: nonNegative,
    elasticacheNodes: count,
    controlPlaneTasks: count,
    controlPlaneTaskVcpu: nonNegative,
    controlPlaneTaskGb: nonNegative,
    containerInsightsMetricsFixed: nonNegative,
    containerInsightsMetricsPerService: nonNegative,
    controlPlaneServices: count,
    /** ECS account setting awsvpcTrunking: more task ENIs on the instance types that support it. */
    awsvpcTrunking: z.boolean(),
    /** A Savings Plan covers the on-demand base instances. */
    savingsPlanOnDemandBase: z.boolean(),
    /** A user's task size. */
    taskCpu: z.number().positive(),
    taskMemory: z.number().positive(),
  }),
  /** AWS quotas and sizing limits the projection checks; adjustable ones can be overridden. */
  quotas: z.object({
    rulesPerAlb: z.number().int().positive(),
    targetGroupsPerAlb: z.number().int().positive(),
    routingMargin: count,
    albsPerRegion: z.number().int().positive(),
    targetGroupsPerRegion: z.number().int().positive(),
    controlPlaneTargetGroups: count,
    networkInterfacesPerRegion: z.number().int().positive(),
    privateSubnetAddresses: z.number().int().positive(),
  }),
  /** Where each figure comes from (AWS pricing pages), and which figures are assumptions. */
  sources: z.record(z.string(), z.string()).default({}),
});
export type PriceBook = z.infer<typeof priceBookSchema>;

export const defaultPriceBook: PriceBook = priceBookSchema.parse(defaults);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges `over` into `base` key by key; arrays and scalars replace. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(out[key], value);
  return out as T;
}

/** Defaults merged with an override object, validated as a whole so a typo'd price fails loudly. */
export function mergePriceBook(override: unknown, base: PriceBook = defaultPriceBook): PriceBook {
  const merged = deepMerge(base, override);
  const parsed = priceBookSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`price book: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** The price book for this deployment: defaults, or defaults merged with COST_PRICES_FILE. */
export async function loadPriceBook(file: string | undefined): Promise<PriceBook> {
  if (!file) return defaultPriceBook;
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (cause) {
    throw new Error(`COST_PRICES_FILE: cannot read ${file}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new Error(`COST_PRICES_FILE: ${file} is not JSON`, { cause });
  }
  return mergePriceBook(json);
}

/** Hourly price of one instance, or null when the book has no price for its type. */
export function instancePricePerHour(
  book: PriceBook,
  instanceType: string,
  purchaseOption: 'spot' | 'on-demand',
): number | null {
  const p = book.prices.ec2[instanceType];
  if (!p) return null;
  return purchaseOption === 'spot' ? p.spotPerHour : p.onDemandPerHour;
}
