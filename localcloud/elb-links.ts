import type { Cloud } from './cloud.js';

/**
 * Which load balancer uses which target group. AWS associates a target group with a load balancer
 * when a listener rule or default action forwards to it; nothing else links them. The links are
 * reference-counted indexes kept in step with rules, so lookups do not scan every rule.
 */
export interface ElbLinks {
  /** tgArn -> lbArn -> number of rules/default actions of that LB forwarding to it. */
  byTargetGroup: Map<string, Map<string, number>>;
  /** lbArn -> tgArn -> the same counts. */
  byLoadBalancer: Map<string, Map<string, number>>;
}

export const emptyLinks = (): ElbLinks => ({ byTargetGroup: new Map(), byLoadBalancer: new Map() });

export function targetGroupsOfActions(actions: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (typeof a.TargetGroupArn === 'string') out.push(a.TargetGroupArn);
    const fc = a.ForwardConfig as { TargetGroups?: { TargetGroupArn?: string }[] } | undefined;
    for (const t of fc?.TargetGroups ?? []) if (t.TargetGroupArn) out.push(t.TargetGroupArn);
  }
  return [...new Set(out)];
}

function bump(map: Map<string, Map<string, number>>, a: string, b: string, delta: number): void {
  let inner = map.get(a);
  if (!inner) {
    inner = new Map();
    map.set(a, inner);
  }
  const n = (inner.get(b) ?? 0) + delta;
  if (n > 0) inner.set(b, n);
  else inner.delete(b);
  if (inner.size === 0) map.delete(a);
}

/** Records (delta 1) or forgets (delta -1) that lbArn forwards to the groups in actions. */
export function link(
  cloud: Cloud,
  lbArn: string,
  actions: readonly Record<string, unknown>[],
  delta: 1 | -1,
): void {
  for (const tg of targetGroupsOfActions(actions)) {
    bump(cloud.state.links.byTargetGroup, tg, lbArn, delta);
    bump(cloud.state.links.byLoadBalancer, lbArn, tg, delta);
  }
}

export function loadBalancersOfTargetGroup(cloud: Cloud, tgArn: string): string[] {
  return [...(cloud.state.links.byTargetGroup.get(tgArn)?.keys() ?? [])];
}

export const targetGroupInUse = (cloud: Cloud, tgArn: string): boolean =>
  cloud.state.links.byTargetGroup.has(tgArn);

/** The per-ALB target group quota counts the distinct groups it forwards to (except one rule's, when replacing it). */
export function targetGroupsOfLoadBalancer(cloud: Cloud, lbArn: string, exceptRuleArn?: string): Set<string> {
  const counts = cloud.state.links.byLoadBalancer.get(lbArn);
  const out = new Set(counts?.keys() ?? []);
  const except = exceptRuleArn ? cloud.state.rules.get(exceptRuleArn) : undefined;
  if (except && counts) {
    for (const tg of targetGroupsOfActions(except.actions)) if (counts.get(tg) === 1) out.delete(tg);
  }
  return out;
}
