/**
 * Exact ledger amounts: a safe integer on the fast path, an exact high-precision decimal past it.
 *
 * Notionals (Σ price × quantity in tick·lots) leave the double's exact integer range on fine grids
 * (tick 0.01, lot 1e-8: 5 units at 100,000 is 5e15 tick·lots, a second fill passes 2^53), and an
 * off-grid fill price (a midpoint execution) makes them fractional. Both are exact here: values
 * are kept in the canonical form "a number when it is a safe integer, else an {@link XDec}", so two
 * equal amounts always have the same representation (and the same JSON).
 */
import { Dec, type Decimal } from '@x/core';

/**
 * Decimal constructor for ledger amounts: 1,000 significant digits, far beyond what products and
 * sums of 50-digit inputs need, so additions and multiplications never round.
 */
export const XDec = Dec.clone({ precision: 1_000 });

/** A ledger amount: a safe integer, or an exact decimal (never a safe integer). */
export type Exact = number | Decimal;

/** Canonical form of a decimal amount. */
export function canon(d: Decimal): Exact {
  if (d.isInteger() && d.abs().lte(Number.MAX_SAFE_INTEGER)) return d.toNumber();
  return d;
}

/** The amount as an exact decimal. */
export function toXDec(a: Exact): Decimal {
  return typeof a === 'number' ? new XDec(a) : a;
}

/** a + b, exact. */
export function add(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canon(toXDec(a).plus(toXDec(b)));
}

/** a − b, exact. */
export function sub(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canon(toXDec(a).minus(toXDec(b)));
}

/** a × b, exact. */
export function mul(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (Number.isSafeInteger(p)) return p;
  }
  return canon(toXDec(a).times(toXDec(b)));
}

/** Whether two amounts are equal. */
export function eq(a: Exact, b: Exact): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return toXDec(a).eq(toXDec(b));
}

/** ⌊n / d⌋ for an integer d > 0, exact. */
export function floorDiv(n: Exact, d: number): number {
  if (typeof n === 'number') return Math.floor(n / d);
  return toXDec(n).div(d).floor().toNumber();
}

/** ⌈n / d⌉ for an integer d > 0, exact. */
export function ceilDiv(n: Exact, d: number): number {
  if (typeof n === 'number') return Math.ceil(n / d);
  return toXDec(n).div(d).ceil().toNumber();
}

/** n / d as a double (for comparisons against market prices, which are doubles in ticks). */
export function ratio(n: Exact, d: number): number {
  return typeof n === 'number' ? n / d : toXDec(n).div(d).toNumber();
}

/** JSON form: the number, or the decimal's exact string. */
export function toJson(a: Exact): number | string {
  return typeof a === 'number' ? a : a.toFixed();
}

/** Reads the JSON form back. */
export function fromJson(v: number | string): Exact {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return canon(new XDec(v));
}
