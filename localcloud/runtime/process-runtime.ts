import { fileURLToPath } from 'node:url';
import { spawnContainer } from './child-container.js';
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
    return spawnContainer(spec, process.execPath, args, spec.env, {
      timeoutMs: 10_000,
      line: (line) => line.startsWith('listening on '),
    });
  },
};
