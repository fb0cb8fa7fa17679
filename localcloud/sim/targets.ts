import type { Cloud } from '../cloud.js';
import { loadBalancersOfTargetGroup } from '../elb-links.js';
import type { Target, TargetGroup } from '../state.js';

export const targetKey = (id: string, port: number): string => `${id}:${port}`;

/**
 * Registers a target: `initial` until the health check passes healthyThreshold times (one
 * healthCheckMs), or `unused` when no load balancer forwards to the group, as ELB reports.
 */
export function registerTarget(
  cloud: Cloud,
  tg: TargetGroup,
  id: string,
  port: number,
  az: string | undefined,
  onHealthy?: () => void,
): Target {
  const key = targetKey(id, port);
  const existing = tg.targets.get(key);
  if (existing && existing.state !== 'draining') return existing;
  const inUse = loadBalancersOfTargetGroup(cloud, tg.arn).length > 0;
  const target: Target = {
    id,
    port,
    az,
    state: inUse ? 'initial' : 'unused',
    registeredAt: cloud.clock.now(),
  };
  tg.targets.set(key, target);
  if (inUse) {
    cloud.clock.after(cloud.timing.healthCheckMs, () => {
      if (tg.targets.get(key) !== target || target.state !== 'initial') return;
      target.state = 'healthy';
      onHealthy?.();
    });
  }
  return target;
}

/** Moves a target to `draining` for the deregistration delay, then forgets it. */
export function deregisterTarget(cloud: Cloud, tg: TargetGroup, key: string, onGone?: () => void): void {
  const target = tg.targets.get(key);
  if (!target || target.state === 'draining') return;
  if (target.state === 'unused') {
    tg.targets.delete(key);
    onGone?.();
    return;
  }
  target.state = 'draining';
  cloud.clock.after(cloud.timing.serviceDrainMs, () => {
    if (tg.targets.get(key) === target) tg.targets.delete(key);
    onGone?.();
  });
}

/**
 * After a rule change: targets of a group no load balancer uses any more become `unused`, and those
 * of a group that just got a load balancer start health checks (`initial`), as ELB reports them.
 */
export function refreshTargetUsage(cloud: Cloud, tgArns: readonly string[]): void {
  for (const arn of tgArns) {
    const tg = cloud.state.targetGroups.get(arn);
    if (!tg) continue;
    const inUse = loadBalancersOfTargetGroup(cloud, arn).length > 0;
    for (const target of tg.targets.values()) {
      if (!inUse && (target.state === 'initial' || target.state === 'healthy')) target.state = 'unused';
      else if (inUse && target.state === 'unused') {
        target.state = 'initial';
        cloud.clock.after(cloud.timing.healthCheckMs, () => {
          if (target.state === 'initial') target.state = 'healthy';
        });
      }
    }
  }
}
