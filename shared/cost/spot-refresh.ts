import { DescribeSpotPriceHistoryCommand, type EC2Client } from '@aws-sdk/client-ec2';

/**
 * Today's spot prices from EC2 DescribeSpotPriceHistory: for each instance type, the latest price in
 * each AZ, averaged over the AZs the fleet uses (or every AZ reported). Types without a reported price
 * keep the price book's value.
 */
export async function fetchSpotPrices(
  ec2: EC2Client,
  instanceTypes: readonly string[],
  options: { availabilityZones?: readonly string[]; now?: Date } = {},
): Promise<Record<string, number>> {
  if (instanceTypes.length === 0) return {};
  const now = options.now ?? new Date();
  const latest = new Map<string, { at: number; price: number }>();
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: [...instanceTypes] as never,
        ProductDescriptions: ['Linux/UNIX'],
        StartTime: now,
        NextToken: token,
      }),
    );
    for (const entry of page.SpotPriceHistory ?? []) {
      if (!entry.InstanceType || !entry.SpotPrice || !entry.AvailabilityZone) continue;
      if (options.availabilityZones && !options.availabilityZones.includes(entry.AvailabilityZone)) continue;
      const key = `${entry.InstanceType}|${entry.AvailabilityZone}`;
      const at = entry.Timestamp?.getTime() ?? 0;
      const price = Number(entry.SpotPrice);
      if (!Number.isFinite(price)) continue;
      const seen = latest.get(key);
      if (!seen || at > seen.at) latest.set(key, { at, price });
    }
    token = page.NextToken || undefined;
  } while (token);
  const byType = new Map<string, number[]>();
  for (const [key, { price }] of latest) {
    const type = key.split('|')[0]!;
    byType.set(type, [...(byType.get(type) ?? []), price]);
  }
  return Object.fromEntries(
    [...byType].map(([type, prices]) => [type, prices.reduce((s, p) => s + p, 0) / prices.length]),
  );
}
