import {
  type ContainerDefinition,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
  type TaskDefinitionStatus,
} from '@aws-sdk/client-ecs';
import type { WorkerConfig } from '../../shared/config.js';
import { resourceNames } from '../../shared/naming.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import { fatal, retryable } from '../errors/classified-error.js';
import { instanceImage } from '../rollouts/instance-image.js';
import { withLeftovers } from './leftovers.js';
import { done, outputOf, type Step, type StepContext } from './step.js';
import { lowerTags } from './tags.js';

export const GATEWAY_PORT = 8080;
export const TASK_CPU = '512';
export const TASK_MEMORY = '1536';

/**
 * Which restored credentials (see the secret step) a revision's tasks read. ECS resolves a secret only
 * when a task starts ("If the secret is subsequently updated or rotated, the container will not receive
 * the updated value automatically. You must either launch a new task or ... force the service to launch
 * a fresh task": https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html),
 * so restored credentials need new tasks: binding them to a revision of their own
 * makes the redeploy idempotent through the steps' own look-first. This step finds (or registers once)
 * the revision of rotation n, and the service step rolls the service onto it (UpdateService, a new
 * deployment) only while the service runs another. A forced deployment of the same revision would leave
 * nothing to look at, so a retry could not tell whether it had happened.
 */
export const CREDENTIALS_ROTATION_ENV = 'OPENCLAW_CREDENTIALS_ROTATION';

/** The gateway container: secrets only through `valueFrom` on the secret's JSON keys, never plain env. */
export function gatewayContainer(
  config: WorkerConfig,
  instanceId: string,
  secretArn: string,
  rotation = 0,
  image = config.GATEWAY_IMAGE,
): ContainerDefinition {
  const names = resourceNames(instanceId);
  return {
    name: names.containerName,
    image,
    essential: true,
    portMappings: [{ containerPort: GATEWAY_PORT, protocol: 'tcp' }],
    secrets: [
      { name: 'ANTHROPIC_API_KEY', valueFrom: `${secretArn}:ANTHROPIC_API_KEY::` },
      { name: 'OPENCLAW_GATEWAY_TOKEN', valueFrom: `${secretArn}:OPENCLAW_GATEWAY_TOKEN::` },
    ],
    environment: [
      { name: 'INSTANCE_ID', value: instanceId },
      { name: 'BASE_PATH', value: names.basePath },
      // Absent before the first rotation, so revisions registered before rotations existed stay reusable.
      ...(rotation > 0 ? [{ name: CREDENTIALS_ROTATION_ENV, value: String(rotation) }] : []),
    ],
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': config.LOG_GROUP,
        'awslogs-region': config.AWS_REGION,
        'awslogs-stream-prefix': names.logStreamPrefix,
      },
    },
    healthCheck: {
      command: ['CMD-SHELL', `curl -f http://localhost:${GATEWAY_PORT}/health || exit 1`],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    },
  };
}

/**
 * An ACTIVE revision of this family for this image, secret, rotation and log destination is reused rather
 * than leaking another. A revision from before streams carried the instance id (prefix `gateway`) is not:
 * its task logs would be invisible to the logs API, so a resumed saga registers a new one and the service
 * step moves the service to it.
 */
export function reusable(
  definition: TaskDefinition | undefined,
  config: WorkerConfig,
  instanceId: string,
  secretArn: string,
  rotation = 0,
  image = config.GATEWAY_IMAGE,
): boolean {
  const names = resourceNames(instanceId);
  const container = definition?.containerDefinitions?.[0];
  const revisionRotation = container?.environment?.find((e) => e.name === CREDENTIALS_ROTATION_ENV)?.value;
  const logs = container?.logConfiguration?.options ?? {};
  return (
    // The answer is checked, not trusted to be the family asked for.
    definition?.family === names.taskFamily &&
    definition.status === 'ACTIVE' &&
    container?.image === image &&
    (container.secrets ?? []).every((s) => s.valueFrom?.startsWith(`${secretArn}:`)) &&
    (revisionRotation ?? '0') === String(rotation) &&
    logs['awslogs-group'] === config.LOG_GROUP &&
    logs['awslogs-stream-prefix'] === names.logStreamPrefix
  );
}

