import type { Cloud } from '../cloud.js';
import type { Service } from '../state.js';

/**
 * Which capacity provider a service's next task runs on, by its strategy as ECS applies it: each
 * provider's base is filled first, in strategy order; the tasks beyond go to the provider furthest
 * below its share of the weights (ties: the earlier one). A task then waits for that provider's
 * capacity only.
 */
export function providerForNextTask(cloud: Cloud, svc: Service): string | undefined {
  const strategy = svc.capacityProviderStrategy.flatMap((s) =>
    typeof s.capacityProvider === 'string'
      ? [{ name: s.capacityProvider, base: Number(s.base ?? 0), weight: Number(s.weight ?? 0) }]
      : [],
  );
  if (strategy.length <= 1) return strategy[0]?.name;
  const counts = new Map<string, number>();
  for (const t of cloud.state.tasksByService.get(svc.name) ?? []) {
    if (t.desiredStatus === 'RUNNING' && t.capacityProviderName)
      counts.set(t.capacityProviderName, (counts.get(t.capacityProviderName) ?? 0) + 1);
  }
  const below = strategy.find((s) => (counts.get(s.name) ?? 0) < s.base);
  if (below) return below.name;
  let best = strategy[0];
  let bestShare = Number.POSITIVE_INFINITY;
  for (const s of strategy) {
    if (s.weight <= 0) continue;
    const share = Math.max(0, (counts.get(s.name) ?? 0) - s.base) / s.weight;
    if (share < bestShare) {
      best = s;
      bestShare = share;
    }
  }
  return best?.name;
}
