import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { InstanceRecord, StepId } from '../../shared/domain.js';
import { assertNever } from '../../shared/errors/assert-never.js';
import { resourceNames } from '../../shared/naming.js';
import { awsCall } from '../aws/aws-call.js';
import { describeService } from '../aws/describe-service.js';
import { findInstanceRule } from '../aws/find-instance-rule.js';
import type { StepContext } from '../steps/step.js';

/**
 * Whether the resource a create step makes for this instance exists, read directly by name. The
 * reconciler's inventory comes from List calls, which AWS documents as eventually consistent
 * (ListSecrets in particular): before a repair or a failure acts on "missing", this read confirms it.
 */
export async function resourceExists(
  ctx: StepContext,
  record: InstanceRecord,
  step: StepId,
): Promise<boolean> {
  const names = resourceNames(record.id);
  switch (step) {
    case 'secret': {
      const found = await awsCall('read', 'DescribeSecret', () =>
        ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: names.secretName })),
      );
      return found.ok && !found.value.DeletedDate;
    }
    case 'task-definition': {
      // By family, ECS answers its latest ACTIVE revision, or ClientException when there is none.
      const found = await awsCall('read', 'DescribeTaskDefinition', () =>
        ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: names.taskFamily })),
      );
      return (
        found.ok &&
        found.value.taskDefinition?.family === names.taskFamily &&
        found.value.taskDefinition.status === 'ACTIVE'
      );
    }
    case 'target-group': {
      const found = await awsCall('read', 'DescribeTargetGroups', () =>
        ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [names.targetGroupName] })),
      );
      return (
        found.ok &&
        (found.value.TargetGroups ?? []).some((tg) => tg.TargetGroupName === names.targetGroupName)
      );
    }
    case 'listener-rule':
      return (await findInstanceRule(ctx, record.listenerArn, record.id, null)) !== null;
    case 'service':
    case 'placement':
    // The gate makes nothing: what it checked lives in the service (and the rule, checked on its own).
    case 'reachable':
      return (await describeService(ctx, names.serviceName))?.status === 'ACTIVE';
    default:
      return assertNever(step, 'create step');
  }
}
