import type { AddressInfo } from 'node:net';
import { createStandIn } from './gateway-stand-in.mjs';
import { type ContainerExit, lineBuffer, type RunningContainer, type TaskRuntime } from './task-runtime.js';

/**
 * The stand-in gateway as a server inside localcloud: a real listener per task, but no process, for
 * benches with hundreds of tasks. There is no pid to kill; stopping closes the listener.
 */
export const inProcessRuntime: TaskRuntime = {
  kind: 'in-process',
  async start(spec): Promise<RunningContainer> {
    if (spec.fail === 'exit') throw new Error('exited with code 1 before listening (failingImages)');
    const logs = lineBuffer(50, spec.onLine);
    const server = createStandIn(spec.env, { fail: spec.fail, log: (line) => logs.push(`${line}\n`) });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.port, '127.0.0.1', () => resolve());
    });
    let markExited: (e: ContainerExit) => void = () => {};
    const exited = new Promise<ContainerExit>((resolve) => {
      markExited = resolve;
    });
    const close = (code: number | null, signal: string | null): Promise<ContainerExit> => {
      server.close(() => markExited({ code, signal }));
      server.closeAllConnections();
      return exited;
    };
    return {
      endpoint: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
      exited,
      logs: () => logs.lines(),
      stop: () => close(0, null),
      kill: () => void close(null, 'SIGKILL'),
    };
  },
};
