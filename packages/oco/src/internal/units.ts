/**
 * The price/quantity grid codec of the manager, on `@x/core`'s grid rule (`Instrument.priceGrid`
 * and `qtyGrid`, the codec `Instrument.checkOrder` and `@x/sim` use), so the three can never
 * disagree about what is on the grid. What the manager adds is the ledger side:
 * - on-grid values are whole multiples of the step whose unit count is a safe integer
 *   (|n| ≤ 2^53 − 1), otherwise a `ValidationError` names the field and the problem (core's
 *   `GridReject` in `details.reason`);
 * - a fill price is a fact from the venue: on or off the grid, in exact ticks ({@link Exact}: a
 *   safe integer on core's fast path, an exact high-precision decimal past it);
 * - market data in ticks as a double (a last price between two ticks is fine), read without
 *   big-decimal arithmetic for plain decimal strings and numbers on a power-of-ten grid.
 *
 * Input is a finite number, a {@link Decimal}, or a plain decimal string: hexadecimal, `Infinity`,
 * `NaN`, empty strings and more than 50 significant digits (which would be rounded silently) are
 * refused, as core's `parseDecimal` does.
 */
import {
  type Decimal,
  type DecimalLike,
  decimalRejectError,
  type Grid,
  type Instrument,
  parseDecimal,
  ValidationError,
} from '@x/core';
import { canon, type Exact, XDec } from './exact.js';

/**
 * Reads a decimal input strictly (see the module notes), for arithmetic in the ledger's precision.
 * @param value - a finite number, a decimal, or a plain decimal string
 * @param field - the field name for the error
 * @returns the exact decimal (of the high-precision ledger constructor)
 * @throws `ValidationError` for anything else, or a magnitude outside 1e±300
 */
export function strictDecimal(value: unknown, field: string): Decimal {
  const d = parseDecimal(value);
  if (typeof d === 'string') throw decimalRejectError(d, value, field);
  if (!d.isZero() && (d.e > 300 || d.e < -300)) {
    throw new ValidationError(`${field} is out of range`, { field, value: String(value) });
  }
  return new XDec(d);
}

/** Exact conversions between decimals and the integer units of one instrument's grids. */
export interface GridCodec {
  /** The instrument. */
  readonly inst: Instrument;
  /** A quantity in whole lots (throws off the lot grid or outside the safe integer range). */
  lots(value: DecimalLike, field: string): number;
  /** A price in whole ticks (throws off the tick grid or outside the safe integer range). */
  ticks(value: DecimalLike, field: string): number;
  /** A price in exact ticks, on or off the grid (a fill price is a fact from the venue). */
  exactTicks(value: DecimalLike, field: string): Exact;
  /** A price in ticks as a double (market data: may be fractional; ±Infinity past the range). */
  approxTicks(value: DecimalLike, field: string): number;
  /** Whole lots as an exact decimal string in plain notation. */
  formatLots(lots: number): string;
  /** Whole ticks as an exact decimal string in plain notation. */
  formatTicks(ticks: number): string;
}

/**
 * Builds the codec of one instrument.
 * @param inst - the instrument
 * @returns the codec
 */
export function gridCodec(inst: Instrument): GridCodec {
  const lot: Grid = inst.qtyGrid;
  const tick: Grid = inst.priceGrid;
  const tickX = new XDec(tick.step);
  return {
    inst,
    lots: (v, field) => lot.toUnits(v, field),
    ticks: (v, field) => tick.toUnits(v, field),
    exactTicks(v, field) {
      const r = tick.parse(v);
      if (typeof r === 'number') return r;
      // off the grid, or on it past 2^53 ticks: exact in the ledger's precision
      if (r === 'off-grid' || r === 'out-of-range')
        return canon(strictDecimal(v, field).div(tickX));
      throw tick.rejectError(r, v, field);
    },
    approxTicks(v, field) {
      const r = tick.ratio(v);
      if (typeof r === 'number') return r;
      throw decimalRejectError(r, v, field);
    },
    formatLots: (n) => lot.format(n),
    formatTicks: (n) => tick.format(n),
  };
}
