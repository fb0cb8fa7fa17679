import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveContainerPids } from '../../localcloud/index.js';
import type { InstanceRecord } from '../../shared/domain.js';
import { waitFor } from '../localcloud/helpers.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from '../reconciler/harness.js';

/**
 * Issue 11, "restarts lose nothing": localcloud restarted (closed, started on the same state file and
 * ports) under 10 running instances. The worker's reconciler finds the same secrets, services and
 * rules, every instance stays `running`, and every URL answers its own token again.
 */
const COUNT = 10;

async function status(url: string, token?: string): Promise<number> {
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

describe('localcloud restarted under running instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'localcloud-restart-'));
  const file = join(dir, 'state.json');
  let p: ReconcilerPipeline;
  const made: { id: string; gatewayToken: string; record: InstanceRecord }[] = [];

  beforeAll(async () => {
    p = await startReconcilerPipeline({ persistFile: file });
    const submitted = [];
    for (let i = 0; i < COUNT; i++) submitted.push(await p.submit(`restart-${i}`));
    const records = await p.waitForStatus(
      submitted.map((s) => s.id),
      ['running'],
      120_000,
    );
    made.push(...submitted.map((s, i) => ({ ...s, record: records[i]! })));
  }, 180_000);
  afterAll(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every instance running, and every URL answers with its token again', async () => {
    for (const m of made) expect(await status(m.record.url, m.gatewayToken)).toBe(200);
    const oldPids = liveContainerPids();
    expect(oldPids).toHaveLength(COUNT);

    console.info(`[localcloud-restart] state file: ${statSync(file).size} bytes for ${COUNT} instances`);
    const restartedAt = Date.now();
    await p.restartLocalcloud();
    // The reconciler runs at once, before any gateway is back: it must see nothing to repair.
    const report = await p.reconcile();
    expect(report.actions).toEqual([]);

    await waitFor(
      async () => {
        const answers = await Promise.all(made.map((m) => status(m.record.url, m.gatewayToken)));
        return answers.every((s) => s === 200);
      },
      { timeoutMs: 60_000, intervalMs: 50, what: `all ${COUNT} URLs answering 200 after the restart` },
    );
    console.info(
      `[localcloud-restart] ${COUNT} instances: every URL answered 200 with its token ${Date.now() - restartedAt} ms after the restart began`,
    );
    // New processes; the old ones are gone. Each URL still wants its own token.
    expect(liveContainerPids().filter((pid) => oldPids.includes(pid))).toEqual([]);
    expect(liveContainerPids()).toHaveLength(COUNT);
    const [a, b] = made;
    expect(await status(a!.record.url)).toBe(401);
    expect(await status(a!.record.url, b!.gatewayToken)).toBe(401);

    // A second pass after the gateways are back still finds nothing, and no instance left `running`.
    expect((await p.reconcile()).actions).toEqual([]);
    const records = await Promise.all(made.map((m) => p.store.get(m.id)));
    expect(records.map((r) => r?.status)).toEqual(made.map(() => 'running'));
  }, 120_000);
});