/** Task definition family `openclaw-<id>`: EC2, awsvpc, 0.5 vCPU, 1.5 GB, one container. */
export const taskDefinitionStep: Step<'task-definition'> = {
  id: 'task-definition',

  async run(ctx, input) {
    const { instance } = input;
    const secretArn = outputOf(input, 'secret').secretArn;
    const { taskFamily } = resourceNames(instance.id);
    const rotation = instance.credentialsRotation ?? 0;
    // The record's image (a rollout moves it), else the fleet's: worker/rollouts/instance-image.ts.
    const image = await instanceImage(ctx, instance);
    const latest = input.firstRun
      ? null
      : await awsCall('read', 'DescribeTaskDefinition', () =>
          ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskFamily })),
        );
    if (
      latest?.ok &&
      reusable(latest.value.taskDefinition, ctx.config, instance.id, secretArn, rotation, image)
    ) {
      const arn = latest.value.taskDefinition!.taskDefinitionArn!;
      await ctx.note(`task definition ${arn} found`);
      return done({ taskDefinitionArn: arn });
    }
    const registered = await awsValue('create', 'RegisterTaskDefinition', () =>
      ctx.aws.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: taskFamily,
          requiresCompatibilities: ['EC2'],
          networkMode: 'awsvpc',
          cpu: TASK_CPU,
          memory: TASK_MEMORY,
          executionRoleArn: ctx.config.EXECUTION_ROLE_ARN,
          taskRoleArn: ctx.config.TASK_ROLE_ARN,
          containerDefinitions: [gatewayContainer(ctx.config, instance.id, secretArn, rotation, image)],
          tags: lowerTags(instance.id),
        }),
      ),
    );
    const arn = registered.taskDefinition?.taskDefinitionArn;
    if (!arn) throw fatal('NoTaskDefinitionArn', `RegisterTaskDefinition for ${taskFamily} gave no ARN`);
    await ctx.note(`task definition ${arn} registered`);
    return done({ taskDefinitionArn: arn });
  },

  /**
   * Every revision of the family: deregister the ACTIVE ones, then delete them all. Housekeeping: the
   * service that ran them is gone, so a revision left behind holds nothing up; when this fails for good the
   * delete records what is left (carried on the error) and the reconciler retries it.
   */
  housekeeping: true,
  async undo(ctx, instance) {
    const { taskFamily } = resourceNames(instance.id);
    let left: string[] = [`family ${taskFamily}`];
    try {
      // Both lists at once: INACTIVE revisions are those an earlier, interrupted delete deregistered.
      const [active, inactive] = await Promise.all([
        listRevisions(ctx, taskFamily, 'ACTIVE'),
        listRevisions(ctx, taskFamily, 'INACTIVE'),
      ]);
      const all = [...new Set([...active, ...inactive])];
      left = [...all];
      await Promise.all(
        active.map((arn) =>
          awsCall('delete', 'DeregisterTaskDefinition', () =>
            ctx.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
          ),
        ),
      );
      for (let i = 0; i < all.length; i += 10) {
        const batch = all.slice(i, i + 10);
        const result = await awsValue('delete', 'DeleteTaskDefinitions', () =>
          ctx.aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch })),
        );
        const failure = result.failures?.find(
          (f) => !/not found|DELETE_IN_PROGRESS|missing/i.test(f.reason ?? ''),
        );
        if (failure) {
          // Usually a deregistration not yet visible: another attempt settles it.
          throw retryable(
            'DeleteTaskDefinitionsFailed',
            `DeleteTaskDefinitions: ${failure.arn ?? ''} ${failure.reason ?? ''} ${failure.detail ?? ''}`.trim(),
          );
        }
        left = left.filter((arn) => !batch.includes(arn));
      }
      return all.length > 0 ? 'deleted' : 'absent';
    } catch (error) {
      throw withLeftovers(error, left);
    }
  },
};

/** Revision ARNs of exactly this family (`familyPrefix` also matches longer names). */
async function listRevisions(
  ctx: StepContext,
  family: string,
  status: TaskDefinitionStatus,
): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsValue('read', 'ListTaskDefinitions', () =>
      ctx.aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken })),
    );
    for (const arn of page.taskDefinitionArns ?? []) {
      if (arn.endsWith(`:task-definition/${family}:${arn.split(':').pop()}`)) arns.push(arn);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}
