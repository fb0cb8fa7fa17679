import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { loadBalancersOfTargetGroup } from '../elb-links.js';
import { num, type Params, type Tag } from '../input.js';
import { iso } from '../protocol/query.js';
import type { Listener, LoadBalancer, Rule, TargetGroup } from '../state.js';

/** ELBv2 lookups, errors and wire shapes (query protocol: arrays become `<member>` lists). */
export const notFound = {
  targetGroup: () => new AwsError('TargetGroupNotFound', 'One or more target groups not found'),
  loadBalancer: () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found'),
  listener: () => new AwsError('ListenerNotFound', 'One or more listeners not found'),
  rule: () => new AwsError('RuleNotFound', 'One or more rules not found'),
};

export const validation = (message: string) => new AwsError('ValidationError', message);

export function pageSize(input: Params): number {
  const size = num(input, 'PageSize') ?? 400;
  if (size < 1 || size > 400) throw validation('Page size must be between 1 and 400');
  return size;
}

export const badMarker = () => validation('Invalid marker');

export function requireTargetGroup(cloud: Cloud, arn: string | undefined): TargetGroup {
  const tg = arn ? cloud.state.targetGroups.get(arn) : undefined;
  if (!tg) throw notFound.targetGroup();
  return tg;
}

export function requireListener(cloud: Cloud, arn: string | undefined): Listener {
  const l = arn ? cloud.state.listeners.get(arn) : undefined;
  if (!l) throw notFound.listener();
  return l;
}

export const tagsOut = (t: Tag[]) => t.map((x) => ({ Key: x.key, Value: x.value }));

export function targetGroupView(cloud: Cloud, tg: TargetGroup): Record<string, unknown> {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    ...tg.settings,
    LoadBalancerArns: loadBalancersOfTargetGroup(cloud, tg.arn),
  };
}

export function loadBalancerView(lb: LoadBalancer, vpcId: string): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z1H1FL5HABSF5',
    CreatedTime: iso(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: 'internet-facing',
    VpcId: vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.subnets.map((s) => ({
      ZoneName: s.az,
      SubnetId: s.subnetId,
      LoadBalancerAddresses: [],
    })),
    SecurityGroups: [lb.securityGroupId],
    IpAddressType: 'ipv4',
  };
}

export const listenerView = (l: Listener): Record<string, unknown> => ({
  ListenerArn: l.arn,
  LoadBalancerArn: l.loadBalancerArn,
  Port: l.port,
  Protocol: l.protocol,
  DefaultActions: l.defaultActions,
});

export const ruleView = (r: Rule): Record<string, unknown> => ({
  RuleArn: r.arn,
  Priority: String(r.priority),
  Conditions: r.conditions,
  Actions: r.actions,
  IsDefault: false,
});

export const defaultRuleView = (l: Listener): Record<string, unknown> => ({
  RuleArn: l.defaultRuleArn,
  Priority: 'default',
  Conditions: [],
  Actions: l.defaultActions,
  IsDefault: true,
});
