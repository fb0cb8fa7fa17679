import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { resourceNames } from '../../shared/naming.js';
import { awsCall, awsValue } from '../aws/aws-call.js';
import { fatal } from '../errors/classified-error.js';
import { done, type Step, type StepContext } from './step.js';
import { checkpointOf } from './step-outputs.js';
import { upperTags } from './tags.js';
import { GATEWAY_PORT } from './task-definition.js';

/**
 * The ALB health check asks the task for `/health` directly: the check goes to the target's IP, not
 * through the listener rule, and the gateway answers `/health` at its root whatever its BASE_PATH (the
 * container's own health check uses the same path), so one path serves both checks.
 */
export const TARGET_HEALTH_PATH = '/health';

/** Target group `openclaw-<id>`: HTTP 8080 to the task's awsvpc IP. */
export const targetGroupStep: Step<'target-group'> = {
  id: 'target-group',

  async run(ctx, { instance, firstRun }) {
    const { targetGroupName } = resourceNames(instance.id);
    const existing = firstRun ? null : await findTargetGroup(ctx, targetGroupName);
    if (existing) {
      await ctx.note(`target group ${existing} found`);
      return done({ targetGroupArn: existing });
    }
    const created = await awsCall('create', 'CreateTargetGroup', () =>
      ctx.aws.elbv2.send(
        new CreateTargetGroupCommand({
          Name: targetGroupName,
          Protocol: 'HTTP',
          Port: GATEWAY_PORT,
          TargetType: 'ip',
          VpcId: ctx.config.VPC_ID,
          HealthCheckEnabled: true,
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: TARGET_HEALTH_PATH,
          HealthCheckPort: 'traffic-port',
          HealthCheckIntervalSeconds: 15,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 3,
          Matcher: { HttpCode: '200' },
          Tags: upperTags(instance.id),
        }),
      ),
    );
    // DuplicateTargetGroupName: made by an attempt that crashed before its checkpoint; read it back.
    const arn = created.ok
      ? created.value.TargetGroups?.[0]?.TargetGroupArn
      : (
          await awsValue('create', 'DescribeTargetGroups', () =>
            ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [targetGroupName] })),
          )
        ).TargetGroups?.find((tg) => tg.TargetGroupName === targetGroupName)?.TargetGroupArn;
    if (!arn) throw fatal('NoTargetGroupArn', `target group ${targetGroupName} has no ARN`);
    await ctx.note(`target group ${arn} ${created.ok ? 'created' : 'found'}`);
    return done({ targetGroupArn: arn });
  },

  /**
   * After the rule: a target group a rule still forwards to answers ResourceInUse, which is retried.
   * The checkpoint's ARN is the group of this name (names are unique, and a checkpoint exists only once
   * the step finished); without one (a crash before it) the group is looked up by name.
   */
  async undo(ctx, instance) {
    const arn =
      checkpointOf(instance, 'target-group')?.targetGroupArn ??
      (await findTargetGroup(ctx, resourceNames(instance.id).targetGroupName));
    if (!arn) return 'absent';
    const deleted = await awsCall('delete', 'DeleteTargetGroup', () =>
      ctx.aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })),
    );
    return deleted.ok ? 'deleted' : 'absent';
  },
};

export async function findTargetGroup(ctx: StepContext, name: string): Promise<string | null> {
  const found = await awsCall('read', 'DescribeTargetGroups', () =>
    ctx.aws.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })),
  );
  // The answer is checked, not trusted to hold only the name asked for.
  const group = found.ok ? found.value.TargetGroups?.find((tg) => tg.TargetGroupName === name) : undefined;
  return group?.TargetGroupArn ?? null;
}
