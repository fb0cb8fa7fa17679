/**
 * What a housekeeping undo could not remove, carried beside its error (never inside the message) so the
 * delete saga can record it on the instance for the reconciler.
 */
const carried = new WeakMap<object, string[]>();

export function withLeftovers<E>(error: E, resources: string[]): E {
  if (typeof error === 'object' && error !== null) carried.set(error, resources);
  return error;
}

export function leftoversOf(error: unknown): string[] | undefined {
  return typeof error === 'object' && error !== null ? carried.get(error) : undefined;
}
