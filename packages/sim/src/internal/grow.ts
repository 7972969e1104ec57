/**
 * The one growth rule of the package's typed-array pools: a new array of `length` elements of
 * the same type with the old contents copied to its front (the rest zero).
 */

/** The typed arrays the pools use. */
type PoolArray = Float64Array | Int32Array | Uint8Array;

/**
 * Returns a copy of `a` grown to `length` elements (zero-filled beyond the old contents).
 * @param a - the array to grow
 * @param length - the new length, >= `a.length`
 */
export function grown<T extends PoolArray>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
