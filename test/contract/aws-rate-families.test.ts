import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AWS_RATE_FAMILIES as EMULATED } from '../../localcloud/rate-limits/aws-limits.js';
import { AWS_RATE_FAMILIES as BUDGETED, rateFamilyOf } from '../../shared/aws-rate-families.js';

/** The IAM-style prefix of each SDK client the worker uses. */
const PREFIX: Record<string, string> = {
  ecs: 'ecs',
  'secrets-manager': 'secretsmanager',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  ec2: 'ec2',
  'auto-scaling': 'autoscaling',
  'cloudwatch-logs': 'logs',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `ecs:CreateService` for every `CreateServiceCommand` that worker/ or shared/ imports from a client. */
function operationsTheWorkerSends(): Set<string> {
  const operations = new Set<string>();
  for (const file of [...sources('worker'), ...sources('shared')]) {
    const text = readFileSync(file, 'utf8');
    for (const [, names, client] of text.matchAll(
      /import\s*{([^}]*)}\s*from '@aws-sdk\/client-([a-z0-9-]+)'/g,
    )) {
      for (const [, operation] of names!.matchAll(/\b([A-Z]\w+)Command\b/g)) {
        operations.add(`${PREFIX[client!] ?? client}:${operation}`);
      }
    }
  }
  return operations;
}

// localcloud (the emulated AWS) and the worker's rate budget each hold AWS's documented limits, on their
// own side of the wire. Whatever the worker sends that AWS throttles by family, it budgets the same way.
it("budgets every operation the worker sends with AWS's family and figures, as localcloud emulates them", () => {
  const sent = operationsTheWorkerSends();
  expect(sent.has('ecs:CreateService')).toBe(true);
  const disagreements: string[] = [];
  for (const operation of sent) {
    const emulated = EMULATED.find((f) => f.operations.includes(operation));
    if (!emulated) continue;
    const budgeted = rateFamilyOf(operation);
    const same =
      budgeted?.name === emulated.name &&
      budgeted.burst === emulated.burst &&
      budgeted.refillPerSecond === emulated.refillPerSecond;
    if (!same) disagreements.push(`${operation}: ${JSON.stringify(budgeted)} vs ${emulated.name}`);
  }
  expect(disagreements).toEqual([]);
  // A budgeted family is AWS's family: the same figures and operations, not a subset that would split
  // a bucket.
  const shape = (f: { name: string; burst: number; refillPerSecond: number; operations: string[] }) => ({
    ...f,
    operations: [...f.operations].sort(),
  });
  for (const family of BUDGETED) {
    const emulated = EMULATED.find((f) => f.name === family.name);
    expect(emulated && { ...shape(emulated), source: undefined }, family.name).toEqual({
      ...shape(family),
      source: undefined,
    });
  }
});
