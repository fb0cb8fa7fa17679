import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

/**
 * Imports flow one way: api/ and worker/ import shared/; neither imports the other or localcloud/;
 * shared/ imports none of them; cli/ imports nothing of ours (it talks to the API over HTTP); localcloud/ imports nothing of ours (only the AWS wire joins it to the
 * worker). Tests, the dev launcher and benchmarks may wire them together.
 */
const allowed: Record<string, readonly string[]> = {
  api: ['api', 'shared'],
  worker: ['worker', 'shared'],
  shared: ['shared'],
  localcloud: ['localcloud'],
  // The operator CLI speaks HTTP only: it may not reach the store, the queues or AWS through our code.
  cli: ['cli'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

it('keeps the import direction between api, worker, shared, cli and localcloud', () => {
  const violations: string[] = [];
  for (const [top, may] of Object.entries(allowed)) {
    for (const file of sources(top)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = relative('.', resolve(dirname(file), spec!)).split('/')[0]!;
        if (!may.includes(target)) violations.push(`${file} imports ${spec}`);
      }
    }
  }
  expect(violations).toEqual([]);
});
