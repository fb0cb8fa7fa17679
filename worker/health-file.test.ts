import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../test/support/wait-for.js';
import { startHealthFile } from './health-file.js';

describe('health file', () => {
  it('is touched while healthy, left to go stale when not, and removed on stop', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'health-')), 'worker');
    let healthy = true;
    const beats: boolean[] = [];
    const health = startHealthFile(
      path,
      () => healthy,
      5,
      (wrote) => beats.push(wrote),
    );
    // Synchronised on beats, not on time: each beat is reported once it is over.
    await waitFor(() => beats.filter(Boolean).length >= 2, { what: 'two beats that wrote the file' });
    expect(readFileSync(path, 'utf8')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    healthy = false;
    const from = beats.length;
    // Beats run one at a time: one under way when health went may still write, the one after it does not.
    await waitFor(() => beats.length >= from + 2, { what: 'the next two beats after health went' });
    const staleSince = statSync(path).mtimeMs;
    const settled = beats.length;
    await waitFor(() => beats.length >= settled + 3, { what: 'three more beats while unhealthy' });
    expect(beats.slice(settled, settled + 3)).toEqual([false, false, false]);
    expect(statSync(path).mtimeMs).toBe(staleSince);
    await health.stop();
    expect(existsSync(path)).toBe(false);
  });
});
