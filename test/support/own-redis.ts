import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingRedis } from '../../shared/redis.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A test's own redis-server, with AOF as docker-compose runs it (`--appendonly yes --appendfsync
 * everysec`), in a temporary directory, so a test can stop and restart it without touching the shared one.
 */
export async function startOwnRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function start() {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
        '--dir',
        dir,
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await pingRedis(url, 300))) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM') {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  }

  await start();
  return {
    url,
    /** Stops the server (SIGTERM: Redis writes its AOF and exits, as a container restart does) and starts it again. */
    async restart(downMs: number, signal: NodeJS.Signals = 'SIGTERM') {
      await stop(signal);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    /** SIGSTOP / SIGCONT: Redis hangs with its sockets open, as a frozen host or a network partition does. */
    freeze: () => (child as ChildProcess | null)?.kill('SIGSTOP'),
    thaw: () => (child as ChildProcess | null)?.kill('SIGCONT'),
    /** Stops the server until `start()`: a test can act while Redis is away. */
    stop,
    start,
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
