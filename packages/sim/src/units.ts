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

declare const unit: unique symbol;

/**
 * A price counted in ticks: multiply by the tick size to get the price. The order-flow generator
 * emits these when it has no instrument; a `Ticks` is still a number for arithmetic, and its
 * type says what the number is.
 */
export type Ticks = number & {
  /** The unit (a compile-time tag only: there is no such property at run time). */
  readonly [unit]: 'ticks';
};

/** A size counted in lots: multiply by the lot size to get the quantity (see {@link Ticks}). */
export type Lots = number & {
  /** The unit (a compile-time tag only). */
  readonly [unit]: 'lots';
};
