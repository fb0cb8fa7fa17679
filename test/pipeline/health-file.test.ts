import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startPipeline } from '../support/pipeline.js';

it('a running worker keeps HEALTH_FILE fresh and removes it when it stops', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'worker-health-')), 'health');
  const p = await startPipeline({ env: { HEALTH_FILE: path } });
  try {
    const deadline = Date.now() + 5_000;
    while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(30_000);
  } finally {
    await p.close();
  }
  expect(existsSync(path)).toBe(false);
});
