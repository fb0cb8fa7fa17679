import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { resourceNames } from '../../shared/naming.js';
import { awsValue } from '../aws/aws-call.js';
import { describeService } from '../aws/describe-service.js';
import { isServiceTask } from '../aws/service-tasks.js';
import { fatal } from '../errors/classified-error.js';
import { findStartFailure } from './start-failure.js';
import { done, outputOf, type Step, type StepContext } from './step.js';
import { seenWhileWaiting } from './step-outputs.js';

/** How long a service the saga just made may stay missing from DescribeServices (eventual consistency). */
const NOT_YET_VISIBLE_MS = 30_000;

/** Service events that mean the task waits for the ASG to add an instance. */
const CAPACITY_EVENT = /unable to place|insufficient (memory|cpu)|no container instances|capacity provider/i;

/**
 * Placement: done when the service's task is RUNNING and its target is `healthy`. Until then the step
 * answers `wait`: the job is delayed PLACEMENT_POLL_MS, holding no worker slot and spending no attempt.
 * Each poll is one Describe round: DescribeServices alone while nothing runs (its counts, events and
 * deployments say all there is to say), then ListTasks, DescribeTasks and DescribeTargetHealth once a
 * task runs. Past PLACEMENT_DEADLINE_MS from the step's start the instance fails with the latest event.
 */
export const placementStep: Step<'placement'> = {
  id: 'placement',

  async run(ctx, input) {
    const { instance, record } = input;
    const targetGroupArn = outputOf(input, 'target-group').targetGroupArn;
    const taskDefinitionArn = outputOf(input, 'task-definition').taskDefinitionArn;
    const seen = seenWhileWaiting('placement', record);
    const { serviceName } = resourceNames(instance.id);
    const startedAt = record.startedAt ? Date.parse(record.startedAt) : ctx.clock.now();
    const waitedMs = Math.max(0, ctx.clock.now() - startedAt);

    const described = await describeService(ctx, serviceName);
    // ECS is eventually consistent ("the result of an API command ... might not be immediately visible to
    // all subsequent commands"): the service made by the step before may not be described yet. Missing is
    // looked at again for a while; INACTIVE or DRAINING is final.
    if (!described && waitedMs < Math.min(NOT_YET_VISIBLE_MS, ctx.config.PLACEMENT_DEADLINE_MS)) {
      return {
        kind: 'wait',
        afterMs: ctx.config.PLACEMENT_POLL_MS,
        output: {
          waitedForCapacity: seen?.waitedForCapacity ?? 'false',
          state: 'service not described yet',
          lastEvent: '',
        },
        note: `waiting: service ${serviceName} not described yet`,
      };
    }
    const service = await placeableService(ctx, serviceName, described);
    const lastEvent = service.events?.[0]?.message ?? '';
    // Nothing runs yet: tasks and target health cannot add anything, so this poll is one call.
    const anyRunning = (service.runningCount ?? 0) > 0;
    const tasks = anyRunning ? await serviceTasks(ctx, serviceName) : [];
    // A task of the revision the service step rolled out: during a redeploy (restored credentials, a
    // repaired task definition) the old task runs on until the new one is healthy, with the old values.
    const running = tasks.find(
      (t) =>
        t.lastStatus === 'RUNNING' &&
        (!taskDefinitionArn || !t.taskDefinitionArn || t.taskDefinitionArn === taskDefinitionArn),
    );
    const health = running ? await targetHealth(ctx, targetGroupArn, taskIp(running)) : null;
    const waitedForCapacity =
      seen?.waitedForCapacity === 'true' ||
      // PROVISIONING alone is normal (ENI attachment); without a container instance it waits for capacity.
      tasks.some((t) => t.lastStatus === 'PROVISIONING' && !t.containerInstanceArn) ||
      capacityEvent(service);

    if (running?.taskArn && health === 'healthy') {
      await ctx.note(`task ${running.taskArn} running and healthy after ${waitedMs} ms`);
      // Managed scaling need not say anything while a task waits; the instance it landed on does.
      const waited = waitedForCapacity || (await landedOnNewInstance(ctx, running));
      return done({
        taskArn: running.taskArn,
        waitedForCapacity: waited ? 'true' : 'false',
        placementWaitMs: String(waitedMs),
      });
    }
    const state = describeWait(service, tasks, health);
    if (waitedMs > ctx.config.PLACEMENT_DEADLINE_MS) {
      throw fatal(
        'PlacementTimeout',
        `no healthy task after ${Math.round(waitedMs / 1000)} s (${state}): ${lastEvent || 'no service event'}`,
      );
    }
    return {
      kind: 'wait',
      afterMs: ctx.config.PLACEMENT_POLL_MS,
      output: {
        waitedForCapacity: waitedForCapacity ? 'true' : 'false',
        state,
        lastEvent: lastEvent.slice(0, 300),
      },
      note: `waiting: ${state}${lastEvent ? `; ${lastEvent}` : ''}`,
    };
  },
};

