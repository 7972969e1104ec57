/**
 * Orders and fills in the order domain: exact decimal prices and quantities.
 *
 * @module
 */
import { DECIMAL_ZERO, type Decimal, type DecimalLike, toDecimal } from './decimal.js';
import { ValidationError } from './errors.js';
import type { Side } from './market.js';

/** Order types. A stop becomes a market order when triggered, a stop-limit a limit order. */
export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit';

/**
 * Time in force: good till cancelled, immediate or cancel, fill or kill, good till date
 * (see `expireAtMs`), or the trading day.
 */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD' | 'DAY';

/** Order lifecycle status. */
export type OrderStatus =
  | 'pending-new'
  | 'new'
  | 'partially-filled'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

/**
 * True for statuses an order never leaves: filled, canceled, rejected, expired.
 * @param status - the status
 */
export function isTerminalStatus(status: OrderStatus): boolean {
  return (
    status === 'filled' || status === 'canceled' || status === 'rejected' || status === 'expired'
  );
}

/** Whether a fill added liquidity (maker) or removed it (taker). */
export type Liquidity = 'maker' | 'taker';

/** One execution of an order. */
export interface Fill {
  /** The filled order's id. */
  readonly orderId: string;
  /** The venue's trade id; the same trade id twice is the same fill. */
  readonly tradeId: string;
  /** Time in milliseconds. */
  readonly ts: number;
  /** Side of the filled order. */
  readonly side: Side;
  /** Execution price. */
  readonly price: Decimal;
  /** Executed quantity, > 0. */
  readonly qty: Decimal;
  /** Maker or taker. */
  readonly liquidity: Liquidity;
}

/** Cumulative filled quantity and notional of an order or position, exact. */
export interface FillTotals {
  /** Total filled quantity. */
  readonly qty: Decimal;
  /** Total Σ price × quantity. */
  readonly notional: Decimal;
}

/** No fills yet. */
export const EMPTY_FILL_TOTALS: FillTotals = Object.freeze({
  qty: DECIMAL_ZERO,
  notional: DECIMAL_ZERO,
});

/**
 * Adds one fill to running totals.
 * @param totals - the totals so far
 * @param price - the fill price
 * @param qty - the fill quantity, > 0
 * @returns new totals (the input is not modified)
 * @throws {@link ValidationError} when the quantity is not positive or the price is negative
 *
 * @example
 * ```ts
 * let t = EMPTY_FILL_TOTALS;
 * t = addFill(t, '100.5', '2');
 * t = addFill(t, '101', '1');
 * averageFillPrice(t)?.toString(); // '100.66666666666666666666666666666666666666666666667'
 * ```
 */
export function addFill(totals: FillTotals, price: DecimalLike, qty: DecimalLike): FillTotals {
  const p = toDecimal(price, 'price');
  const q = toDecimal(qty, 'qty');
  if (!q.gt(0))
    throw new ValidationError('fill qty must be > 0', { field: 'qty', value: q.toString() });
  if (p.lt(0))
    throw new ValidationError('fill price must be >= 0', { field: 'price', value: p.toString() });
  return { qty: totals.qty.plus(q), notional: totals.notional.plus(p.times(q)) };
}

/**
 * The volume-weighted average fill price, or `undefined` before the first fill.
 * @param totals - cumulative totals
 */
export function averageFillPrice(totals: FillTotals): Decimal | undefined {
  return totals.qty.isZero() ? undefined : totals.notional.div(totals.qty);
}
