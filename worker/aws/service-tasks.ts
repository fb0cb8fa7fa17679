import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { StepContext } from '../steps/step.js';
import { awsCall, awsValue } from './aws-call.js';

/**
 * A task is the service's when ECS says so in the task itself: a service's tasks carry the group
 * `service:<serviceName>`. ListTasks' `serviceName` filter is not taken on trust (an implementation
 * that ignores it would hand over another service's task).
 */
export function isServiceTask(task: Pick<Task, 'group'>, serviceName: string): boolean {
  return task.group === `service:${serviceName}`;
}

/**
 * The service's tasks whose desired status is RUNNING (ECS has not told them to stop), checked task by
 * task. None when ECS does not know the service.
 */
export async function tasksStillWanted(ctx: StepContext, serviceName: string): Promise<Task[]> {
  const cluster = ctx.config.ECS_CLUSTER;
  const listed = await awsCall('read', 'ListTasks', () =>
    ctx.aws.ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: 'RUNNING' })),
  );
  const taskArns = listed.ok ? (listed.value.taskArns ?? []) : [];
  const wanted: Task[] = [];
  for (let i = 0; i < taskArns.length; i += 100) {
    const tasks = taskArns.slice(i, i + 100);
    const described = await awsValue('read', 'DescribeTasks', () =>
      ctx.aws.ecs.send(new DescribeTasksCommand({ cluster, tasks })),
    );
    for (const task of described.tasks ?? []) {
      if (isServiceTask(task, serviceName) && task.desiredStatus === 'RUNNING') wanted.push(task);
    }
  }
  return wanted;
}
