import type { Cloud } from '../cloud.js';
import type { AutoScalingGroup, Ec2Instance } from '../state.js';

/**
 * The account's Auto Scaling groups: the spot group (mixed instances policy, capacity provider
 * `openclaw-spot`) and, when configured, an on-demand group with a launch template of one type
 * (capacity provider `openclaw-warm`), the one a warm pool is allowed on.
 */
export const WARM_GROUP_NAME = 'openclaw-warm-asg';
export const WARM_CAPACITY_PROVIDER = 'openclaw-warm';

export const groups = (cloud: Cloud): AutoScalingGroup[] =>
  cloud.state.warmAsg ? [cloud.state.asg, cloud.state.warmAsg] : [cloud.state.asg];

export const groupNamed = (cloud: Cloud, name: string | undefined): AutoScalingGroup | undefined =>
  groups(cloud).find((g) => g.name === name);

/** The group an instance belongs to (instances saved before groups existed belong to the spot group). */
export const groupOf = (cloud: Cloud, i: Ec2Instance): AutoScalingGroup =>
  (i.group !== undefined ? groupNamed(cloud, i.group) : undefined) ?? cloud.state.asg;

export const providerOf = (cloud: Cloud, g: AutoScalingGroup): string =>
  g === cloud.state.asg ? cloud.capacityProviderName : WARM_CAPACITY_PROVIDER;

/** The group behind a capacity provider name, or undefined when the account has no such provider. */
export const groupOfProvider = (cloud: Cloud, name: string | undefined): AutoScalingGroup | undefined =>
  groups(cloud).find((g) => providerOf(cloud, g) === name);
