/**
 * Row selection of target vectors and the mapping of a model's classes onto an ensemble's.
 *
 * @module
 */
import { ValidationError } from '@x/core';

/** Position of each of `sub`'s classes among `all`. */
export function columnMap(sub: Int32Array, all: Int32Array): Int32Array {
  const out = new Int32Array(sub.length);
  for (let c = 0; c < sub.length; c++) {
    const k = all.indexOf(sub[c]!);
    if (k < 0)
      throw new ValidationError(`member predicted unknown class ${sub[c]}`, { field: 'classes' });
    out[c] = k;
  }
  return out;
}

/** `a[rows]`. */
export function pick<T extends Float64Array | Int32Array>(a: T, rows: Int32Array): T {
  const out = new (a.constructor as { new (n: number): T })(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]!]!;
  return out;
}
