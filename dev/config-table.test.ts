import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configTableMarkdown } from './config-table.js';

it('README configuration table matches the config schema (regenerate: npx tsx dev/config-table.ts)', () => {
  expect(readFileSync('README.md', 'utf8')).toContain(configTableMarkdown());
});
