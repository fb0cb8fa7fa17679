import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { resourceNames } from '../../shared/naming.js';
import { awsValue } from '../aws/aws-call.js';
import { fatal } from '../errors/classified-error.js';
import { lowerTags } from '../steps/tags.js';
import type { RolloutContext } from './rollout-context.js';

const describe = (ctx: RolloutContext, taskDefinition: string) =>
  awsValue('read', 'DescribeTaskDefinition', () =>
    ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
  );

export const imageOf = (definition: TaskDefinition | undefined) =>
  definition?.containerDefinitions?.[0]?.image ?? '';

/** A task definition, described: its image and everything a new revision copies. */
export async function describeRevision(ctx: RolloutContext, arn: string) {
  const found = await describe(ctx, arn);
  if (!found.taskDefinition) throw fatal('NoTaskDefinition', `DescribeTaskDefinition ${arn}: none`);
  return found.taskDefinition;
}

/**
 * The revision of the instance's family that runs `image`, otherwise exactly like `previous`. Looks first:
 * the family's latest ACTIVE revision already on the image is used, so a worker killed after registering
 * (before its checkpoint) registers nothing the second time.
 */
export async function registerRevision(
  ctx: RolloutContext,
  instanceId: string,
  previous: TaskDefinition,
  image: string,
): Promise<string> {
  const { taskFamily } = resourceNames(instanceId);
  const latest = (await describe(ctx, taskFamily)).taskDefinition;
  if (latest?.status === 'ACTIVE' && latest.family === taskFamily && imageOf(latest) === image)
    return latest.taskDefinitionArn!;
  const old = previous;
  const registered = await awsValue('create', 'RegisterTaskDefinition', () =>
    ctx.aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: taskFamily,
        requiresCompatibilities: old.requiresCompatibilities,
        networkMode: old.networkMode,
        cpu: old.cpu,
        memory: old.memory,
        executionRoleArn: old.executionRoleArn,
        taskRoleArn: old.taskRoleArn,
        containerDefinitions: (old.containerDefinitions ?? []).map((c, i) => (i === 0 ? { ...c, image } : c)),
        tags: lowerTags(instanceId),
      }),
    ),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn;
  if (!arn) throw fatal('NoTaskDefinitionArn', `RegisterTaskDefinition for ${taskFamily} gave no ARN`);
  return arn;
}
