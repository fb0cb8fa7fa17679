import type { Target } from '../state.js';

/**
 * Which registered target gets the next request of a group: round robin over the `healthy` ones.
 * When every registered target (not draining) is `unhealthy`, ALB fails open and routes to all of
 * them (target-group-health-checks: "If a target group contains only unhealthy registered targets,
 * the load balancer routes requests to all those targets, regardless of their health status.").
 * `initial`, `draining` and `unused` targets get no new requests.
 */
export function candidates(targets: Iterable<Target>): Target[] {
  const healthy: Target[] = [];
  const unhealthy: Target[] = [];
  let others = 0;
  for (const t of targets) {
    if (t.state === 'healthy') healthy.push(t);
    else if (t.state === 'unhealthy') unhealthy.push(t);
    else if (t.state === 'initial') others++;
  }
  if (healthy.length > 0) return healthy;
  return others === 0 ? unhealthy : [];
}

/** Round-robin cursors, one per target group, owned by one load balancer's data plane. */
export class RoundRobin {
  private readonly next = new Map<string, number>();

  pick(groupArn: string, targets: Iterable<Target>): Target | undefined {
    const list = candidates(targets);
    if (list.length === 0) return undefined;
    const i = this.next.get(groupArn) ?? 0;
    this.next.set(groupArn, (i + 1) % list.length);
    return list[i % list.length];
  }
}
