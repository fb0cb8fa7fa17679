import type { Cloud } from '../cloud.js';
import type { AutoScalingGroup } from '../state.js';
import { changeDesired, liveInstances } from './asg.js';
import type { Reservation } from './managed-scaling.js';

/**
 * Scale-in half of managed scaling. AWS scales in after the reservation stays below target for
 * 15 minutes; here an instance qualifies once it has been idle (no tasks) for scaleInIdleMs. ECS then
 * removes its scale-in protection and lowers desired capacity, and the ASG terminates it. Busy
 * instances keep their protection; the on-demand base and min size always stay.
 */
export function evaluateScaleIn(cloud: Cloud, r: Reservation, asg: AutoScalingGroup = cloud.state.asg): void {
  const now = cloud.clock.now();
  const live = liveInstances(cloud, asg);
  const onDemandLive = live.filter((i) => i.market === 'on-demand').length;
  const excess = r.n - Math.max(asg.min, Math.ceil((r.m * 100) / cloud.targetCapacity));
  if (excess <= 0) return;
  const idle = live
    .filter((i) => i.lifecycle === 'InService' && i.containerInstanceArn)
    .filter((i) => {
      const ci = cloud.state.containerInstances.get(i.containerInstanceArn as string);
      return (
        ci?.status === 'ACTIVE' &&
        ci.idleSince !== undefined &&
        now - ci.idleSince >= cloud.timing.scaleInIdleMs
      );
    })
    .filter((i) => i.market === 'spot' || onDemandLive > asg.onDemandBase)
    .sort(
      (a, b) =>
        Number(a.market === 'on-demand') - Number(b.market === 'on-demand') || a.launchedAt - b.launchedAt,
    );
  const victims = idle.slice(0, excess);
  if (victims.length === 0) return;
  for (const v of victims) v.protectedFromScaleIn = false;
  changeDesired(
    cloud,
    Math.max(asg.min, asg.desired - victims.length),
    `a monitor alarm TargetTracking-${asg.name}-AlarmLow in state ALARM triggered policy ECSManagedAutoScalingPolicy (CapacityProviderReservation ${r.percent} < ${cloud.targetCapacity})`,
    asg,
  );
}
