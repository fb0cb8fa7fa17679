import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import {
  link,
  loadBalancersOfTargetGroup,
  targetGroupsOfActions,
  targetGroupsOfLoadBalancer,
} from '../elb-links.js';
import { list, num, obj, type Params, records, str, strList, tags } from '../input.js';
import { paginate } from '../pagination.js';
import { index } from '../sim/resources.js';
import { refreshTargetUsage } from '../sim/targets.js';
import type { Listener, Rule } from '../state.js';
import {
  badMarker,
  defaultRuleView,
  notFound,
  pageSize,
  requireListener,
  requireTargetGroup,
  ruleView,
  validation,
} from './elbv2-common.js';
import type { HandlerMap } from './handler.js';

const notPermitted = (arn: string) =>
  new AwsError('OperationNotPermitted', `Default rule '${arn}' cannot be modified`);

function priorityOf(input: Params): number {
  const p = num(input, 'Priority');
  if (p === undefined || !Number.isInteger(p) || p < 1 || p > 50000) {
    throw validation('Priority must be between 1 and 50000');
  }
  return p;
}

const CONFIGS = [
  'HostHeaderConfig',
  'PathPatternConfig',
  'HttpHeaderConfig',
  'HttpRequestMethodConfig',
  'SourceIpConfig',
  'QueryStringConfig',
];

/** A condition's values (match evaluations), given as `Values` or in its field's `*Config`. */
function valuesOf(condition: Params): number {
  let n = list(condition, 'Values').length;
  for (const key of CONFIGS) n += list(obj(condition, key), 'Values').length;
  return n;
}

/** At most three values per condition and five per rule (ELB user guide, "Condition basics"). */
function conditionsOf(input: Params): Record<string, unknown>[] {
  const conditions = records(input, 'Conditions');
  if (conditions.length === 0) throw validation('A rule must have at least one condition');
  let total = 0;
  for (const c of conditions) {
    const n = valuesOf(c);
    if (n > 3) throw validation("A condition can only have '3' values");
    total += n;
  }
  if (total > 5) throw validation("A rule can only have '5' condition values");
  return conditions;
}

/** Forward actions as AWS echoes them: a TargetGroupArn also shows up as a one-group ForwardConfig. */
function actionsOf(input: Params): Record<string, unknown>[] {
  const actions = records(input, 'Actions');
  if (actions.length === 0) throw validation('A rule must have at least one action');
  return actions.map((a, i) => {
    const out: Record<string, unknown> = { ...a, Order: num(a, 'Order') ?? i + 1 };
    if (str(a, 'Type') === 'forward' && str(a, 'TargetGroupArn') && !a.ForwardConfig) {
      out.ForwardConfig = {
        TargetGroups: [{ TargetGroupArn: str(a, 'TargetGroupArn'), Weight: 1 }],
        TargetGroupStickinessConfig: { Enabled: false },
      };
    }
    return out;
  });
}

/**
 * Checks the groups a rule forwards to: they exist, no other load balancer uses them (a target group
 * belongs to one ALB), and the ALB stays within its target-group quota.
 */
function checkTargetGroups(
  cloud: Cloud,
  listener: Listener,
  actions: Record<string, unknown>[],
  ruleArn?: string,
): void {
  const tgs = targetGroupsOfActions(actions);
  for (const tg of tgs) {
    requireTargetGroup(cloud, tg);
    const lbs = loadBalancersOfTargetGroup(cloud, tg);
    if (lbs.some((lb) => lb !== listener.loadBalancerArn)) {
      throw new AwsError(
        'TargetGroupAssociationLimit',
        "You've reached the limit on the number of load balancers per target group",
      );
    }
  }
  const linked = targetGroupsOfLoadBalancer(cloud, listener.loadBalancerArn, ruleArn);
  for (const tg of tgs) linked.add(tg);
  if (linked.size > cloud.quotas.targetGroupsPerAlb) {
    // AWS documents this quota's error as TooManyUniqueTargetGroupsPerLoadBalancer; TooManyTargetGroups
    // is the account-wide quota, which CreateTargetGroup raises.
    throw new AwsError(
      'TooManyUniqueTargetGroupsPerLoadBalancer',
      "You've reached the limit on the number of unique target groups per load balancer across all listeners",
    );
  }
}

const rulesOf = (cloud: Cloud, listenerArn: string): Rule[] =>
  [...(cloud.state.rulesByListener.get(listenerArn) ?? [])].sort((a, b) => a.priority - b.priority);

const isDefaultRule = (cloud: Cloud, arn: string): boolean =>
  [...cloud.state.listeners.values()].some((l) => l.defaultRuleArn === arn);

