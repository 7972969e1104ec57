/**
 * The exact codec between decimal values and integer units of a grid step (ticks of a price grid,
 * lots of a quantity grid): the one rule the matching engine, the order manager and
 * {@link Instrument.checkOrder} share, so that they can never disagree about what is on the grid.
 *
 * @module
 */
import {
  DECIMAL_PRECISION,
  Dec,
  type Decimal,
  type DecimalLike,
  type DecimalReject,
  decimalRejectError,
  parseDecimal,
  parseDecimalDigits,
  type RoundingDirection,
  roundToStep,
  toDecimal,
} from './decimal.js';
import { ValidationError } from './errors.js';

/**
 * Why a value has no integer number of grid units: a {@link DecimalReject} (not a usable decimal;
 * `'precision'` only for a value on the grid with more than 50 significant digits, since grid
 * membership is decided exactly on every digit), `'off-grid'` (not an exact multiple of the step)
 * or `'out-of-range'` (a multiple, but more units than a safe integer holds: use
 * {@link Grid.toBigUnits} for those).
 */
export type GridReject = DecimalReject | 'off-grid' | 'out-of-range';

const CACHE_LIMIT = 4096;
// below 2^50 units, neighbouring grid points are at least four doubles apart, so a double that
// rounds back from units / 10^k is that grid point and no other
const FAST_NUMBER_LIMIT = 2 ** 50;

/**
 * One grid: a step > 0 and exact conversions to and from integer units of it.
 *
 * When the step is a power of ten (0.01, 0.001, 1, 100 ...) decimal strings and numbers convert
 * without big-decimal arithmetic; everything else, and anything the fast path cannot decide
 * exactly, goes through `decimal.js`. Both paths give the same answer for every input.
 *
 * @example
 * ```ts
 * const ticks = new Grid('0.01', 'price');
 * ticks.parse('100.25');          // 10025
 * ticks.parse('100.255');         // 'off-grid'
 * ticks.parse('0x10');            // 'syntax': toUnits would throw a ValidationError saying so
 * ticks.fromUnits(10025).toString(); // '100.25'
 * ```
 */
export class Grid {
  /** The grid step. */
  readonly step: Decimal;
  /** The name of what lies on this grid (`'price'`, `'qty'`), used in error messages. */
  readonly field: string;
  /** k when the step is 10^-k for 0 <= k <= 15 (1, 0.1, ... 1e-15); `null` otherwise (0.5, 25, 100: the exact path). */
  readonly decimals: number | null;
  private readonly scale: number;
  private readonly decimalsCache = new Map<number, Decimal>();

  /**
   * @param step - the step, > 0
   * @param field - what lies on the grid, for error messages
   * @throws {@link ValidationError} when the step is not a positive decimal
   */
  constructor(step: DecimalLike, field: string) {
    this.step = toDecimal(step, `${field} step`);
    if (!this.step.gt(0)) {
      throw new ValidationError(`${field} step must be > 0`, {
        field: `${field} step`,
        value: this.step.toString(),
      });
    }
    this.field = field;
    const k = -this.step.e;
    this.decimals = k >= 0 && k <= 15 && this.step.eq(new Dec(10).pow(-k)) ? k : null;
    this.scale = this.decimals === null ? 0 : 10 ** this.decimals;
  }

  /**
   * The value in integer units of the step, or why it has none. Never throws; allocates nothing on
   * the fast path (power-of-ten step, plain decimal string or number).
   * @param value - a decimal, decimal string or number
   * @returns the units (a safe integer, any sign), or a {@link GridReject}
   */
  parse(value: unknown): number | GridReject {
    const k = this.decimals;
    if (k !== null) {
      if (typeof value === 'number') {
        if (value - value === 0) {
          const n = Math.round(value * this.scale);
          if (Math.abs(n) < FAST_NUMBER_LIMIT) {
            if (n / this.scale === value) return n === 0 ? 0 : n;
            // not representable as n ticks: off the grid unless the double is an edge case
            if (Math.abs(value * this.scale - n) > 1e-6) return 'off-grid';
          }
        }
      } else if (typeof value === 'string') {
        const r = this.parsePlain(value, k);
        if (r !== null) return r;
      }
    }
    return this.parseExact(value);
  }

