/**
 * Compile-time agreement between a zod schema and the shared type it describes: `agrees<Same<A, B>>`
 * fails to compile when the two part ways, so the document cannot drift from the code.
 */

/** Every property required, all the way down, so an optional field one side lacks is still seen. */
type DeepRequired<T> = T extends readonly (infer U)[]
  ? DeepRequired<U>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<T[K]> }
    : T;

/** True only when each type is assignable to the other, optional fields included. */
export type Same<A, B> = [DeepRequired<A>] extends [DeepRequired<B>]
  ? [DeepRequired<B>] extends [DeepRequired<A>]
    ? true
    : false
  : false;

export const agrees = <T extends true>(_: T) => undefined;
