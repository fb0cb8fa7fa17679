import type { Cloud } from '../../localcloud/cloud.js';
import { elbv2Rules } from '../../localcloud/services/elbv2-rules.js';
import { elbv2TargetGroups } from '../../localcloud/services/elbv2-target-groups.js';

/** A target group named `name` routed from `/<path>/*` on the first listener, made through the handlers. */
export function routedTargetGroup(cloud: Cloud, name: string, path = name): string {
  const tg = elbv2TargetGroups.CreateTargetGroup?.(cloud, {
    Name: name,
    Protocol: 'HTTP',
    Port: 8080,
    TargetType: 'ip',
    VpcId: cloud.network.vpcId,
  }) as { TargetGroups: { TargetGroupArn: string }[] };
  const tgArn = tg.TargetGroups[0]?.TargetGroupArn ?? '';
  elbv2Rules.CreateRule?.(cloud, {
    ListenerArn: [...cloud.state.listeners.keys()][0],
    Priority: 1,
    Conditions: [{ Field: 'path-pattern', Values: [`/${path}/*`] }],
    Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
  });
  return tgArn;
}