  /**
   * The value in integer units of the step.
   * @param value - a decimal, decimal string or number on the grid
   * @param field - the argument's name for the error (the grid's field by default)
   * @returns the units, a safe integer
   * @throws {@link ValidationError} naming the problem (`details.reason` is the {@link GridReject})
   */
  toUnits(value: DecimalLike, field = this.field): number {
    const r = this.parse(value);
    if (typeof r === 'number') return r;
    throw this.rejectError(r, value, field);
  }

  /**
   * The value in integer units of the step, exactly, whatever its size.
   * @param value - a decimal, decimal string or number on the grid
   * @param field - the argument's name for the error
   * @returns the units as a bigint
   * @throws {@link ValidationError} when the value is not a usable decimal or is off the grid
   */
  toBigUnits(value: DecimalLike, field = this.field): bigint {
    const d = parseDecimalDigits(value);
    if (typeof d === 'string') throw decimalRejectError(d, value, field);
    if (!d.mod(this.step).isZero()) throw this.rejectError('off-grid', value, field);
    if (d.sd() > DECIMAL_PRECISION) throw decimalRejectError('precision', value, field);
    return BigInt(d.div(this.step).toFixed(0));
  }

  /**
   * The decimal value of an integer number of units, exactly (cached for recent values).
   * @param units - a safe integer
   * @returns `units × step`
   * @throws {@link ValidationError} when `units` is not a safe integer
   */
  fromUnits(units: number): Decimal {
    let d = this.decimalsCache.get(units);
    if (d === undefined) {
      if (!Number.isSafeInteger(units)) {
        throw new ValidationError(`${this.field} units must be a safe integer`, {
          field: `${this.field} units`,
          value: units,
        });
      }
      d = this.step.times(units);
      if (this.decimalsCache.size >= CACHE_LIMIT) this.decimalsCache.clear();
      this.decimalsCache.set(units, d);
    }
    return d;
  }

  /**
   * The decimal value of a bigint number of units, exactly.
   * @param units - any bigint
   * @returns `units × step`
   */
  fromBigUnits(units: bigint): Decimal {
    return this.step.times(units.toString());
  }

  /**
   * True when the value is an exact multiple of the step (any size).
   * @param value - the value
   */
  isOnGrid(value: DecimalLike): boolean {
    const r = this.parse(value);
    // 'out-of-range' and 'precision' are only ever said of values on the grid
    return typeof r === 'number' || r === 'out-of-range' || r === 'precision';
  }

  /**
   * Rounds a value onto the grid.
   * @param value - the value
   * @param direction - which way
   * @returns a multiple of the step
   */
  round(value: DecimalLike, direction: RoundingDirection): Decimal {
    return roundToStep(value, this.step, direction);
  }

  /**
   * The value divided by the step as the nearest double, on or off the grid: for market data
   * (a last price between two ticks), never for amounts that must be exact. Never throws;
   * allocates nothing for on-grid plain decimal strings and numbers on a power-of-ten step.
   * @param value - a decimal, decimal string or number
   * @returns `value / step` rounded to a double (±Infinity past the double range), or the
   *   {@link DecimalReject} of a value that is not a usable decimal
   *
   * @example
   * ```ts
   * const ticks = new Grid('0.01', 'price');
   * ticks.ratio('100.25');  // 10025
   * ticks.ratio('100.255'); // 10025.5
   * ticks.ratio('0x10');    // 'syntax'
   * ```
   */
  ratio(value: unknown): number | DecimalReject {
    const k = this.decimals;
    if (k !== null) {
      if (typeof value === 'number') {
        if (value - value === 0) {
          const n = Math.round(value * this.scale);
          if (Math.abs(n) < FAST_NUMBER_LIMIT && n / this.scale === value) return n === 0 ? 0 : n;
        }
      } else if (typeof value === 'string') {
        const r = this.ratioPlain(value, k);
        if (r !== null) return r === 0 ? 0 : r;
      }
    }
    const d = parseDecimal(value);
    if (typeof d === 'string') return d;
    const q = d.div(this.step).toNumber();
    return q === 0 ? 0 : q;
  }

