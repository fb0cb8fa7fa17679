import type { ContainerInstanceInfo, Utilisation } from './sample-types.js';

/**
 * Reserved against registered CPU and memory: how much of what we pay for the tasks hold. Only ACTIVE
 * and DRAINING container instances count (an INACTIVE one is gone from the bill).
 */
export function computeUtilisation(
  instances: readonly Pick<ContainerInstanceInfo, 'status' | 'registered' | 'remaining'>[],
): Utilisation {
  const registered = { cpu: 0, memory: 0 };
  const reserved = { cpu: 0, memory: 0 };
  for (const ci of instances) {
    if (ci.status === 'INACTIVE') continue;
    registered.cpu += ci.registered.cpu;
    registered.memory += ci.registered.memory;
    reserved.cpu += ci.registered.cpu - ci.remaining.cpu;
    reserved.memory += ci.registered.memory - ci.remaining.memory;
  }
  const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);
  return {
    registered,
    reserved,
    percent: { cpu: pct(reserved.cpu, registered.cpu), memory: pct(reserved.memory, registered.memory) },
  };
}