function requireRule(cloud: Cloud, arn: string | undefined): Rule {
  const r = arn ? cloud.state.rules.get(arn) : undefined;
  if (r) return r;
  if (arn && isDefaultRule(cloud, arn)) throw notPermitted(arn);
  throw notFound.rule();
}

export const elbv2Rules: HandlerMap = {
  CreateRule(cloud, input) {
    const listener = requireListener(cloud, str(input, 'ListenerArn'));
    const priority = priorityOf(input);
    const conditions = conditionsOf(input);
    const actions = actionsOf(input);
    const existing = rulesOf(cloud, listener.arn);
    if (existing.some((r) => r.priority === priority))
      throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
    if (existing.length >= cloud.quotas.rulesPerListener) {
      throw new AwsError('TooManyRules', "You've reached the limit on the number of rules per load balancer");
    }
    checkTargetGroups(cloud, listener, actions);
    const lb = cloud.state.loadBalancers.get(listener.loadBalancerArn);
    const rule: Rule = {
      arn: arns.rule(cloud.account, lb?.name ?? '', lb?.id ?? '', listener.id, cloud.rng.hex(16)),
      listenerArn: listener.arn,
      priority,
      conditions,
      actions,
      tags: tags(input, 'Tags'),
    };
    cloud.state.rules.set(rule.arn, rule);
    index(cloud.state.rulesByListener, listener.arn, rule);
    link(cloud, listener.loadBalancerArn, rule.actions, 1);
    refreshTargetUsage(cloud, targetGroupsOfActions(rule.actions));
    return { Rules: [ruleView(rule)] };
  },

  DeleteRule(cloud, input) {
    const rule = requireRule(cloud, str(input, 'RuleArn'));
    cloud.state.rules.delete(rule.arn);
    cloud.state.rulesByListener.get(rule.listenerArn)?.delete(rule);
    const lbArn = cloud.state.listeners.get(rule.listenerArn)?.loadBalancerArn;
    if (lbArn) link(cloud, lbArn, rule.actions, -1);
    refreshTargetUsage(cloud, targetGroupsOfActions(rule.actions));
    return {};
  },

  DescribeRules(cloud, input) {
    const listenerArn = str(input, 'ListenerArn');
    const ruleArns = strList(input, 'RuleArns');
    let all: Record<string, unknown>[];
    if (ruleArns.length > 0) {
      all = ruleArns.map((arn) => {
        const r = cloud.state.rules.get(arn);
        if (r) return ruleView(r);
        const l = [...cloud.state.listeners.values()].find((x) => x.defaultRuleArn === arn);
        if (l) return defaultRuleView(l);
        throw notFound.rule();
      });
    } else if (listenerArn) {
      const listener = requireListener(cloud, listenerArn);
      all = [...rulesOf(cloud, listener.arn).map(ruleView), defaultRuleView(listener)];
    } else throw validation('You must specify either listener ARN or rule ARNs');
    const page = paginate(
      all,
      str(input, 'Marker'),
      pageSize(input),
      `rules:${listenerArn}:${ruleArns.length}`,
      badMarker,
    );
    return { Rules: page.items, NextMarker: page.next };
  },

  ModifyRule(cloud, input) {
    const rule = requireRule(cloud, str(input, 'RuleArn'));
    const listener = requireListener(cloud, rule.listenerArn);
    const conditions = input.Conditions !== undefined ? conditionsOf(input) : rule.conditions;
    const actions = input.Actions !== undefined ? actionsOf(input) : rule.actions;
    checkTargetGroups(cloud, listener, actions, rule.arn);
    rule.conditions = conditions;
    const before = targetGroupsOfActions(rule.actions);
    link(cloud, listener.loadBalancerArn, rule.actions, -1);
    rule.actions = actions;
    link(cloud, listener.loadBalancerArn, rule.actions, 1);
    refreshTargetUsage(cloud, [...before, ...targetGroupsOfActions(actions)]);
    return { Rules: [ruleView(rule)] };
  },

  /** Applies all priorities at once, so two rules can swap priorities in one call. */
  SetRulePriorities(cloud, input) {
    const changes = records(input, 'RulePriorities').map((rp) => ({
      rule: requireRule(cloud, str(rp, 'RuleArn')),
      priority: priorityOf(rp),
    }));
    const moving = new Set(changes.map((c) => c.rule.arn));
    const seen = new Set<string>();
    for (const c of changes) {
      const key = `${c.rule.listenerArn}#${c.priority}`;
      const clash = rulesOf(cloud, c.rule.listenerArn).some(
        (r) => !moving.has(r.arn) && r.priority === c.priority,
      );
      if (clash || seen.has(key))
        throw new AwsError('PriorityInUse', `Priority '${c.priority}' is currently in use`);
      seen.add(key);
    }
    for (const c of changes) c.rule.priority = c.priority;
    return { Rules: changes.map((c) => ruleView(c.rule)) };
  },
};
