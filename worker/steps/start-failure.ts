import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { awsValue } from '../aws/aws-call.js';
import { isServiceTask } from '../aws/service-tasks.js';
import type { StepContext } from './step.js';

/**
 * Stopped reasons that no replacement task can get past on its own: the secret (or a key of it) the task
 * definition names cannot be read, or the image cannot be pulled. ECS keeps launching replacements that
 * stop the same way, so waiting out the placement deadline would only delay the same answer.
 */
const CANNOT_START = /^(ResourceInitializationError|CannotPullContainerError)\b/;

/** The latest stopped reason of this service's tasks that says the task cannot start, or null. */
export function startFailureReason(tasks: readonly Task[], serviceName: string): string | null {
  const failed = tasks
    .filter((t) => isServiceTask(t, serviceName) && CANNOT_START.test(t.stoppedReason ?? ''))
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  return failed[0]?.stoppedReason ?? null;
}

/**
 * Why the service's tasks fail to start, read from its stopped tasks. Called only when the deployment
 * counts failed tasks (`failedTasks` > 0), so a placement poll pays these two reads only when ECS has
 * already said that something failed. ListTasks lists RUNNING tasks unless asked for STOPPED ones.
 */
export async function findStartFailure(ctx: StepContext, serviceName: string): Promise<string | null> {
  const cluster = ctx.config.ECS_CLUSTER;
  const list = await awsValue('read', 'ListTasks', () =>
    ctx.aws.ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: 'STOPPED' })),
  );
  const taskArns = (list.taskArns ?? []).slice(0, 100);
  if (taskArns.length === 0) return null;
  const described = await awsValue('read', 'DescribeTasks', () =>
    ctx.aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns })),
  );
  return startFailureReason(described.tasks ?? [], serviceName);
}
