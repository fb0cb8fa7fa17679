import { type ChildProcess, spawn } from 'node:child_process';
import type { LoopbackEndpoint } from '../state.js';
import { type ContainerExit, type ContainerSpec, lineBuffer, type RunningContainer } from './task-runtime.js';

/**
 * Every container process localcloud has started and not yet seen exit. If the localcloud process
 * exits without closing (an uncaught error, process.exit), the exit hook kills them, so no gateway
 * outlives it. (Nothing can run on SIGKILL of localcloud itself.)
 */
const live = new Set<ChildProcess>();
let hooked = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Each container leads its own process group, so a shell's children go with it.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) signalGroup(c, 'SIGKILL');
  });
}

/** Pids of container processes still running (tests count them; inspection lists them). */
export const liveContainerPids = (): number[] =>
  [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);

/** How a container shows it is ready: a stdout line, or a probe that succeeds; within `timeoutMs`. */
export interface Readiness {
  timeoutMs: number;
  line?: (line: string) => boolean;
  probe?: () => Promise<boolean>;
}

/**
 * Starts a container process for the task: its own process group (detached, so stopping it reaches
 * its children), stdout and stderr piped for its logs, and watched until it is ready.
 */
export function spawnContainer(
  spec: ContainerSpec,
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  readiness: Readiness,
): Promise<RunningContainer> {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return watchChild(
    child,
    { host: '127.0.0.1', port: spec.port },
    spec.stopTimeoutMs,
    readiness.timeoutMs,
    readiness.line ?? (() => false),
    readiness.probe,
    spec.onLine,
  );
}

/**
 * Wraps a spawned container process: resolves once `ready` says it listens, rejects if it exits,
 * fails to spawn or does not get ready within `readyTimeoutMs` (it is then killed).
 */
function watchChild(
  child: ChildProcess,
  endpoint: LoopbackEndpoint,
  stopTimeoutMs: number,
  readyTimeoutMs: number,
  ready: (line: string) => boolean,
  probe?: () => Promise<boolean>,
  onLine?: (line: string) => void,
): Promise<RunningContainer> {
  track(child);
  const logs = lineBuffer(50, onLine);
  const exited = new Promise<ContainerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const container: RunningContainer = {
    pid: child.pid,
    endpoint,
    exited,
    logs: () => logs.lines(),
    kill: () => signalGroup(child, 'SIGKILL'),
    stop() {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), stopTimeoutMs);
      return exited.finally(() => clearTimeout(timer));
    },
  };
  return new Promise<RunningContainer>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) {
        container.kill();
        reject(err);
      } else resolve(container);
    };
    const deadline = setTimeout(
      () => settle(new Error(`container did not listen within ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      logs.push(chunk);
      if (!settled && logs.lines().some(ready)) settle();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk));
    child.once('error', (err) => settle(err));
    // Not its output: a real gateway may print what must not reach localcloud's log.
    exited.then(({ code, signal }) =>
      settle(new Error(`exited with ${signal ?? `code ${code}`} before listening`)),
    );
    if (probe) {
      const poll = (): void => {
        if (settled) return;
        probe().then((ok) => (ok ? settle() : setTimeout(poll, 50)));
      };
      poll();
    }
  });
}
