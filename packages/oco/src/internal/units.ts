/**
 * Exact conversion of decimal quantities and prices to integer grid units (lots, ticks), with a
 * fast path for decimal strings when the grid step is a power of ten (0.01, 0.001, 1...): the
 * digits are read directly, no big-decimal arithmetic. Anything else goes through the
 * instrument's exact decimal conversion. Both paths reject off-grid values with the same typed
 * error.
 */
import { type Decimal, type DecimalLike, ValidationError } from '@x/core';

const PLAIN = /^(\d{1,15})(?:\.(\d{1,30}))?$/;

/** Converts a decimal to integer units of a grid step; throws ValidationError off the grid. */
export type UnitParser = (value: DecimalLike, field: string) => number;

/**
 * Builds a parser for one grid step.
 * @param step - the grid step (tick or lot size), > 0
 * @param slow - the exact decimal conversion (the instrument's `priceToTicks` / `qtyToLots`)
 * @returns the parser
 */
export function unitParser(step: Decimal, slow: (v: DecimalLike) => number): UnitParser {
  // step = 10^-k for some integer k >= 0?
  let k = -1;
  for (let i = 0; i <= 18; i++) {
    if (step.times(10 ** i).eq(1)) {
      k = i;
      break;
    }
  }
  if (k < 0) return (v) => slow(v);
  return (v, field) => {
    if (typeof v === 'string') {
      const m = PLAIN.exec(v);
      if (m !== null) {
        const frac = m[2] ?? '';
        if (frac.length <= k || /^0*$/.test(frac.slice(k))) {
          const digits = m[1]! + frac.slice(0, k).padEnd(k, '0');
          const n = Number(digits);
          if (Number.isSafeInteger(n)) return n;
        } else {
          throw new ValidationError(`${field} ${v} is not a multiple of ${step.toString()}`, {
            field,
            value: v,
          });
        }
      }
    }
    return slow(v);
  };
}
