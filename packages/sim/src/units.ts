/**
 * Integer ticks and lots to numbers in the analytics domain, correctly rounded.
 *
 * @module
 */
import { scale, scaleOf } from './internal/scale.js';

/**
 * Converts integer units (ticks or lots) to the nearest double of `units × step`. Exact when
 * `step` is an integer or the reciprocal of one (0.01, 0.5, 0.0001...), since then the result is
 * one correctly rounded division of exact integers.
 * @param units - ticks or lots
 * @param step - tick size or lot size as a number
 * @returns the price or quantity as a number
 */
export function unitsToNumber(units: number, step: number): number {
  return scale(units, step, scaleOf(step));
}
