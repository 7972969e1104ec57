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

/** The significant digits the toolkit computes with; an input with more would be silently rounded. */
export const DECIMAL_PRECISION = 50;

/**
 * Why a value is not a usable decimal: `'type'` (not a decimal, string or number), `'syntax'` (a
 * string that is not plain decimal notation: hexadecimal, `'NaN'`, `'1,5'`, empty), `'non-finite'`
 * (NaN or an infinity) or `'precision'` (more than {@link DECIMAL_PRECISION} significant digits).
 */
export type DecimalReject = 'type' | 'syntax' | 'non-finite' | 'precision';

// plain decimal notation only: decimal.js also reads '0x10', '0b1', '0o7', 'Infinity' and 'NaN'
const DECIMAL_SYNTAX = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a value into a {@link Decimal} without throwing: the decimal, or why it is not one. For
 * hot paths that report bad input as a reason code; {@link toDecimal} is the throwing form.
 *
 * @param value - a decimal, a decimal string (plain notation, optionally with an exponent) or a
 *   finite number
 * @returns the decimal, or a {@link DecimalReject}
 *
 * @example
 * ```ts
 * parseDecimal('0.1');  // a Decimal
 * parseDecimal('0x10'); // 'syntax': hexadecimal is not a price
 * ```
 */
export function parseDecimal(value: unknown): Decimal | DecimalReject {
  const d = parseDecimalDigits(value);
  if (typeof d === 'string') return d;
  return d.sd() > DECIMAL_PRECISION ? 'precision' : d;
}

/**
 * {@link parseDecimal} without the precision limit: every digit kept. For exact comparisons that
 * need no arithmetic (is a value a multiple of a grid step), never for values that are computed on.
 * @internal
 */
export function parseDecimalDigits(value: unknown): Decimal | DecimalReject {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'non-finite';
    return new Dec(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === 'string') {
    const t = value.trim();
    if (!DECIMAL_SYNTAX.test(t)) {
      return /^[+-]?(?:nan|infinity)$/i.test(t) ? 'non-finite' : 'syntax';
    }
    const d = new Dec(t);
    return d.isFinite() ? d : 'non-finite';
  }
  if (DecimalJs.isDecimal(value)) {
    const v = value as Decimal;
    if (!v.isFinite()) return 'non-finite';
    // decimal.js clones share one prototype; the constructor decides the precision used later
    return (v as { constructor: unknown }).constructor === Dec ? v : new Dec(v.toString());
  }
  return 'type';
}

const REJECT_MESSAGE: Readonly<Record<DecimalReject, string>> = {
  type: 'must be a decimal, a string or a number',
  syntax: 'is not a decimal number in plain notation',
  'non-finite': 'must be finite',
  precision: `has more than ${DECIMAL_PRECISION} significant digits, which would be rounded`,
};

/**
 * The `ValidationError` for a {@link DecimalReject}, with the reason in `details.reason`.
 * @param reason - why the value was refused
 * @param value - the value
 * @param field - the argument's name
 * @returns the error (not thrown)
 */
export function decimalRejectError(
  reason: DecimalReject,
  value: unknown,
  field: string,
): ValidationError {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return new ValidationError(`${field} ${REJECT_MESSAGE[reason]}: ${shown}`, {
    field,
    value: DecimalJs.isDecimal(value) ? String(value) : value,
    details: { reason },
  });
}

/**
 * Converts a value to a {@link Decimal}, exactly.
 *
 * A number converts through its shortest round-trip decimal string, so `toDecimal(0.1)` is exactly
 * `0.1` and `toNumber(toDecimal(x)) === x` for every finite double. Strings must be plain decimal
 * notation (an exponent is allowed; hexadecimal, binary and octal are not), and no value may have
 * more than {@link DECIMAL_PRECISION} significant digits, so nothing is silently rounded.
 *
 * @param value - a decimal, a decimal string or a finite number
 * @param field - the argument's name, for the error
 * @returns the decimal
 * @throws {@link ValidationError} when the value is NaN, infinite, not plain decimal notation, or
 *   more precise than the toolkit computes (`details.reason` says which: a {@link DecimalReject})
 */
export function toDecimal(value: DecimalLike, field = 'value'): Decimal {
  const d = parseDecimal(value);
  if (typeof d === 'string') throw decimalRejectError(d, value, field);
  return d;
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
