import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import type { StepContext } from '../steps/step.js';
import { awsCall } from './aws-call.js';

/** The service by name in the cluster, in any status, or null when ECS does not know it. */
export async function describeService(
  ctx: Pick<StepContext, 'aws' | 'config'>,
  serviceName: string,
): Promise<Service | null> {
  const found = await awsCall('read', 'DescribeServices', () =>
    ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: ctx.config.ECS_CLUSTER, services: [serviceName] }),
    ),
  );
  if (!found.ok) return null;
  return found.value.services?.find((s) => s.serviceName === serviceName) ?? null;
}
