import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import type { Ec2Instance } from '../state.js';
import { changeDesired, liveInstances, terminateInstance } from './asg.js';
import { tasksOn } from './resources.js';
import { hooksFor, reconcileAll } from './service-scheduler.js';
import { stopTask } from './tasks.js';

/**
 * An EC2 Spot interruption notice with ECS managed draining: the container instance goes DRAINING,
 * the service scheduler stops its tasks and starts replacements elsewhere (managed scaling adds an
 * instance if nothing has room), and after the notice period (drainMs, AWS: 2 minutes) the instance
 * terminates. Managed scaling already counted the replacement, so termination lowers desired by one.
 */
export function interruptSpotInstance(cloud: Cloud, instanceId?: string): Ec2Instance {
  const live = liveInstances(cloud).filter((i) => i.lifecycle === 'InService');
  const instance = instanceId
    ? cloud.state.instances.get(instanceId)
    : (live.find((i) => i.market === 'spot' && busy(cloud, i)) ?? live.find((i) => i.market === 'spot'));
  if (instance?.lifecycle !== 'InService') {
    throw new AwsError(
      'InvalidInstanceID.NotFound',
      `No in-service instance ${instanceId ?? '(spot)'} to interrupt`,
    );
  }
  if (instance.market !== 'spot')
    throw new AwsError('InvalidParameterValue', `${instance.id} is not a Spot Instance`);
  const ci = instance.containerInstanceArn
    ? cloud.state.containerInstances.get(instance.containerInstanceArn)
    : undefined;
  if (ci && ci.status !== 'ACTIVE') {
    throw new AwsError(
      'IncorrectInstanceState',
      `${instance.id} has already received an interruption notice`,
    );
  }
  const hooks = hooksFor(cloud);
  if (ci) {
    ci.status = 'DRAINING';
    ci.statusReason = 'Spot Instance interruption notice';
    ci.version += 1;
    for (const t of tasksOn(cloud, ci.arn)) {
      stopTask(
        cloud,
        t,
        'Task stopped because its container instance is draining (EC2 Spot Instance interruption).',
        'ServiceSchedulerInitiated',
        hooks,
      );
    }
  }
  scheduleSpotTermination(cloud, instance);
  reconcileAll(cloud, null);
  return instance;
}

/** The end of the interruption notice: the instance terminates (also re-armed for a restored one). */
export function scheduleSpotTermination(cloud: Cloud, instance: Ec2Instance): void {
  const hooks = hooksFor(cloud);
  cloud.clock.after(cloud.timing.drainMs, () => {
    const asg = cloud.state.asg;
    changeDesired(
      cloud,
      Math.max(asg.min, asg.desired - 1),
      'an instance was taken out of service in response to an EC2 Spot Instance interruption notice,',
    );
    terminateInstance(
      cloud,
      instance,
      'an instance was taken out of service in response to an EC2 instance rebalance recommendation or Spot Instance interruption notice.',
      hooks,
    );
  });
}

const busy = (cloud: Cloud, i: Ec2Instance): boolean =>
  i.containerInstanceArn !== undefined && tasksOn(cloud, i.containerInstanceArn).length > 0;
