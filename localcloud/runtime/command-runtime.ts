import { connect } from 'node:net';
import { spawnContainer } from './child-container.js';
import type { ContainerSpec, RunningContainer, TaskRuntime } from './task-runtime.js';

/** True when something accepts a TCP connection on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs a command template per task, e.g. LOCALCLOUD_TASK_COMMAND='openclaw gateway --port {port}',
 * through /bin/sh with the container's environment (plus PATH and HOME, so the command is found). It
 * is ready when its port accepts a connection; the real gateway may take a while, so it gets 60 s.
 */
export function commandRuntime(template: string): TaskRuntime {
  return {
    kind: 'command',
    start(spec: ContainerSpec): Promise<RunningContainer> {
      const command = template.replaceAll('{port}', String(spec.port));
      const base: Record<string, string> = {};
      for (const k of ['PATH', 'HOME'] as const) {
        const v = process.env[k];
        if (v !== undefined) base[k] = v;
      }
      return spawnContainer(
        spec,
        '/bin/sh',
        ['-c', command],
        { ...base, ...spec.env },
        { timeoutMs: 60_000, probe: () => accepts(spec.port) },
      );
    },
  };
}