  /**
   * The exact plain decimal string of an integer number of units (`units × step`, no exponent,
   * no trailing zeros): what an order's wire fields carry. On a power-of-ten step it is built from
   * the integer's digits, without decimal arithmetic.
   * @param units - a safe integer
   * @returns the decimal string
   * @throws {@link ValidationError} when `units` is not a safe integer
   *
   * @example
   * ```ts
   * new Grid('0.01', 'price').format(10025); // '100.25'
   * new Grid('0.5', 'qty').format(3);        // '1.5'
   * ```
   */
  format(units: number): string {
    if (!Number.isSafeInteger(units)) {
      throw new ValidationError(`${this.field} units must be a safe integer`, {
        field: `${this.field} units`,
        value: units,
      });
    }
    const k = this.decimals;
    if (k === null) return this.step.times(units).toFixed();
    if (k === 0 || units === 0) return String(units === 0 ? 0 : units);
    const neg = units < 0;
    let digits = String(neg ? -units : units);
    if (digits.length <= k) digits = '0'.repeat(k - digits.length + 1) + digits;
    const cut = digits.length - k;
    let end = digits.length;
    while (end > cut && digits.charCodeAt(end - 1) === 48) end--;
    const out =
      end === cut ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${digits.slice(cut, end)}`;
    return neg ? `-${out}` : out;
  }

  /**
   * The `ValidationError` for a {@link GridReject}, with the reason in `details.reason`.
   * @param reason - why the value was refused
   * @param value - the value
   * @param field - the argument's name
   * @returns the error (not thrown)
   */
  rejectError(reason: GridReject, value: unknown, field = this.field): ValidationError {
    if (reason === 'off-grid' || reason === 'out-of-range') {
      const shown = String(value);
      const message =
        reason === 'off-grid'
          ? `${field} ${shown} is not a multiple of ${this.step.toString()}`
          : `${field} ${shown} is more than ${Number.MAX_SAFE_INTEGER} steps of ${this.step.toString()}`;
      return new ValidationError(message, { field, value: shown, details: { reason } });
    }
    return decimalRejectError(reason, value, field);
  }

  /**
   * Reads a plain decimal string (`-?\d{1,15}(\.\d{1,30})?`, nothing else) without allocating:
   * the units when it is on the grid and they are a safe integer, `'off-grid'`, or `null` when the
   * string is not of that form or its units need the exact path.
   */
  private parsePlain(value: string, k: number): number | 'off-grid' | null {
    const len = value.length;
    let i = 0;
    const neg = len > 0 && value.charCodeAt(0) === 45; // '-'
    if (neg) i = 1;
    const intStart = i;
    let n = 0;
    while (i < len) {
      const c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
      i++;
    }
    const intDigits = i - intStart;
    if (intDigits === 0 || intDigits > 15) return null;
    let offGrid = false;
    let fracDigits = 0;
    if (i < len) {
      if (value.charCodeAt(i) !== 46) return null; // '.'
      i++;
      const fracStart = i;
      while (i < len) {
        const c = value.charCodeAt(i) - 48;
        if (c < 0 || c > 9) return null;
        if (fracDigits < k) n = n * 10 + c;
        else if (c !== 0) offGrid = true;
        fracDigits++;
        i++;
      }
      if (fracDigits === 0 || i - fracStart > 30) return null;
    }
    if (offGrid) return 'off-grid';
    for (let d = fracDigits; d < k; d++) n *= 10;
    // while the true units are below 2^53 every partial sum is exact; above, the (monotone)
    // rounded sum is not a safe integer either, so the exact path decides
    if (!Number.isSafeInteger(n)) return null;
    return neg && n !== 0 ? -n : n;
  }

  /**
   * The ratio of a plain decimal string to a power-of-ten step, correctly rounded to a double
   * (read as one decimal number, the digits shifted by k), or `null` when it is not plain.
   */
  private ratioPlain(value: string, k: number): number | null {
    const r = this.parsePlain(value, k);
    if (typeof r === 'number') return r;
    if (r === null) return null;
    // off the grid: the shifted string is read by the correctly rounded Number parser
    const dot = value.indexOf('.');
    return Number(
      `${value.slice(0, dot)}${value.slice(dot + 1, dot + 1 + k)}.${value.slice(dot + 1 + k)}`,
    );
  }

  private parseExact(value: unknown): number | GridReject {
    // grid membership is decided on every digit (the remainder is exact); only a value on the
    // grid with more digits than the arithmetic carries is refused as too precise
    const d = parseDecimalDigits(value);
    if (typeof d === 'string') return d;
    if (!d.mod(this.step).isZero()) return 'off-grid';
    if (d.sd() > DECIMAL_PRECISION) return 'precision';
    const n = d.div(this.step).toNumber();
    if (!Number.isSafeInteger(n)) return 'out-of-range';
    return n === 0 ? 0 : n;
  }
}
