import { CreateRuleCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../shared/aws-clients.js';

/**
 * A rule that is not the platform's (someone else's path, someone else's target group) at `priority` on
 * the listener: what makes a create's CreateRule answer PriorityInUse. Returns the rule's ARN.
 */
export async function createForeignRule(
  aws: Pick<AwsClients, 'elbv2'>,
  options: { vpcId: string; listenerArn: string; priority: number },
): Promise<string> {
  const tg = await aws.elbv2.send(
    new CreateTargetGroupCommand({
      Name: 'someone-else',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: options.vpcId,
      TargetType: 'ip',
    }),
  );
  const rule = await aws.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: options.listenerArn,
      Priority: options.priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/elsewhere/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroups![0]!.TargetGroupArn! }],
    }),
  );
  return rule.Rules![0]!.RuleArn!;
}
