import type { Cloud } from '../cloud.js';
import type { InstanceType } from '../state.js';
import { INSTANCE_TYPES } from './resources.js';

/**
 * ECS account settings (per Region, here per localcloud). Only awsvpcTrunking changes the simulation:
 * "When awsvpcTrunking is specified, the elastic network interface (ENI) limit for any new container
 * instances that support the feature is changed" (API_PutAccountSetting), so an instance takes the
 * limit in force when it registers and keeps it.
 */
export const SETTING_NAMES = [
  'serviceLongArnFormat',
  'taskLongArnFormat',
  'containerInstanceLongArnFormat',
  'awsvpcTrunking',
  'containerInsights',
  'fargateFIPSMode',
  'tagResourceAuthorization',
  'fargateTaskRetirementWaitPeriod',
  'guardDutyActivate',
  'defaultLogDriverMode',
] as const;

const DEFAULTS: Record<string, string> = {
  serviceLongArnFormat: 'enabled',
  taskLongArnFormat: 'enabled',
  containerInstanceLongArnFormat: 'enabled',
  awsvpcTrunking: 'disabled',
  containerInsights: 'disabled',
};

const settings = new WeakMap<Cloud, Map<string, string>>();

export function accountSettings(cloud: Cloud): Map<string, string> {
  let map = settings.get(cloud);
  if (!map) {
    map = new Map(Object.entries(DEFAULTS));
    settings.set(cloud, map);
  }
  return map;
}

/** Task ENIs an instance of `type` registers with now: the trunk limit when trunking is on. */
export function taskEnis(cloud: Cloud, type: InstanceType): number {
  const spec = INSTANCE_TYPES[type];
  return accountSettings(cloud).get('awsvpcTrunking') === 'enabled' ? spec.trunkEnis : spec.enis;
}

/** What a new instance of `type` offers tasks, for managed scaling's estimate. */
export function newInstanceShape(
  cloud: Cloud,
  type: InstanceType,
): { cpu: number; memory: number; enis: number } {
  const spec = INSTANCE_TYPES[type];
  return { cpu: spec.cpu, memory: spec.memory, enis: taskEnis(cloud, type) };
}
