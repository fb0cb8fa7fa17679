import type { Cloud } from '../cloud.js';
import { mainContainer } from '../runtime/container-env.js';
import type { LogStream, Task } from '../state.js';
import { appendEvents, createLogGroup, createLogStream } from './log-store.js';

type Params = Record<string, unknown>;

/**
 * The awslogs driver's side of a task: where its container's lines go. With `awslogs-stream-prefix`
 * the stream is `<prefix>/<container name>/<task id>`; without one ECS names it after the Docker
 * container id, which we stand in for with the task id. A missing group is created only when the
 * options say `awslogs-create-group: true`; otherwise nothing is written (on AWS the task would fail
 * to start: we keep the task and drop its lines, and the README says so).
 */
export function taskLogStream(cloud: Cloud, task: Task): LogStream | undefined {
  const td = cloud.state.taskDefinitions.get(task.taskDefinitionArn);
  const container = td ? mainContainer(td) : undefined;
  const config = container?.logConfiguration as Params | undefined;
  if (!container || config?.logDriver !== 'awslogs') return undefined;
  const options = (config.options ?? {}) as Record<string, string>;
  const groupName = options['awslogs-group'];
  if (!groupName) return undefined;
  let group = cloud.state.logGroups.get(groupName);
  if (!group && options['awslogs-create-group'] === 'true') group = createLogGroup(cloud, groupName);
  if (!group) return undefined;
  const prefix = options['awslogs-stream-prefix'];
  const name = prefix ? `${prefix}/${String(container.name)}/${task.id}` : task.id;
  return group.streams.get(name) ?? createLogStream(cloud, group, name);
}

/** Each task's stream, found once: a stand-in logs every health check, so this runs per line. */
const streams = new WeakMap<Task, LogStream | null>();

/** One line the container wrote, stamped now. Empty lines carry nothing (PutLogEvents refuses them). */
export function writeTaskLog(cloud: Cloud, task: Task, line: string): void {
  if (line === '') return;
  let stream = streams.get(task);
  if (stream === undefined) {
    stream = taskLogStream(cloud, task) ?? null;
    streams.set(task, stream);
  }
  if (stream) appendEvents(cloud, stream, [{ timestamp: cloud.clock.now(), message: line }]);
}

/**
 * Without a task runtime no container writes anything, so the stream gets what an operator would
 * otherwise see of the task in ECS's events: it started, it stopped, and why.
 */
export function writeAgentLine(cloud: Cloud, task: Task, what: 'started' | 'stopped'): void {
  if (cloud.dataPlane.kind !== 'none') return;
  const line =
    what === 'started'
      ? `[ecs-agent] task ${task.id} started (${task.taskDefinitionArn.split('/').pop() ?? ''})`
      : `[ecs-agent] task ${task.id} stopped: ${task.stopCode ?? ''} ${task.stoppedReason ?? ''}`.trimEnd();
  writeTaskLog(cloud, task, line);
}
