import { DescribeRulesCommand, type Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { routedInstanceIds } from '../../shared/naming.js';
import type { StepContext } from '../steps/step.js';
import { awsCall } from './aws-call.js';

/** True when the rule is this instance's: it forwards to its target group or routes its path. */
export function isInstanceRule(rule: Rule, instanceId: string, targetGroupArn: string | null): boolean {
  if (rule.IsDefault) return false;
  const forwards = (rule.Actions ?? []).some(
    (action) =>
      (targetGroupArn !== null && action.TargetGroupArn === targetGroupArn) ||
      (action.ForwardConfig?.TargetGroups ?? []).some(
        (tg) => targetGroupArn !== null && tg.TargetGroupArn === targetGroupArn,
      ),
  );
  return forwards || routedInstanceIds(rule).includes(instanceId);
}

/**
 * The instance's rule on its listener, found by what it does rather than by a checkpoint (a create may
 * have crashed between CreateRule and its checkpoint). Null when absent, or when the listener is gone.
 */
export async function findInstanceRule(
  ctx: StepContext,
  listenerArn: string,
  instanceId: string,
  targetGroupArn: string | null,
  /** `delete`: a listener that is gone took the rule with it (null), rather than a configuration error. */
  kind: 'read' | 'delete' = 'read',
): Promise<Rule | null> {
  let marker: string | undefined;
  do {
    const page = await awsCall(kind, 'DescribeRules', () =>
      ctx.aws.elbv2.send(
        new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }),
      ),
    );
    if (!page.ok) return null;
    const rule = (page.value.Rules ?? []).find((r) => isInstanceRule(r, instanceId, targetGroupArn));
    if (rule) return rule;
    marker = page.value.NextMarker;
  } while (marker);
  return null;
}
