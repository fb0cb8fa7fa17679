import type { Cloud } from './cloud.js';

/**
 * Which load balancer uses which target group. AWS associates a target group with a load balancer
 * when a listener rule or default action forwards to it; nothing else links them.
 */
export function targetGroupsOfActions(actions: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (typeof a.TargetGroupArn === 'string') out.push(a.TargetGroupArn);
    const fc = a.ForwardConfig as { TargetGroups?: { TargetGroupArn?: string }[] } | undefined;
    for (const t of fc?.TargetGroups ?? []) if (t.TargetGroupArn) out.push(t.TargetGroupArn);
  }
  return [...new Set(out)];
}

export function loadBalancersOfTargetGroup(cloud: Cloud, tgArn: string): string[] {
  const out = new Set<string>();
  for (const l of cloud.state.listeners.values()) {
    if (targetGroupsOfActions(l.defaultActions).includes(tgArn)) out.add(l.loadBalancerArn);
  }
  for (const r of cloud.state.rules.values()) {
    if (!targetGroupsOfActions(r.actions).includes(tgArn)) continue;
    const l = cloud.state.listeners.get(r.listenerArn);
    if (l) out.add(l.loadBalancerArn);
  }
  return [...out];
}

/** The per-ALB target group quota counts the distinct target groups its listeners forward to. */
export function targetGroupsOfLoadBalancer(cloud: Cloud, lbArn: string, exceptRuleArn?: string): Set<string> {
  const out = new Set<string>();
  for (const l of cloud.state.listeners.values()) {
    if (l.loadBalancerArn !== lbArn) continue;
    for (const tg of targetGroupsOfActions(l.defaultActions)) out.add(tg);
  }
  for (const r of cloud.state.rules.values()) {
    if (r.arn === exceptRuleArn) continue;
    const l = cloud.state.listeners.get(r.listenerArn);
    if (l?.loadBalancerArn !== lbArn) continue;
    for (const tg of targetGroupsOfActions(r.actions)) out.add(tg);
  }
  return out;
}
