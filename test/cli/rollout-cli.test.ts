import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKeys } from '../../shared/store/keys.js';
import { BAD, type RolloutAnswer, type RolloutWorld, startRolloutWorld, V2 } from '../rollouts/harness.js';
import { waitFor } from '../support/wait-for.js';
import { runCli } from './run-cli.js';

const V3 = 'ghcr.io/openclaw/gateway:2026.12.3';

interface StreamLine {
  event: string;
  data: RolloutAnswer;
}

/** `openclaw-fleet rollout ...`, the real binary, against a real API, worker and localcloud. */
describe('openclaw-fleet rollout', () => {
  let w: RolloutWorld;
  let env: Record<string, string>;
  let ids: string[];
  const cli = (...args: string[]) => runCli(args, env, 120_000);
  const state = async (id: string) =>
    (await cli('rollout', 'status', id, '--json')).json<RolloutAnswer>().state;

  beforeAll(async () => {
    w = await startRolloutWorld({ taskRuntime: 'in-process' });
    env = { OPENCLAW_API_URL: w.url, API_TOKEN: w.token };
    ids = (await w.running(3, 'cli-rollout')).map((i) => i.id);
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  it('says which flag is wrong: exit 2 for usage, 1 for what the API refuses', async () => {
    const noImage = await cli('rollout', 'start');
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain("required option '--image <image>' not specified");
    const badCanary = await cli('rollout', 'start', '--image', V2, '--canary', '0');
    expect(badCanary.code).toBe(2);
    expect(badCanary.stderr).toContain("'--canary <n>'");
    const latest = await cli('rollout', 'start', '--image', 'ghcr.io/openclaw/gateway:latest');
    expect(latest.code).toBe(1);
    expect(latest.stderr).toMatch(/image.*latest/);
    // Refused input changes nothing: no rollout recorded, new instances still get the configured image.
    expect((await cli('rollout', 'list', '--json')).json()).toEqual([]);
    expect(await w.p.ns.redis.exists(makeKeys(w.p.ns.prefix).fleetImage)).toBe(0);
    const missing = await cli('rollout', 'status', 'ro-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No rollout ro-000000000000');
  });

  it('starts, pauses, resumes and follows a rollout to completed', async () => {
    // Batches [1 canary] then [2], with a wait between them that only a pause or abort cuts short: the
    // pause lands before the last batch however slowly the CLI starts, and after resume no wait is left.
    const start = await cli(
      'rollout',
      'start',
      '--image',
      V2,
      '--canary',
      '1',
      '--batch-size',
      '2',
      '--pause-between-ms',
      '120000',
      '--json',
    );
    expect(start.code, start.stderr).toBe(0);
    const { id } = start.json<RolloutAnswer>();
    const pause = await cli('rollout', 'pause', id);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain(`rollout ${id}: pause asked`);
    await waitFor(async () => (await state(id)) === 'paused', { timeoutMs: 60_000, what: `${id} paused` });
    const paused = await cli('rollout', 'status', id);
    expect(paused.stdout).toMatch(/state\s+paused \(pause asked\)/);
    expect(paused.stdout).toMatch(/^BATCH\s+SIZE\s+HEALTHY/m);

    expect((await cli('rollout', 'resume', id)).code).toBe(0);
    const follow = await cli('rollout', 'status', id, '--follow');
    expect(follow.code, follow.stderr).toBe(0);
    expect(follow.stderr.trim().split('\n').at(-1)).toBe(
      `[${'#'.repeat(24)}] 3/3 healthy, batch 2/2, completed`,
    );
    expect(follow.stdout).toMatch(/state\s+completed/);
    expect(new Set((await w.serviceImages(ids)).values())).toEqual(new Set([V2]));
  }, 180_000);

  it('follows a bad image to failed (exit 1), and aborts a rollout back to where it started', async () => {
    const bad = await cli('rollout', 'start', '--image', BAD, '--follow');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/rollout ro-[0-9a-f]{12} failed: the canary failed/);
    expect(bad.stdout).toMatch(/0 \(canary\)\s+1\s+0\s+0\s+0\s+0\s+1/);

    const start = await cli(
      'rollout',
      'start',
      '--image',
      V3,
      '--batch-size',
      '1',
      '--pause-between-ms',
      '120000',
      '--json',
    );
    // The long wait after the canary (cut short by the abort) keeps the rollout from finishing first.
    const { id } = start.json<RolloutAnswer>();
    expect((await cli('rollout', 'abort', id)).code).toBe(0);
    const follow = await cli('rollout', 'status', id, '--follow', '--json');
    expect(follow.code).toBe(1);
    const last = follow.lines<StreamLine>().at(-1)!;
    expect(last.data.state).toBe('aborted');
    expect(new Set((await w.serviceImages(ids)).values())).toEqual(new Set([V2]));

    const again = await cli('rollout', 'pause', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Rollout ${id} has finished: aborted`);
    const list = await cli('rollout', 'list', '--json');
    expect(list.json<RolloutAnswer[]>().map((r) => r.state)).toEqual(['aborted', 'failed', 'completed']);

    // The operator dashboard shows the latest rollout.
    const page = await fetch(`${w.url}/dashboard`, {
      headers: { authorization: `Basic ${Buffer.from('admin:admin-password-1').toString('base64')}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(
      new RegExp(`Rollout <code>${id}</code> to <code>${V3}</code>: <b id="rollout-state">aborted</b>`),
    );
  }, 180_000);
});
