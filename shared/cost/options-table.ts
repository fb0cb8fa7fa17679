import { costOptions } from './options.js';
import type { PriceBook } from './prices.js';
import type { ProjectionInput } from './projection.js';

/**
 * The README's table of choices: every option's monthly total and per-user cost at each user count.
 * A test renders it from the price book and compares it with the README, so the table cannot go stale.
 */
const CHOICE_LABELS = {
  egress: 'egress',
  trunking: 'trunking',
  'instance-mix': 'instance mix',
  'savings-plan': 'Savings Plan',
  'container-insights': 'Container Insights',
} as const;

export function optionsTableMarkdown(
  book: PriceBook,
  fleet: Omit<ProjectionInput, 'users'>,
  userCounts: readonly number[],
): string {
  const rows = new Map<string, string[]>();
  for (const users of userCounts) {
    for (const o of costOptions(book, { ...fleet, users })) {
      const key = `| ${CHOICE_LABELS[o.choice]} | ${o.option}${o.current ? ' (current)' : ''} |`;
      const perUser = o.perUserPerMonth === null ? '–' : `$${o.perUserPerMonth.toFixed(2)}`;
      rows.set(key, [
        ...(rows.get(key) ?? []),
        `$${Math.round(o.perMonth).toLocaleString('en-US')} · ${perUser}`,
      ]);
    }
  }
  const head = `| Choice | Option | ${userCounts.map((u) => `${u.toLocaleString('en-US')} users`).join(' | ')} |`;
  const rule = `| --- | --- | ${userCounts.map(() => '---').join(' | ')} |`;
  return [head, rule, ...[...rows].map(([key, cells]) => `${key} ${cells.join(' | ')} |`)].join('\n');
}
