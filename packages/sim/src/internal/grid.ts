/**
 * Exact conversion of an order's decimal price or quantity to integer ticks or lots, with the
 * same rules as core's `Instrument.checkOrder` (grid membership by exact remainder, never by a
 * rounded quotient) and two stricter input rules:
 *
 * - strings must be plain decimal notation (`'12.5'`, `'-3'`, `'1e-3'`): decimal.js would also
 *   read `'0x10'`, `'0b11'` and `'0o7'` as binary-radix numbers, which no venue sends;
 * - a value that is more than 2^53 − 1 steps is `out-of-range` (the integer book cannot hold it
 *   exactly), checked before the grid so that a huge value never costs a long remainder.
 *
 * Candidate to move to core's `Instrument` grid codec (issue 10): written here, small, because
 * sim may not edit core.
 */
import { type Decimal, type DecimalLike, toDecimal } from '@x/core';

/** Plain decimal notation, optionally signed, with an optional exponent. */
const DECIMAL_STRING = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Why a value could not become units, with the message the reject will carry. */
export interface GridFailure {
  readonly reason:
    | 'invalid-order'
    | 'non-positive-price'
    | 'non-positive-qty'
    | 'off-tick'
    | 'off-lot'
    | 'out-of-range';
  readonly message: string;
}

/** What the price or quantity is, for the failures and their messages. */
export interface GridKind {
  /** `'price'`, `'stopPrice'` or `'qty'`. */
  readonly field: string;
  /** The step: the tick size for prices, the lot size for quantities. */
  readonly step: Decimal;
  /** `'tick'` or `'lot'`, for messages. */
  readonly unit: string;
  /** Largest exact value: step × (2^53 − 1). */
  readonly max: Decimal;
  readonly nonPositive: 'non-positive-price' | 'non-positive-qty';
  readonly offGrid: 'off-tick' | 'off-lot';
}

/** Builds the description of one grid (price or quantity) of an instrument. */
export function gridKind(field: string, step: Decimal, unit: 'tick' | 'lot'): GridKind {
  return {
    field,
    step,
    unit,
    max: step.times(Number.MAX_SAFE_INTEGER),
    nonPositive: unit === 'tick' ? 'non-positive-price' : 'non-positive-qty',
    offGrid: unit === 'tick' ? 'off-tick' : 'off-lot',
  };
}

/** A short, safe rendering of any input value for a message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  try {
    const s = String(value);
    return s.length > 40 ? `${s.slice(0, 40)}…` : s;
  } catch {
    return typeof value;
  }
}

/**
 * The value as an integer number of steps, or why it is not one.
 * @param value - a decimal, a plain decimal string or a finite number (anything else is refused)
 * @param g - the grid
 */
export function toGridUnits(value: DecimalLike, g: GridKind): number | GridFailure {
  if (typeof value === 'string' && !DECIMAL_STRING.test(value)) {
    return fail('invalid-order', `${g.field} ${describeValue(value)} is not a decimal number`);
  }
  let d: Decimal;
  try {
    d = toDecimal(value, g.field);
  } catch (e) {
    const why = e instanceof Error ? e.message : `${g.field} is not a decimal`;
    return fail('invalid-order', `${why} (got ${describeValue(value)})`);
  }
  if (!d.gt(0)) return fail(g.nonPositive, `${g.field} must be > 0 (got ${d.toString()})`);
  if (d.gt(g.max)) {
    return fail(
      'out-of-range',
      `${g.field} ${d.toString()} is more than 2^53 − 1 ${g.unit}s of ${g.step.toString()}: beyond the exact range`,
    );
  }
  if (!d.mod(g.step).isZero()) {
    return fail(
      g.offGrid,
      `${g.field} ${d.toString()} is not a multiple of the ${g.unit} size ${g.step.toString()}`,
    );
  }
  return d.div(g.step).toNumber();
}

function fail(reason: GridFailure['reason'], message: string): GridFailure {
  return { reason, message };
}
