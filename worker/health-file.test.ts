import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHealthFile } from './health-file.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('health file', () => {
  it('is touched while healthy, left to go stale when not, and removed on stop', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'health-')), 'worker');
    let healthy = true;
    const health = startHealthFile(path, () => healthy, 30);
    await settle(50);
    expect(readFileSync(path, 'utf8')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    healthy = false;
    await settle(40);
    const staleSince = statSync(path).mtimeMs;
    await settle(100);
    expect(statSync(path).mtimeMs).toBe(staleSince);
    await health.stop();
    expect(existsSync(path)).toBe(false);
  });
});
