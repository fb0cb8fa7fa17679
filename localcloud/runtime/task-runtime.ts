import type { LoopbackEndpoint } from '../state.js';

/**
 * How localcloud runs a task's container on this machine. `process` (default): a child process per
 * task running the stand-in gateway; `in-process`: the same stand-in inside localcloud (no process per
 * task, for big benches); `command`: a command template (LOCALCLOUD_TASK_COMMAND) for the real gateway;
 * `none`: no container at all, targets turn healthy on the simulated timer (capacity-only tests).
 */
export type TaskRuntimeKind = 'process' | 'in-process' | 'command' | 'none';

export const TASK_RUNTIME_KINDS: readonly TaskRuntimeKind[] = ['process', 'in-process', 'command', 'none'];

export interface ContainerSpec {
  /** For log lines and process titles only. */
  taskId: string;
  image: string;
  /** Exactly what ECS would give the container (environment, resolved secrets, PORT). */
  env: Record<string, string>;
  /** The loopback port the container must listen on (also env.PORT). */
  port: number;
  /** SIGTERM, then SIGKILL after this long (the task definition's stopTimeout, scaled). */
  stopTimeoutMs: number;
  /** The stand-in's failure mode for this image (localcloud failingImages). */
  fail?: 'exit' | 'unhealthy';
  /** Each line the container writes (stdout and stderr), as the awslogs driver ships it. */
  onLine?: (line: string) => void;
}

export interface ContainerExit {
  code: number | null;
  signal: string | null;
}

export interface RunningContainer {
  pid?: number;
  endpoint: LoopbackEndpoint;
  /** Settles once, when the container has stopped, for whatever reason. */
  exited: Promise<ContainerExit>;
  /** SIGTERM, SIGKILL after stopTimeoutMs; resolves when it has exited. */
  stop(): Promise<ContainerExit>;
  /** SIGKILL now (the host is gone, or localcloud is closing). */
  kill(): void;
  /** The last lines it wrote (stdout and stderr), for a later log feed. */
  logs(): string[];
}

export interface TaskRuntime {
  kind: Exclude<TaskRuntimeKind, 'none'>;
  /** Starts the container and resolves once it listens; rejects when it exits or fails first. */
  start(spec: ContainerSpec): Promise<RunningContainer>;
}

/** Keeps the last `max` lines of a stream of chunks, handing each complete line to `onLine`. */
export function lineBuffer(
  max = 50,
  onLine?: (line: string) => void,
): { push(chunk: Buffer | string): void; lines(): string[] } {
  const lines: string[] = [];
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        onLine?.(p);
        lines.push(p);
        if (lines.length > max) lines.shift();
      }
    },
    lines: () => [...lines, ...(partial ? [partial] : [])],
  };
}
