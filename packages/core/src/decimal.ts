/**
 * Exact decimals for the order domain (prices, quantities, notionals) and explicit conversions to
 * the plain numbers of the analytics domain.
 *
 * The toolkit uses its own `decimal.js` constructor ({@link Dec}: 50 significant digits, half-even
 * rounding) so that a caller's global `Decimal.set(...)` never changes our arithmetic. Values from
 * any `decimal.js` copy are accepted as input.
 *
 * @module
 */
import { Decimal as DecimalJs } from 'decimal.js';
import { ValidationError } from './errors.js';

/** An exact decimal value (a `decimal.js` instance). */
export type Decimal = DecimalJs;

/** Anything that converts exactly to a {@link Decimal}: a decimal, a decimal string, or a finite number. */
export type DecimalLike = Decimal | string | number;

/**
 * The toolkit's decimal constructor: 50 significant digits, half-even rounding, plain notation
 * for exponents in [-30, 30).
 *
 * @example
 * ```ts
 * Dec('0.1').plus('0.2').toString(); // '0.3'
 * ```
 */
export const Dec = DecimalJs.clone({
  precision: 50,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 30,
});

/** Zero, as a {@link Decimal}. */
export const DECIMAL_ZERO: Decimal = new Dec(0);

/** How to round a value onto a grid: toward -inf, toward +inf, toward or away from zero, or to the nearest with ties to even or away from zero. */
export type RoundingDirection =
  | 'floor'
  | 'ceil'
  | 'toward-zero'
  | 'away-from-zero'
  | 'half-even'
  | 'half-up';

const MODES: Readonly<Record<RoundingDirection, DecimalJs.Rounding>> = {
  floor: DecimalJs.ROUND_FLOOR,
  ceil: DecimalJs.ROUND_CEIL,
  'toward-zero': DecimalJs.ROUND_DOWN,
  'away-from-zero': DecimalJs.ROUND_UP,
  'half-even': DecimalJs.ROUND_HALF_EVEN,
  'half-up': DecimalJs.ROUND_HALF_UP,
};

/**
 * Converts a value to a {@link Decimal}, exactly.
 *
 * A number converts through its shortest round-trip decimal string, so `toDecimal(0.1)` is exactly
 * `0.1` and `toNumber(toDecimal(x)) === x` for every finite double.
 *
 * @param value - a decimal, a decimal string or a finite number
 * @param field - the argument's name, for the error
 * @returns the decimal
 * @throws {@link ValidationError} when the value is NaN, infinite or not a number string
 */
export function toDecimal(value: DecimalLike, field = 'value'): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValidationError(`${field} must be finite`, { field, value });
    }
    return new Dec(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === 'string') {
    let d: Decimal;
    try {
      d = new Dec(value.trim());
    } catch (cause) {
      throw new ValidationError(`${field} is not a decimal number: '${value}'`, {
        field,
        value,
        cause,
      });
    }
    if (!d.isFinite()) throw new ValidationError(`${field} must be finite`, { field, value });
    return d;
  }
  if (DecimalJs.isDecimal(value)) {
    if (!value.isFinite()) {
      throw new ValidationError(`${field} must be finite`, { field, value: value.toString() });
    }
    // decimal.js clones share one prototype; the constructor decides the precision used later
    return (value as { constructor: unknown }).constructor === Dec
      ? value
      : new Dec(value.toString());
  }
  throw new ValidationError(`${field} must be a decimal, a string or a number`, { field, value });
}

/**
 * Converts a decimal to the nearest double for analytics.
 *
 * @param value - the decimal (or decimal-like) value
 * @param field - the argument's name, for the error
 * @returns the nearest double
 * @throws {@link ValidationError} when the value overflows the double range
 */
export function toNumber(value: DecimalLike, field = 'value'): number {
  const n = toDecimal(value, field).toNumber();
  if (!Number.isFinite(n)) {
    throw new ValidationError(`${field} overflows a double`, { field, value: String(value) });
  }
  return n;
}

/**
 * Rounds `value` to a multiple of `step` in the given direction, exactly.
 *
 * @param value - the value to round
 * @param step - the grid step, > 0
 * @param direction - which way to round
 * @returns the rounded multiple of `step`
 * @throws {@link ValidationError} when `step` is not positive
 *
 * @example
 * ```ts
 * roundToStep('100.037', '0.01', 'floor').toString(); // '100.03'
 * ```
 */
export function roundToStep(
  value: DecimalLike,
  step: DecimalLike,
  direction: RoundingDirection,
): Decimal {
  const v = toDecimal(value);
  const s = toDecimal(step, 'step');
  if (!s.gt(0))
    throw new ValidationError('step must be > 0', { field: 'step', value: s.toString() });
  const mode = MODES[direction];
  if (mode === undefined) {
    throw new ValidationError(`unknown rounding direction '${String(direction)}'`, {
      field: 'direction',
      value: direction,
    });
  }
  return v.div(s).toDecimalPlaces(0, mode).times(s);
}

/**
 * True when `value` is an exact multiple of `step`.
 * @param value - the value to test
 * @param step - the grid step, > 0
 */
export function isMultipleOf(value: DecimalLike, step: DecimalLike): boolean {
  return toDecimal(value).mod(toDecimal(step, 'step')).isZero();
}
