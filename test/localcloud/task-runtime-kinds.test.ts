import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, type GatewayWorld, startGatewayWorld, TOKEN } from './gateway-world.js';
import { waitFor } from './helpers.js';

/**
 * The other task runtimes, and the guarantee that a localcloud process which exits without closing
 * takes its gateways with it.
 */
describe('the in-process runtime', () => {
  let w: GatewayWorld | undefined;
  afterAll(() => w?.lc.close());

  it('serves the same stand-in without a process per task', async () => {
    w = await startGatewayWorld({ seed: 72, taskRuntime: 'in-process' });
    await w.deploy('carol');
    const task = await w.healthyTask('carol');
    expect(task.pid).toBeUndefined();
    const res = await fetch(`http://127.0.0.1:${task.port}/carol/`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('the command runtime', () => {
  let w: GatewayWorld | undefined;
  afterAll(() => w?.lc.close());

  it('runs the command template with {port} and the container environment', async () => {
    const standIn = fileURLToPath(new URL('../../localcloud/runtime/gateway-stand-in.mjs', import.meta.url));
    w = await startGatewayWorld({
      seed: 73,
      taskRuntime: 'command',
      // PORT is in the environment too; the template shows {port} reaching the command line.
      taskCommand: `PORT={port} exec "${process.execPath}" "${standIn}"`,
    });
    await w.deploy('dave');
    const task = await w.healthyTask('dave');
    expect(task.pid).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${task.port}/dave/`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    await w.lc.close();
    expect(alive(task.pid!)).toBe(false);
  });
});

describe('a localcloud process that exits without closing', () => {
  it('takes its gateway processes with it (the exit hook kills them)', async () => {
    const script = `
      const { processRuntime } = await import('./localcloud/runtime/process-runtime.ts');
      const { freePort } = await import('./localcloud/runtime/free-port.ts');
      const port = await freePort();
      const c = await processRuntime.start({ taskId: 't', image: 'i', env: { PORT: String(port) }, port, stopTimeoutMs: 1000 });
      console.log('pid=' + c.pid);
      process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await waitFor(async () => !alive(pid), { what: `gateway ${pid} killed when its localcloud exited` });
  });
});
