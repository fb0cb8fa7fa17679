import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { loadBalancersOfTargetGroup, targetGroupsOfLoadBalancer } from '../elb-links.js';
import { bool, num, obj, type Params, records, str, strList, tags } from '../input.js';
import { paginate } from '../pagination.js';
import { deregisterTarget, registerTarget, targetKey } from '../sim/targets.js';
import type { Target, TargetGroup } from '../state.js';
import {
  badMarker,
  notFound,
  pageSize,
  requireTargetGroup,
  targetGroupView,
  validation,
} from './elbv2-common.js';
import type { HandlerMap } from './handler.js';

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;

/** The settings AWS stores (with its defaults); two creates with equal settings are the same group. */
function settingsOf(cloud: Cloud, input: Params): Record<string, unknown> {
  const targetType = str(input, 'TargetType') ?? 'instance';
  const protocol = str(input, 'Protocol');
  const port = num(input, 'Port');
  const vpcId = str(input, 'VpcId');
  if (targetType !== 'lambda') {
    if (!protocol) throw validation('A protocol must be specified');
    if (port === undefined) throw validation('A port must be specified');
    if (!vpcId) throw validation('A VPC ID must be specified');
    if (vpcId !== cloud.network.vpcId) throw validation(`The VPC ID '${vpcId}' is not found`);
  }
  return {
    Protocol: protocol,
    Port: port,
    VpcId: vpcId,
    HealthCheckProtocol: str(input, 'HealthCheckProtocol') ?? protocol,
    HealthCheckPort: str(input, 'HealthCheckPort') ?? 'traffic-port',
    HealthCheckEnabled: bool(input, 'HealthCheckEnabled') ?? true,
    HealthCheckIntervalSeconds: num(input, 'HealthCheckIntervalSeconds') ?? 30,
    HealthCheckTimeoutSeconds: num(input, 'HealthCheckTimeoutSeconds') ?? 5,
    HealthyThresholdCount: num(input, 'HealthyThresholdCount') ?? 5,
    UnhealthyThresholdCount: num(input, 'UnhealthyThresholdCount') ?? 2,
    HealthCheckPath: str(input, 'HealthCheckPath') ?? '/',
    Matcher: { HttpCode: str(obj(input, 'Matcher'), 'HttpCode') ?? '200' },
    TargetType: targetType,
    ProtocolVersion: str(input, 'ProtocolVersion') ?? 'HTTP1',
    IpAddressType: str(input, 'IpAddressType') ?? 'ipv4',
  };
}

const sameSettings = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function healthView(tg: TargetGroup, t: Target): Record<string, unknown> {
  const reasons: Record<string, [string, string] | undefined> = {
    initial: ['Elb.RegistrationInProgress', 'Target registration is in progress'],
    draining: ['Target.DeregistrationInProgress', 'Target deregistration is in progress'],
    unused: ['Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer'],
    unhealthy: ['Target.FailedHealthChecks', 'Health checks failed'],
  };
  // A measured check says why it failed (or that initial checks are under way).
  const reason: [string, string] | undefined =
    t.health && t.state !== 'healthy' ? [t.health.reason, t.health.description] : reasons[t.state];
  return {
    Target: { Id: t.id, Port: t.port, AvailabilityZone: t.az },
    HealthCheckPort:
      tg.settings.HealthCheckPort === 'traffic-port' ? String(t.port) : tg.settings.HealthCheckPort,
    TargetHealth: { State: t.state, Reason: reason?.[0], Description: reason?.[1] },
  };
}

