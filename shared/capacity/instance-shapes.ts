import type { InstanceShape } from './reservation.js';

/**
 * Registered resources of the instance types the platform launches (what the ECS agent registers:
 * memory after its own reservation; ENIs for awsvpc tasks, the primary one excluded). Used to estimate
 * the instances waiting tasks need before any instance of a type has registered.
 */
export const KNOWN_SHAPES: Readonly<Record<string, Required<InstanceShape>>> = {
  'c7i-flex.large': { cpu: 2048, memory: 3828, enis: 2 },
  'm7i-flex.large': { cpu: 2048, memory: 7763, enis: 2 },
};

/**
 * Task ENIs an instance of `type` holds. An unknown type is taken as 2, the count without trunking:
 * it under-counts a trunked instance rather than promise slots it may not have.
 */
export function taskEnisOf(type: string): number {
  return KNOWN_SHAPES[type]?.enis ?? 2;
}

/** The smallest shape the group can launch: ECS's conservative estimate for new instances. */
export function smallestShape(
  types: readonly string[],
  observed: Readonly<Record<string, InstanceShape>>,
): InstanceShape {
  const shapes = types.map((t) => observed[t] ?? KNOWN_SHAPES[t]).filter((s) => s !== undefined);
  if (shapes.length === 0) return KNOWN_SHAPES['c7i-flex.large']!;
  return shapes.reduce((a, b) => (b.memory < a.memory || (b.memory === a.memory && b.cpu < a.cpu) ? b : a));
}
