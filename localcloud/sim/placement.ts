import type { Cloud } from '../cloud.js';
import type { ContainerInstance, Task } from '../state.js';
import { misfit, remaining } from './resources.js';

export type Placement =
  | { ok: true; instance: ContainerInstance }
  | { ok: false; closest?: ContainerInstance; reason?: 'memory' | 'CPU' | 'ENI' };

/**
 * binpack on memory, as the service's placement strategy asks: among ACTIVE, connected instances
 * in an allowed AZ where the task fits (CPU, memory, one ENI for awsvpc), pick the one with the least memory left.
 */
export function choosePlacement(cloud: Cloud, task: Task, azs?: ReadonlySet<string | undefined>): Placement {
  let best: { ci: ContainerInstance; memory: number } | undefined;
  let closest: { ci: ContainerInstance; memory: number; reason: 'memory' | 'CPU' | 'ENI' } | undefined;
  for (const ci of cloud.state.containerInstances.values()) {
    if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
    // A task assigned to a capacity provider runs only on that provider's instances.
    const provider = ci.capacityProviderName ?? cloud.capacityProviderName;
    if (task.capacityProviderName && provider !== task.capacityProviderName) continue;
    // awsvpc tasks only land in the AZs of the service's subnets.
    if (azs && !azs.has(ci.az)) continue;
    const r = remaining(cloud, ci);
    const why = misfit(r, task);
    if (why === undefined) {
      if (!best || r.memory < best.memory) best = { ci, memory: r.memory };
    } else if (!closest || r.memory > closest.memory) {
      closest = { ci, memory: r.memory, reason: why };
    }
  }
  if (best) return { ok: true, instance: best.ci };
  return closest ? { ok: false, closest: closest.ci, reason: closest.reason } : { ok: false };
}
