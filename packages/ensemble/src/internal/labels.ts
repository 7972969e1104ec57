/**
 * Integer class labels: sorted distinct classes and each row's class index.
 *
 * @module
 */
import { ValidationError } from '@x/core';

/** Sorted classes and the index of each row's class among them. */
export function encodeLabels(
  y: ArrayLike<number>,
  n: number,
): { classes: Int32Array; codes: Int32Array } {
  if (y.length !== n)
    throw new ValidationError(`y has ${y.length} labels for ${n} samples`, { field: 'y' });
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v))
      throw new ValidationError(`y[${i}] is not an integer label`, { field: 'y', value: v });
    seen.add(v);
  }
  const classes = Int32Array.from(seen).sort();
  const index = new Map<number, number>();
  for (let k = 0; k < classes.length; k++) index.set(classes[k]!, k);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(y[i]!)!;
  return { classes, codes };
}
