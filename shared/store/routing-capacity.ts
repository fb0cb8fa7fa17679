import type { RoutingConfig } from '../config.js';

/**
 * Instances one listener can route: each takes one target group and one rule, an ALB holds at most
 * 100 of each (AWS quotas, the target-group one not adjustable), and a margin stays free for operators.
 */
export function routingCapacity(
  routing: Pick<RoutingConfig, 'rulesPerListener' | 'targetGroupsPerAlb' | 'margin'>,
) {
  return Math.max(0, Math.min(routing.rulesPerListener, routing.targetGroupsPerAlb) - routing.margin);
}
