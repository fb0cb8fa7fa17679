import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * `worker/main.ts` as its own process (through tsx, as `npm run worker` runs it), with the given
 * environment and nothing inherited but PATH, so the test proves main.ts reads its whole config itself.
 */
export function spawnWorker(env: Record<string, string>) {
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    output,
    exited,
    /** Resolves once the worker logged that it started. */
    async ready(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.join('').includes('worker started')) {
        if (child.exitCode !== null) throw new Error(`worker exited: ${output.join('')}`);
        if (Date.now() > deadline) throw new Error(`worker did not start: ${output.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal: NodeJS.Signals) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
export type ChildWorker = ReturnType<typeof spawnWorker>;