/**
 * The service, when a task of it can still become healthy. Otherwise the instance fails now: the service
 * is gone, its rollout FAILED, or its tasks cannot start (ECS counts the deployment's tasks that never
 * ran; a secret or image they cannot get fails with ECS's own reason, not at the deadline after endless
 * replacements).
 */
async function placeableService(
  ctx: StepContext,
  serviceName: string,
  service: Service | null,
): Promise<Service> {
  if (service?.status !== 'ACTIVE') {
    throw fatal('ServiceGone', `service ${serviceName} is ${service?.status ?? 'missing'} while placing`);
  }
  const rollout = service.deployments?.find((d) => d.status === 'PRIMARY');
  // ECS's reason first: when tasks that cannot start trip the circuit breaker before a poll sees them,
  // the FAILED rollout says only "tasks failed to start", not which secret or image stopped them.
  const cannotStart = (rollout?.failedTasks ?? 0) > 0 ? await findStartFailure(ctx, serviceName) : null;
  if (cannotStart) throw fatal('TaskFailedToStart', cannotStart);
  if (rollout?.rolloutState === 'FAILED') {
    const lastEvent = service.events?.[0]?.message ?? '';
    throw fatal('DeploymentFailed', rollout.rolloutStateReason ?? (lastEvent || 'deployment failed'));
  }
  return service;
}

/**
 * Any capacity event the service reports, not only the latest (a "has started 1 tasks" buries it). The
 * service is this instance's own and younger than this step, so its events are this placement's. Event
 * times are not compared with ours: an emulator's clock (or ECS's) need not agree with the worker's.
 */
function capacityEvent(service: Service): boolean {
  return (service.events ?? []).some((event) => CAPACITY_EVENT.test(event.message ?? ''));
}

/**
 * A task placed on a container instance that registered after the task was created waited for the ASG
 * to add that instance: had any instance had room, ECS would have placed it there at once. Both times
 * come from ECS, so no clock of ours is compared with theirs.
 */
export function waitedForScaleUp(
  task: Pick<Task, 'createdAt'>,
  instance: Pick<ContainerInstance, 'registeredAt'>,
) {
  return !!task.createdAt && !!instance.registeredAt && instance.registeredAt > task.createdAt;
}

async function landedOnNewInstance(ctx: StepContext, task: Task): Promise<boolean> {
  if (!task.containerInstanceArn || !task.createdAt) return false;
  const arn = task.containerInstanceArn;
  const described = await awsValue('read', 'DescribeContainerInstances', () =>
    ctx.aws.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: ctx.config.ECS_CLUSTER, containerInstances: [arn] }),
    ),
  );
  const instance = described.containerInstances?.[0];
  return instance ? waitedForScaleUp(task, instance) : false;
}

async function serviceTasks(ctx: StepContext, serviceName: string): Promise<Task[]> {
  const cluster = ctx.config.ECS_CLUSTER;
  const list = await awsValue('read', 'ListTasks', () =>
    ctx.aws.ecs.send(new ListTasksCommand({ cluster, serviceName })),
  );
  const taskArns = list.taskArns ?? [];
  if (taskArns.length === 0) return [];
  const described = await awsValue('read', 'DescribeTasks', () =>
    ctx.aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns })),
  );
  // Only the service's own: another service's task, listed by an answer that ignored the filter, is not it.
  return (described.tasks ?? []).filter((t) => isServiceTask(t, serviceName));
}

function taskIp(task: Task): string | null {
  for (const attachment of task.attachments ?? []) {
    const ip = attachment.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return task.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? null;
}

async function targetHealth(
  ctx: StepContext,
  targetGroupArn: string,
  ip: string | null,
): Promise<string | null> {
  const result = await awsValue('read', 'DescribeTargetHealth', () =>
    ctx.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
  );
  const descriptions = result.TargetHealthDescriptions ?? [];
  const mine = ip ? descriptions.find((d) => d.Target?.Id === ip) : descriptions[0];
  return mine?.TargetHealth?.State ?? null;
}

function describeWait(service: Service, tasks: Task[], health: string | null): string {
  if (tasks.length === 0) {
    const pending = service.pendingCount ?? 0;
    return pending > 0 ? `task pending (${pending})` : `no task yet (desired ${service.desiredCount ?? 0})`;
  }
  const statuses = tasks.map((t) => t.lastStatus ?? 'UNKNOWN').join(',');
  return health ? `task ${statuses}, target ${health}` : `task ${statuses}`;
}
