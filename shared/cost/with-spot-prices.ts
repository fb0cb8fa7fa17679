import type { PriceBook } from './prices.js';

/** The price book with spot prices replaced by measured ones. */
export function withSpotPrices(book: PriceBook, spot: Readonly<Record<string, number>>): PriceBook {
  const ec2 = { ...book.prices.ec2 };
  for (const [type, price] of Object.entries(spot)) {
    const existing = ec2[type];
    ec2[type] = { onDemandPerHour: existing?.onDemandPerHour ?? price, spotPerHour: price };
  }
  return { ...book, prices: { ...book.prices, ec2 } };
}
