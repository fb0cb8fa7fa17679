import type { Cloud } from '../cloud.js';
import { writeTaskLog } from '../logs/task-logs.js';
import type { LoopbackEndpoint, Task } from '../state.js';
import { scaledSetting } from '../timing.js';
import { commandRuntime } from './command-runtime.js';
import { containerEnv } from './container-env.js';
import { type FailingImageRule, failureFor } from './failing-images.js';
import { freePort } from './free-port.js';
import { inProcessRuntime } from './in-process-runtime.js';
import { processRuntime } from './process-runtime.js';
import type { RunningContainer, TaskRuntime, TaskRuntimeKind } from './task-runtime.js';

/**
 * The tasks' containers on this machine: which runtime runs them, the running ones by task ARN, and
 * each service's run of launches that failed (ECS's task launch throttle).
 */
export interface DataPlane {
  kind: TaskRuntimeKind;
  runtime?: TaskRuntime;
  failingImages: readonly FailingImageRule[];
  containers: Map<string, RunningContainer>;
  /** Consecutive tasks of a service that stopped before RUNNING, and when the next may launch. */
  launchFailures: Map<
    string,
    { count: number; notBefore: number; retryScheduled: boolean; taskDefinitionArn: string }
  >;
  /** Launches not yet settled: close() waits for them, so a container coming up late is killed too. */
  launching: Set<Promise<RunningContainer | undefined>>;
  /** Targets whose health checks are running (their interval grows with the count). */
  checking: number;
  closed: boolean;
}

export interface DataPlaneOptions {
  taskRuntime: TaskRuntimeKind;
  /** The command template of the `command` runtime, `{port}` substituted. */
  taskCommand?: string;
  failingImages: readonly FailingImageRule[];
}

export function makeDataPlane(o: DataPlaneOptions): DataPlane {
  let runtime: TaskRuntime | undefined;
  if (o.taskRuntime === 'process') runtime = processRuntime;
  else if (o.taskRuntime === 'in-process') runtime = inProcessRuntime;
  else if (o.taskRuntime === 'command') {
    if (!o.taskCommand) throw new Error('the command task runtime needs a command (LOCALCLOUD_TASK_COMMAND)');
    runtime = commandRuntime(o.taskCommand);
  }
  return {
    kind: o.taskRuntime,
    runtime,
    failingImages: o.failingImages,
    containers: new Map(),
    launchFailures: new Map(),
    launching: new Set(),
    checking: 0,
    closed: false,
  };
}

export interface LaunchOutcome {
  /** The container listens at endpoint: the task is RUNNING. */
  running(endpoint: LoopbackEndpoint): void;
  /** The task cannot start (a secret, or a container that exited before listening). */
  failed(reason: string, stopCode: 'TaskFailedToStart' | 'EssentialContainerExited'): void;
  /** The container stopped on its own after it was running. */
  exited(): void;
}

/** Starts a task's container through the runtime; the outcome callbacks run at most once each. */
export function launchContainer(cloud: Cloud, task: Task, outcome: LaunchOutcome): void {
  const dp = cloud.dataPlane;
  const td = cloud.state.taskDefinitions.get(task.taskDefinitionArn);
  if (!dp.runtime || !td) {
    outcome.failed('Task definition not found', 'TaskFailedToStart');
    return;
  }
  const runtime = dp.runtime;
  const launch: Promise<RunningContainer | undefined> = freePort().then(
    (port) => {
      if (dp.closed || task.desiredStatus !== 'RUNNING') return undefined;
      // Secrets are read when the container starts, as the ECS agent does.
      const resolved = containerEnv(cloud, td, port);
      if (!resolved.ok) {
        outcome.failed(resolved.reason, 'TaskFailedToStart');
        return undefined;
      }
      const spec = {
        taskId: task.id,
        image: resolved.image,
        env: resolved.env,
        port,
        stopTimeoutMs: scaledSetting(cloud.timingConfig, resolved.stopTimeoutSeconds, 50),
        fail: failureFor(dp.failingImages, resolved.image),
        onLine: (line: string) => writeTaskLog(cloud, task, line),
      };
      return runtime.start(spec).then(
        (container) => {
          adopt(dp, task, container, outcome);
          return container;
        },
        (err: unknown) => {
          if (dp.closed || task.desiredStatus !== 'RUNNING') return undefined;
          const detail = err instanceof Error ? err.message : String(err);
          console.error(`localcloud: task ${task.id} container failed to start: ${detail}`);
          outcome.failed('Essential container in task exited', 'EssentialContainerExited');
          return undefined;
        },
      );
    },
    (err: unknown) => {
      if (!dp.closed) outcome.failed(`CannotStartContainerError: ${String(err)}`, 'TaskFailedToStart');
      return undefined;
    },
  );
  dp.launching.add(launch);
  void launch.finally(() => dp.launching.delete(launch));
}

/** The data plane that launched it keeps it; a closed one (localcloud closed or reset) kills it. */
function adopt(dp: DataPlane, task: Task, container: RunningContainer, outcome: LaunchOutcome): void {
  if (dp.closed || task.desiredStatus !== 'RUNNING') {
    container.kill();
    return;
  }
  dp.containers.set(task.arn, container);
  task.process = { pid: container.pid, endpoint: container.endpoint };
  container.exited.then(() => {
    if (dp.containers.get(task.arn) !== container) return;
    dp.containers.delete(task.arn);
    task.process = undefined;
    if (!dp.closed && task.desiredStatus === 'RUNNING') outcome.exited();
  });
  outcome.running(container.endpoint);
}

/** SIGTERM, then SIGKILL after the stop timeout; resolves once the container is gone (or had none). */
export function stopContainer(cloud: Cloud, task: Task): Promise<void> {
  const container = cloud.dataPlane.containers.get(task.arn);
  if (!container) return Promise.resolve();
  return container.stop().then(() => undefined);
}

/** SIGKILL at once: the task's host is gone. */
export function killContainer(cloud: Cloud, task: Task): void {
  cloud.dataPlane.containers.get(task.arn)?.kill();
}

/** Kills every container and waits for them to exit; late launches are killed as they come up. */
export async function closeDataPlane(dp: DataPlane): Promise<void> {
  dp.closed = true;
  const late = await Promise.all([...dp.launching]);
  const all = [...dp.containers.values(), ...late.filter((c): c is RunningContainer => c !== undefined)];
  for (const c of all) c.kill();
  await Promise.all(all.map((c) => c.exited));
  dp.containers.clear();
}
