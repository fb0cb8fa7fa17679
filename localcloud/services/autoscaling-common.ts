import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { groupNamed } from '../sim/asg-groups.js';
import type { AutoScalingGroup } from '../state.js';
import type { Ec2Instance } from '../state-autoscaling.js';

/** Auto Scaling (query protocol). Its input errors are `ValidationError`, as the service returns them. */
export const validation = (message: string) => new AwsError('ValidationError', message);

export function requireGroup(cloud: Cloud, name: string | undefined): AutoScalingGroup {
  const group = groupNamed(cloud, name);
  if (!group) throw validation(`AutoScalingGroup name not found - ${name ?? 'null'}`);
  return group;
}

/** terraform's one launch template: the spot group's overrides pick the type, the warm group uses its own. */
export const LAUNCH_TEMPLATE = {
  LaunchTemplateId: 'lt-0a1b2c3d4e5f60718',
  LaunchTemplateName: 'openclaw-ecs',
  Version: '$Latest',
} as const;

/** An instance as DescribeAutoScalingGroups and DescribeWarmPool list it. */
export function instanceView(i: Ec2Instance, protectedFromScaleIn: boolean) {
  return {
    InstanceId: i.id,
    InstanceType: i.type,
    AvailabilityZone: i.az,
    LifecycleState: i.lifecycle,
    HealthStatus: 'Healthy',
    LaunchTemplate: LAUNCH_TEMPLATE,
    ProtectedFromScaleIn: protectedFromScaleIn,
  };
}
