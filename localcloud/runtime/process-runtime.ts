import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { watchChild } from './child-container.js';
import type { ContainerSpec, RunningContainer, TaskRuntime } from './task-runtime.js';

/** Beside this file in the source tree and in dist/ (the build copies it). */
const STAND_IN = fileURLToPath(new URL('./gateway-stand-in.mjs', import.meta.url));

/**
 * A child process per task running the stand-in gateway. Its environment is exactly the container's;
 * nothing of localcloud's own (NODE_OPTIONS, AWS variables) leaks in. No V8 flags: measured, the
 * usual memory flags change its RSS by under 2 MB (see README).
 */
export const processRuntime: TaskRuntime = {
  kind: 'process',
  start(spec: ContainerSpec): Promise<RunningContainer> {
    const args = [STAND_IN, ...(spec.fail ? [`--fail=${spec.fail}`] : [])];
    const child = spawn(process.execPath, args, {
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return watchChild(
      child,
      { host: '127.0.0.1', port: spec.port },
      spec.stopTimeoutMs,
      10_000,
      (line) => line.startsWith('listening on '),
      undefined,
      spec.onLine,
    );
  },
};