export const elbv2TargetGroups: HandlerMap = {
  CreateTargetGroup(cloud, input) {
    const name = str(input, 'Name') ?? '';
    if (!NAME.test(name) || name.startsWith('internal-')) {
      throw validation(
        `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-), must be at most 32 characters, and must not begin or end with a hyphen`,
      );
    }
    const settings = settingsOf(cloud, input);
    const existing = cloud.state.targetGroupsByName.get(name);
    if (existing) {
      // Same name and same settings: AWS returns the existing group (idempotent create).
      if (sameSettings(existing.settings, settings))
        return { TargetGroups: [targetGroupView(cloud, existing)] };
      throw new AwsError(
        'DuplicateTargetGroupName',
        'A target group with the same name exists, but with different settings',
      );
    }
    if (cloud.state.targetGroups.size >= cloud.quotas.targetGroupsPerRegion) {
      throw new AwsError(
        'TooManyTargetGroups',
        'You have reached the maximum number of target groups allowed for your account',
      );
    }
    const tg: TargetGroup = {
      arn: arns.targetGroup(cloud.account, name, cloud.rng.hex(16)),
      name,
      settings,
      targets: new Map(),
      tags: tags(input, 'Tags'),
      createdAt: cloud.clock.now(),
    };
    cloud.state.targetGroups.set(tg.arn, tg);
    cloud.state.targetGroupsByName.set(name, tg);
    return { TargetGroups: [targetGroupView(cloud, tg)] };
  },

  /** Deleting a group that does not exist succeeds, as in AWS; one a rule forwards to is in use. */
  DeleteTargetGroup(cloud, input) {
    const arn = str(input, 'TargetGroupArn') ?? '';
    if (!cloud.state.targetGroups.has(arn)) return {};
    if (loadBalancersOfTargetGroup(cloud, arn).length > 0) {
      throw new AwsError(
        'ResourceInUse',
        `Target group '${arn}' is currently in use by a listener or a rule`,
      );
    }
    const tg = cloud.state.targetGroups.get(arn);
    cloud.state.targetGroups.delete(arn);
    if (tg) cloud.state.targetGroupsByName.delete(tg.name);
    return {};
  },

  DescribeTargetGroups(cloud, input) {
    const byArn = strList(input, 'TargetGroupArns');
    const byName = strList(input, 'Names');
    const lbArn = str(input, 'LoadBalancerArn');
    let all: TargetGroup[];
    if (byArn.length > 0) all = byArn.map((a) => requireTargetGroup(cloud, a));
    else if (byName.length > 0) {
      all = byName.map((n) => {
        const tg = cloud.state.targetGroupsByName.get(n);
        if (!tg) throw notFound.targetGroup();
        return tg;
      });
    } else if (lbArn) {
      if (!cloud.state.loadBalancers.has(lbArn)) throw notFound.loadBalancer();
      const linked = targetGroupsOfLoadBalancer(cloud, lbArn);
      all = [...cloud.state.targetGroups.values()].filter((tg) => linked.has(tg.arn));
    } else all = [...cloud.state.targetGroups.values()];
    const page = paginate(
      all,
      str(input, 'Marker'),
      pageSize(input),
      `tg:${lbArn}:${byArn.length}:${byName.length}`,
      badMarker,
    );
    return { TargetGroups: page.items.map((tg) => targetGroupView(cloud, tg)), NextMarker: page.next };
  },

  RegisterTargets(cloud, input) {
    const tg = requireTargetGroup(cloud, str(input, 'TargetGroupArn'));
    const targets = records(input, 'Targets');
    if (targets.length === 0) throw validation('Targets must not be empty');
    for (const t of targets) {
      const id = str(t, 'Id');
      if (!id) throw new AwsError('InvalidTarget', 'Target Id is required');
      registerTarget(cloud, tg, id, num(t, 'Port') ?? Number(tg.settings.Port), str(t, 'AvailabilityZone'));
    }
    return {};
  },

  DeregisterTargets(cloud, input) {
    const tg = requireTargetGroup(cloud, str(input, 'TargetGroupArn'));
    const targets = records(input, 'Targets').map((t) =>
      targetKey(str(t, 'Id') ?? '', num(t, 'Port') ?? Number(tg.settings.Port)),
    );
    const unknown = targets.filter((k) => !tg.targets.has(k));
    if (unknown.length > 0) {
      throw new AwsError(
        'InvalidTarget',
        `The following targets are not registered in target group '${tg.arn}': '${unknown.join("', '")}'`,
      );
    }
    for (const key of targets) deregisterTarget(cloud, tg, key);
    return {};
  },

  DescribeTargetHealth(cloud, input) {
    const tg = requireTargetGroup(cloud, str(input, 'TargetGroupArn'));
    const asked = records(input, 'Targets');
    if (asked.length === 0)
      return { TargetHealthDescriptions: [...tg.targets.values()].map((t) => healthView(tg, t)) };
    return {
      TargetHealthDescriptions: asked.map((a) => {
        const id = str(a, 'Id') ?? '';
        const port = num(a, 'Port') ?? Number(tg.settings.Port);
        const t = tg.targets.get(targetKey(id, port));
        if (t) return healthView(tg, t);
        return {
          Target: { Id: id, Port: port },
          TargetHealth: {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          },
        };
      }),
    };
  },
};
