import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsTableMarkdown } from '../../shared/cost/options-table.js';
import { defaultPriceBook } from '../../shared/cost/prices.js';

/** The README's table of choices is what the model computes from the price book, to the dollar. */
describe('README: the price of each choice', () => {
  it('matches costOptions at 10, 100, 1,000 and 3,000 users on the seed fleet', () => {
    const table = optionsTableMarkdown(
      defaultPriceBook,
      {
        targetCapacity: 100,
        asgMin: 1,
        asgMax: 20,
        onDemandBase: 1,
        instanceTypes: ['c7i-flex.large', 'm7i-flex.large'],
      },
      [10, 100, 1000, 3000],
    );
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme, `README should contain:\n${table}`).toContain(table);
  });
});
