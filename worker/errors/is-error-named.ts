/**
 * True when `error` is an Error-like object with this `name`. Errors cross process and package
 * boundaries (BullMQ re-hydrates failed jobs, two copies of a library may be loaded), so a check by
 * `instanceof` alone misses them; every class here sets a stable `name`.
 */
export function isErrorNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
