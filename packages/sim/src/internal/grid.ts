/**
 * The engine's reading of an order's decimal price or quantity as integer ticks or lots: core's
 * exact grid codec (`Instrument.priceGrid` / `qtyGrid`, the rule `Instrument.checkOrder` uses),
 * with its verdicts mapped to the engine's reject reasons and messages. Strings must be plain
 * decimal notation (no `'0x10'`), grid membership is decided on every digit, and a value beyond
 * 2^53 − 1 steps is `out-of-range`.
 */
import type { Decimal, DecimalLike, Grid } from '@x/core';

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
  /** Core's codec for this grid. */
  readonly grid: Grid;
  /** `'price'`, `'stopPrice'` or `'qty'`. */
  readonly field: string;
  /** The step: the tick size for prices, the lot size for quantities. */
  readonly step: Decimal;
  /** `'tick'` or `'lot'`, for messages. */
  readonly unit: string;
  readonly nonPositive: 'non-positive-price' | 'non-positive-qty';
  readonly offGrid: 'off-tick' | 'off-lot';
}

/** Builds the description of one grid (price or quantity) of an instrument. */
export function gridKind(field: string, grid: Grid, unit: 'tick' | 'lot'): GridKind {
  return {
    grid,
    field,
    step: grid.step,
    unit,
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

/** True when a value that has no units is negative or zero (its sign, without arithmetic). */
function nonPositive(value: unknown): boolean {
  if (typeof value === 'number') return value <= 0;
  if (typeof value === 'string')
    return /^\s*-/.test(value) || !/[1-9]/.test(value.split(/[eE]/)[0]!);
  return (value as Decimal).lte(0);
}

/**
 * The value as an integer number of steps, or why it is not one.
 * @param value - a decimal, a plain decimal string or a finite number (anything else is refused)
 * @param g - the grid
 */
export function toGridUnits(value: DecimalLike, g: GridKind): number | GridFailure {
  const r = g.grid.parse(value);
  const shown = describeValue(value);
  if (typeof r === 'number') {
    return r > 0 ? r : fail(g.nonPositive, `${g.field} must be > 0 (got ${shown})`);
  }
  if (r === 'type' || r === 'syntax' || r === 'non-finite') {
    const why = g.grid.rejectError(r, value, g.field).message;
    return fail('invalid-order', `${g.field} ${shown} is not a decimal number (${why})`);
  }
  if (nonPositive(value)) return fail(g.nonPositive, `${g.field} must be > 0 (got ${shown})`);
  if (r === 'off-grid') {
    return fail(
      g.offGrid,
      `${g.field} ${shown} is not a multiple of the ${g.unit} size ${g.step.toString()}`,
    );
  }
  return fail(
    'out-of-range',
    `${g.field} ${shown} is more than 2^53 − 1 ${g.unit}s of ${g.step.toString()}: beyond the exact range${r === 'precision' ? ' (and more digits than the toolkit computes with)' : ''}`,
  );
}

function fail(reason: GridFailure['reason'], message: string): GridFailure {
  return { reason, message };
}
