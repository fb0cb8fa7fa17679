import type { Cloud } from '../cloud.js';
import { loadBalancersOfTargetGroup } from '../elb-links.js';
import { startHealthChecks } from '../runtime/health-checks.js';
import type { LoopbackEndpoint, Target, TargetGroup } from '../state.js';

export const targetKey = (id: string, port: number): string => `${id}:${port}`;

/**
 * Starts a target's health checks: measured ones against its endpoint when a task runtime runs it,
 * else the simulated timer (`initial` -> `healthy` after healthCheckMs), for `none` and for targets
 * registered by hand, which have no process here.
 */
export function checkHealth(...args: Parameters<typeof startHealthChecks>): void {
  const [cloud, tg, key, target, onChange] = args;
  if (target.endpoint && cloud.dataPlane.kind !== 'none') {
    startHealthChecks(...args);
    return;
  }
  cloud.clock.after(cloud.timing.healthCheckMs, () => {
    if (tg.targets.get(key) !== target || target.state !== 'initial') return;
    target.state = 'healthy';
    onChange?.();
  });
}

/**
 * Registers a target: `initial` until its health checks pass, or `unused` when no load balancer
 * forwards to the group, as ELB reports. onChange runs whenever its health state changes.
 */
export function registerTarget(
  cloud: Cloud,
  tg: TargetGroup,
  id: string,
  port: number,
  az: string | undefined,
  onChange?: () => void,
  endpoint?: LoopbackEndpoint,
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
    endpoint,
  };
  tg.targets.set(key, target);
  if (inUse) checkHealth(cloud, tg, key, target, onChange);
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
  target.health = undefined;
  forgetAfterDrain(cloud, tg, key, target, onGone);
}

/** A draining target leaves the group after the deregistration delay (also a restored one). */
export function forgetAfterDrain(
  cloud: Cloud,
  tg: TargetGroup,
  key: string,
  target: Target,
  onGone?: () => void,
): void {
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
    for (const [key, target] of tg.targets) {
      if (!inUse && target.state !== 'draining' && target.state !== 'unused') {
        target.state = 'unused';
        target.health = undefined;
      } else if (inUse && target.state === 'unused') {
        target.state = 'initial';
        checkHealth(cloud, tg, key, target);
      }
    }
  }
}
