import {
  CreateServiceCommand,
  DeleteServiceCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { awsErrorCode } from '../../shared/errors/classify-aws-error.js';
import { resourceNames } from '../../shared/naming.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import { describeService } from '../aws/describe-service.js';
import { fatal, retryable } from '../errors/classified-error.js';
import { idempotencyToken, serviceTokenScope } from '../saga/idempotency-token.js';
import { done, outputOf, type Step, type StepContext, type StepInput } from './step.js';
import { lowerTags } from './tags.js';
import { GATEWAY_PORT } from './task-definition.js';

/** Service `openclaw-<id>`: one task on the capacity provider, behind the target group. */
export const serviceStep: Step<'service'> = {
  id: 'service',

  async run(ctx, input) {
    const { instance } = input;
    const taskDefinitionArn = outputOf(input, 'task-definition').taskDefinitionArn;
    const targetGroupArn = outputOf(input, 'target-group').targetGroupArn;
    const { serviceName } = resourceNames(instance.id);
    const existing = input.firstRun ? null : await describeService(ctx, serviceName);
    if (existing?.status === 'ACTIVE' && existing.serviceArn) {
      await convergeService(ctx, serviceName, existing, taskDefinitionArn);
      return done({ serviceArn: existing.serviceArn });
    }
    const parameters = serviceParameters(ctx, instance.id, taskDefinitionArn, targetGroupArn);
    return done({ serviceArn: await createService(ctx, input, parameters) });
  },

  /**
   * Scale to zero, then delete with force; DRAINING, INACTIVE and unknown services are already going.
   * No Describe first: UpdateService itself answers ServiceNotFound / ServiceNotActive (DRAINING or
   * INACTIVE) for those, which the classifier calls `gone` on a delete. Nothing waits for DRAINING.
   */
  async undo(ctx, instance) {
    const { serviceName } = resourceNames(instance.id);
    const cluster = ctx.config.ECS_CLUSTER;
    const scaled = await awsCall('delete', 'UpdateService', () =>
      ctx.aws.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 })),
    );
    if (!scaled.ok) return 'absent';
    const deleted = await awsCall('delete', 'DeleteService', () =>
      ctx.aws.ecs.send(new DeleteServiceCommand({ cluster, service: serviceName, force: true })),
    );
    return deleted.ok ? 'deleted' : 'absent';
  },
};

/**
 * Converges a service that drifted: a task definition the reconciler re-registered is rolled onto it,
 * and a desired count someone changed by hand goes back to the one task an instance runs.
 */
async function convergeService(
  ctx: StepContext,
  serviceName: string,
  existing: Service,
  taskDefinitionArn: string,
): Promise<void> {
  const drift = [
    ...(existing.taskDefinition !== taskDefinitionArn ? [`task definition ${taskDefinitionArn}`] : []),
    ...(existing.desiredCount !== 1 ? [`desired count 1 (was ${existing.desiredCount ?? 'unset'})`] : []),
  ];
  if (drift.length === 0) {
    await ctx.note(`service ${existing.serviceArn} found`);
    return;
  }
  await awsValue('create', 'UpdateService', () =>
    ctx.aws.ecs.send(
      new UpdateServiceCommand({
        cluster: ctx.config.ECS_CLUSTER,
        service: serviceName,
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
      }),
    ),
  );
  await ctx.note(`service ${existing.serviceArn} set to ${drift.join(', ')}`);
}

/** CreateService's parameters: one task on the capacity provider, behind the target group. */
function serviceParameters(
  ctx: StepContext,
  instanceId: string,
  taskDefinitionArn: string,
  targetGroupArn: string,
) {
  const { serviceName, containerName } = resourceNames(instanceId);
  return {
    cluster: ctx.config.ECS_CLUSTER,
    serviceName,
    taskDefinition: taskDefinitionArn,
    desiredCount: 1,
    capacityProviderStrategy: [{ capacityProvider: ctx.config.CAPACITY_PROVIDER, weight: 1 }],
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ctx.config.SUBNET_IDS,
        securityGroups: ctx.config.SECURITY_GROUP_IDS,
        assignPublicIp: 'DISABLED' as const,
      },
    },
    loadBalancers: [{ targetGroupArn, containerName, containerPort: GATEWAY_PORT }],
    healthCheckGracePeriodSeconds: ctx.config.HEALTH_CHECK_GRACE_SECONDS,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    tags: lowerTags(instanceId),
    propagateTags: 'SERVICE' as const,
    enableECSManagedTags: true,
  };
}

/**
 * Creates the service idempotently and answers its ARN. A service of this name made with other
 * parameters (or another token) is taken if ACTIVE; one still draining is waited out.
 */
async function createService(
  ctx: StepContext,
  input: StepInput,
  parameters: ReturnType<typeof serviceParameters>,
): Promise<string> {
  const { serviceName } = parameters;
  // One token per attempt at this step and per set of parameters: every retry of the attempt sends it
  // (ECS answers with the first create's service), a repair or new parameters never reuse one.
  const clientToken = idempotencyToken(
    input.instance.id,
    'service',
    serviceTokenScope(input.record.startedAt, parameters),
  );
  let notIdempotent = false;
  const created = await awsCall(
    'create',
    'CreateService',
    async () => {
      try {
        return await ctx.aws.ecs.send(new CreateServiceCommand({ ...parameters, clientToken }));
      } catch (error) {
        // A service of this name made with other parameters (or another token): take it if ACTIVE.
        const message = error instanceof Error ? error.message : '';
        if (awsErrorCode(error) !== 'InvalidParameter' || !/not idempotent/i.test(message)) throw error;
        notIdempotent = true;
        return null;
      }
    },
    // ECS refuses a name still draining ("still Draining": the classifier's retry-after): look again
    // at the placement cadence, and create once the old service is INACTIVE.
    { waitMs: ctx.config.PLACEMENT_POLL_MS },
  );
  const made = created.ok ? created.value?.service : undefined;
  if (made && made.status !== 'ACTIVE') {
    // The replay of a create this attempt made before its service was deleted: not a service to use.
    throw retryable(
      'ServiceReplayedInactive',
      `CreateService for ${serviceName} answered with a ${made.status} service`,
    );
  }
  if (made?.serviceArn) {
    await ctx.note(`service ${made.serviceArn} created`);
    return made.serviceArn;
  }
  if (notIdempotent) {
    const again = await describeService(ctx, serviceName);
    if (again?.status === 'ACTIVE' && again.serviceArn) return again.serviceArn;
    throw retryable(
      'ServiceNotIdempotent',
      `service ${serviceName} exists but is ${again?.status ?? 'not visible'}`,
    );
  }
  throw fatal('NoServiceArn', `CreateService for ${serviceName} gave no ARN`);
}
