import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { resourceNames } from '../../shared/naming.js';
import { awsCall } from '../aws/aws-call.js';
import { describeService } from '../aws/describe-service.js';
import type { RolloutContext } from './rollout-context.js';

/**
 * Moves the instance's service to `taskDefinitionArn` (a new deployment, ECS's rolling update), unless it
 * already runs it or has a deployment of it: looking first is what keeps a resumed rollout from updating a
 * service twice. With `anyDeployment`, a deployment of it still listed counts too: a forward update ECS's
 * circuit breaker already rolled back was made (a rollback must not count the old deployment it replaces).
 * 'gone' when the service is not ACTIVE (the instance was deleted meanwhile).
 */
export async function moveService(
  ctx: RolloutContext,
  instanceId: string,
  taskDefinitionArn: string,
  anyDeployment: boolean,
): Promise<'updated' | 'already' | 'gone'> {
  const { serviceName } = resourceNames(instanceId);
  const service = await describeService(ctx, serviceName);
  if (service?.status !== 'ACTIVE') return 'gone';
  const deployed = anyDeployment && service.deployments?.some((d) => d.taskDefinition === taskDefinitionArn);
  if (service.taskDefinition === taskDefinitionArn || deployed) return 'already';
  const updated = await awsCall('create', 'UpdateService', () =>
    ctx.aws.ecs.send(
      new UpdateServiceCommand({
        cluster: ctx.config.ECS_CLUSTER,
        service: serviceName,
        taskDefinition: taskDefinitionArn,
      }),
    ),
  );
  return updated.ok ? 'updated' : 'gone';
}

/** The task definition the instance's service runs now, or null when it is not ACTIVE. */
export async function currentRevision(ctx: RolloutContext, instanceId: string): Promise<string | null> {
  const service = await describeService(ctx, resourceNames(instanceId).serviceName);
  return service?.status === 'ACTIVE' ? (service.taskDefinition ?? null) : null;
}
