/**
 * The price/quantity grid codec of the manager: exact conversion of decimal input to integer grid
 * units (lots, ticks) and of fill prices to exact (possibly fractional) ticks.
 *
 * The surface is deliberately small ({@link GridCodec}, {@link strictDecimal}) so that it can
 * delegate to a grid codec on `@x/core`'s `Instrument` once core has one; until then the rules are
 * written here:
 * - input is a finite number, a {@link Decimal}, or a plain decimal string (optional sign, digits,
 *   optional fraction, optional exponent): hexadecimal, `Infinity`, `NaN` and empty strings are
 *   refused, as is anything with more than {@link MAX_SIGNIFICANT_DIGITS} significant digits
 *   (which would otherwise be rounded silently);
 * - on-grid values must be whole multiples of the step and their unit count a safe integer
 *   (|n| ≤ 2^53 − 1), otherwise a `ValidationError` names the field and the problem;
 * - a fast path reads plain decimal strings directly when the step is a power of ten.
 */
import { Dec, type Decimal, type DecimalLike, type Instrument, ValidationError } from '@x/core';
import { canon, type Exact, XDec } from './exact.js';

/** The most significant digits a decimal input may have (core's decimal precision). */
const MAX_SIGNIFICANT_DIGITS = 50;

const PLAIN = /^(\d{1,15})(?:\.(\d{1,30}))?$/;
const DECIMAL_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function fail(message: string, field: string, value: unknown): never {
  throw new ValidationError(message, { field, value });
}

/**
 * Reads a decimal input strictly (see the module notes).
 * @param value - a finite number, a decimal, or a plain decimal string
 * @param field - the field name for the error
 * @returns the exact decimal (of the high-precision ledger constructor)
 * @throws `ValidationError` for anything else
 */
export function strictDecimal(value: unknown, field: string): Decimal {
  let d: Decimal;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`${field} must be a finite number`, field, value);
    d = new XDec(Object.is(value, -0) ? 0 : value);
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (!DECIMAL_STRING.test(s)) fail(`${field} is not a decimal number: '${value}'`, field, value);
    d = new XDec(s);
  } else if (Dec.isDecimal(value)) {
    d = new XDec((value as Decimal).toString());
  } else {
    return fail(`${field} must be a decimal, a decimal string or a number`, field, value);
  }
  if (!d.isFinite()) fail(`${field} must be finite`, field, value);
  if (!d.isZero() && d.sd(false) > MAX_SIGNIFICANT_DIGITS) {
    fail(`${field} has more than ${MAX_SIGNIFICANT_DIGITS} significant digits`, field, value);
  }
  if (!d.isZero() && (d.e > 300 || d.e < -300)) fail(`${field} is out of range`, field, value);
  return d;
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
  /** A price in ticks as a double (market data: may be fractional). */
  approxTicks(value: DecimalLike, field: string): number;
  /** Whole lots as an exact decimal string in plain notation. */
  formatLots(lots: number): string;
  /** Whole ticks as an exact decimal string in plain notation. */
  formatTicks(ticks: number): string;
}

/** n × 10^-k as a plain decimal string, for a safe integer n (trailing zeros trimmed). */
function formatPow10(n: number, k: number): string {
  if (k === 0) return String(n);
  const neg = n < 0;
  let digits = String(neg ? -n : n);
  if (digits.length <= k) digits = '0'.repeat(k - digits.length + 1) + digits;
  const cut = digits.length - k;
  let frac = digits.slice(cut);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const out = frac.length === 0 ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${frac}`;
  return neg ? `-${out}` : out;
}

function formatter(step: Decimal, k: number): (n: number) => string {
  if (k >= 0) return (n) => formatPow10(n, k);
  return (n) => step.times(n).toFixed();
}

/** Power-of-ten exponent k of step = 10^-k, or -1. */
function decimalPlaces(step: Decimal): number {
  for (let i = 0; i <= 18; i++) if (step.times(10 ** i).eq(1)) return i;
  return -1;
}

function unitsOf(
  step: Decimal,
  k: number,
  value: DecimalLike,
  field: string,
  what: string,
): number {
  if (k >= 0 && typeof value === 'string') {
    const m = PLAIN.exec(value);
    if (m !== null) {
      const frac = m[2] ?? '';
      if (frac.length <= k || /^0*$/.test(frac.slice(k))) {
        const n = Number(m[1]! + frac.slice(0, k).padEnd(k, '0'));
        if (Number.isSafeInteger(n)) return n;
      } else {
        fail(`${field} ${value} is not a multiple of the ${what} ${step.toString()}`, field, value);
      }
    }
  }
  const u = strictDecimal(value, field).div(step);
  if (!u.isInteger()) {
    fail(
      `${field} ${String(value)} is not a multiple of the ${what} ${step.toString()}`,
      field,
      value,
    );
  }
  if (u.abs().gt(Number.MAX_SAFE_INTEGER)) {
    fail(`${field} ${String(value)} exceeds the exact range (2^53 ${what}s)`, field, value);
  }
  return u.toNumber();
}

/**
 * Builds the codec of one instrument.
 * @param inst - the instrument
 * @returns the codec
 */
export function gridCodec(inst: Instrument): GridCodec {
  const lot = new XDec(inst.lotSize.toString());
  const tick = new XDec(inst.tickSize.toString());
  const lk = decimalPlaces(lot);
  const tk = decimalPlaces(tick);
  return {
    inst,
    lots: (v, field) => unitsOf(lot, lk, v, field, 'lot'),
    ticks: (v, field) => unitsOf(tick, tk, v, field, 'tick'),
    exactTicks(v, field) {
      const m = tk >= 0 && typeof v === 'string' ? PLAIN.exec(v) : null;
      if (m !== null) {
        const frac = m[2] ?? '';
        if (frac.length <= tk) {
          const n = Number(m[1]! + frac.padEnd(tk, '0'));
          if (Number.isSafeInteger(n)) return n;
        }
      }
      return canon(strictDecimal(v, field).div(tick));
    },
    approxTicks: (v, field) => strictDecimal(v, field).div(tick).toNumber(),
    formatLots: formatter(lot, lk),
    formatTicks: formatter(tick, tk),
  };
}
