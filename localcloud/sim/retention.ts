import type { Cloud } from '../cloud.js';

/**
 * AWS keeps stopped tasks, INACTIVE services and terminated instances describable for about an hour,
 * then forgets them. Same here (an hour of AWS time, scaled, at least 10 s), so state stays bounded.
 */
const AWS_RETENTION_MS = 3_600_000;

export function forgetOld(cloud: Cloud): void {
  const now = cloud.clock.now();
  const cutoff = now - Math.max(10_000, AWS_RETENTION_MS * cloud.timingConfig.timeScale);
  const s = cloud.state;
  for (const [arn, t] of s.tasks) {
    if (t.lastStatus !== 'STOPPED' || (t.stoppedAt ?? now) > cutoff) continue;
    s.tasks.delete(arn);
    if (t.serviceName) s.tasksByService.get(t.serviceName)?.delete(t);
  }
  for (const [name, svc] of s.services) {
    if (svc.status !== 'INACTIVE' || (svc.inactiveAt ?? now) > cutoff) continue;
    if ((s.tasksByService.get(name)?.size ?? 0) === 0) {
      s.services.delete(name);
      s.tasksByService.delete(name);
    }
  }
  for (const [arn, ci] of s.containerInstances) {
    const ec2 = s.instances.get(ci.ec2InstanceId);
    if (
      ci.status !== 'INACTIVE' ||
      !ec2 ||
      ec2.lifecycle !== 'Terminated' ||
      (ec2.terminatedAt ?? now) > cutoff
    )
      continue;
    s.containerInstances.delete(arn);
    s.tasksByInstance.delete(arn);
    s.instances.delete(ec2.id);
  }
  // Warm pool instances that never left the pool never registered: nothing else forgets them.
  for (const [id, i] of s.instances) {
    if (i.lifecycle === 'Warmed:Terminated' && (i.terminatedAt ?? now) <= cutoff) s.instances.delete(id);
  }
}
