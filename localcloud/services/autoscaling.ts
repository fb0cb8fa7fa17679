import type { Cloud } from '../cloud.js';
import { bool, num, str, strList } from '../input.js';
import { paginate } from '../pagination.js';
import { iso } from '../protocol/query.js';
import { changeDesired, ON_DEMAND_TYPE, SPOT_TYPES } from '../sim/asg.js';
import { groups } from '../sim/asg-groups.js';
import { reconcileAll } from '../sim/service-scheduler.js';
import type { AutoScalingGroup } from '../state.js';
import { instanceView, LAUNCH_TEMPLATE, requireGroup, validation } from './autoscaling-common.js';
import { warmPoolHandlers, warmPoolView } from './autoscaling-warm-pool.js';
import type { HandlerMap } from './handler.js';

/** The spot group's mixed instances policy, or the on-demand group's plain launch template. */
function launchSource(asg: AutoScalingGroup): Record<string, unknown> {
  if (asg.onDemandType) return { LaunchTemplate: LAUNCH_TEMPLATE };
  return {
    MixedInstancesPolicy: {
      LaunchTemplate: {
        LaunchTemplateSpecification: LAUNCH_TEMPLATE,
        Overrides: [...new Set([ON_DEMAND_TYPE, ...SPOT_TYPES])].map((t) => ({ InstanceType: t })),
      },
      InstancesDistribution: {
        OnDemandAllocationStrategy: 'prioritized',
        OnDemandBaseCapacity: asg.onDemandBase,
        OnDemandPercentageAboveBaseCapacity: 0,
        SpotAllocationStrategy: 'capacity-optimized',
      },
    },
  };
}

function groupView(cloud: Cloud, asg: AutoScalingGroup): Record<string, unknown> {
  const subnets = cloud.network.subnets.filter((s) => !s.public);
  return {
    AutoScalingGroupName: asg.name,
    AutoScalingGroupARN: asg.arn,
    ...launchSource(asg),
    MinSize: asg.min,
    MaxSize: asg.max,
    DesiredCapacity: asg.desired,
    DefaultCooldown: 300,
    AvailabilityZones: subnets.map((s) => s.az),
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 0,
    Instances: asg.instanceIds.flatMap((id) => {
      const i = cloud.state.instances.get(id);
      if (!i) return [];
      return [instanceView(i, i.protectedFromScaleIn)];
    }),
    CreatedTime: iso(asg.createdAt),
    SuspendedProcesses: [],
    VPCZoneIdentifier: subnets.map((s) => s.id).join(','),
    EnabledMetrics: [],
    Tags: [
      {
        ResourceId: asg.name,
        ResourceType: 'auto-scaling-group',
        Key: 'AmazonECSManaged',
        Value: '',
        PropagateAtLaunch: true,
      },
    ],
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: true,
    ServiceLinkedRoleARN: `arn:aws:iam::${cloud.account.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: !asg.onDemandType,
    ...warmPoolView(cloud, asg),
  };
}

export const autoscaling: HandlerMap = {
  DescribeAutoScalingGroups(cloud, input) {
    const names = strList(input, 'AutoScalingGroupNames');
    const max = num(input, 'MaxRecords') ?? 50;
    if (max < 1 || max > 100) throw validation('MaxRecords must be between 1 and 100');
    const all = groups(cloud)
      .filter((g) => names.length === 0 || names.includes(g.name))
      .map((g) => groupView(cloud, g));
    const page = paginate(all, str(input, 'NextToken'), max, 'asg', () => validation('Invalid NextToken'));
    return { AutoScalingGroups: page.items, NextToken: page.next };
  },

  SetDesiredCapacity(cloud, input) {
    const asg = requireGroup(cloud, str(input, 'AutoScalingGroupName'));
    const desired = num(input, 'DesiredCapacity');
    if (desired === undefined) throw validation('DesiredCapacity is required');
    if (desired > asg.max)
      throw validation(
        `New SetDesiredCapacity value ${desired} is above max value ${asg.max} for the AutoScalingGroup.`,
      );
    if (desired < asg.min)
      throw validation(
        `New SetDesiredCapacity value ${desired} is below min value ${asg.min} for the AutoScalingGroup.`,
      );
    changeDesired(cloud, desired, 'a user request explicitly set group desired capacity', asg);
    reconcileAll(cloud, null);
    return undefined;
  },

  DescribeScalingActivities(cloud, input) {
    const name = str(input, 'AutoScalingGroupName');
    // Without a name: every group's activities, newest first.
    const chosen = groups(cloud).filter((g) => name === undefined || g.name === name);
    const ids = new Set(strList(input, 'ActivityIds'));
    const max = num(input, 'MaxRecords') ?? 100;
    if (max < 1 || max > 100) throw validation('MaxRecords must be between 1 and 100');
    const all = chosen
      .flatMap((g) => g.activities.map((a) => ({ a, g })))
      .filter(({ a }) => ids.size === 0 || ids.has(a.id))
      .sort((x, y) => y.a.startedAt - x.a.startedAt);
    const page = paginate(all, str(input, 'NextToken'), max, `act:${name ?? ''}:${ids.size}`, () =>
      validation('Invalid NextToken'),
    );
    return {
      Activities: page.items.map(({ a, g }) => ({
        ActivityId: a.id,
        AutoScalingGroupName: g.name,
        Description: a.description,
        Cause: a.cause,
        StartTime: iso(a.startedAt),
        EndTime: iso(a.endedAt),
        StatusCode: a.status,
        Progress: a.status === 'InProgress' ? 30 : 100,
        Details: a.details,
        AutoScalingGroupARN: g.arn,
      })),
      NextToken: page.next,
    };
  },

  SetInstanceProtection(cloud, input) {
    const asg = requireGroup(cloud, str(input, 'AutoScalingGroupName'));
    const protect = bool(input, 'ProtectedFromScaleIn');
    if (protect === undefined) throw validation('ProtectedFromScaleIn is required');
    const ids = strList(input, 'InstanceIds');
    for (const id of ids) {
      if (!asg.instanceIds.includes(id))
        throw validation(`The instance ${id} is not part of Auto Scaling group ${asg.name}.`);
    }
    for (const id of ids) {
      const i = cloud.state.instances.get(id);
      if (i) i.protectedFromScaleIn = protect;
    }
    reconcileAll(cloud, null);
    return undefined;
  },

  ...warmPoolHandlers,
};
