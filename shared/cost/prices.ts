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

export const priceBookSchema = z.object({
  region: z.string(),
  currency: z.string(),
  hoursPerMonth: z.number().positive(),
  prices: z.object({
    ec2: z.record(z.string(), instancePrice),
    natGateway: z.object({ perHour: nonNegative, perGb: nonNegative }),
    alb: z.object({ perHour: nonNegative, perLcuHour: nonNegative }),
    publicIpv4: z.object({ perHour: nonNegative }),
    secretsManager: z.object({ perSecretMonth: nonNegative, per10kApiCalls: nonNegative }),
    cloudwatchLogs: z.object({ perGbIngested: nonNegative, perGbMonthStored: nonNegative }),
    ecr: z.object({ perGbMonth: nonNegative }),
  }),
  usage: z.object({
    natGateways: nonNegative,
    natGbPerUserMonth: nonNegative,
    albs: nonNegative,
    albLcuAverage: nonNegative,
    publicIpv4Addresses: nonNegative,
    secretsPerUser: nonNegative,
    secretApiCallsPerUserMonth: nonNegative,
    logsGbIngestedPerUserMonth: nonNegative,
    logsGbStoredPerUser: nonNegative,
    ecrGb: nonNegative,
    /** A user's task size, for projections when no task runs yet. */
    taskCpu: z.number().positive(),
    taskMemory: z.number().positive(),
  }),
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
