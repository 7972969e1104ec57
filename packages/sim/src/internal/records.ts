/**
 * The engine's record of one order, in ticks and lots, and the status rules on it.
 */
import type { Decimal, OrderStatus, OrderType, Side, TimeInForce } from '@x/core';
import type { HeapSlots } from './heap.js';

/** One order as the engine keeps it (NaN marks an absent price or expiry). */
export interface OrderRecord extends HeapSlots {
  readonly orderId: string;
  /** Submission sequence: stops triggered together enter in this order. */
  readonly seq: number;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly owner: string | undefined;
  /** The owner's integer key for the book's self-trade prevention (0: not subject to it). */
  readonly ownerKey: number;
  /** Expiry in milliseconds (GTD, or DAY with a session end); NaN otherwise. */
  readonly expireAtMs: number;
  status: OrderStatus;
  /** Limit price in ticks; NaN for market and stop orders. */
  priceTicks: number;
  /** Trigger price in ticks; NaN unless a stop or stop-limit order. */
  stopTicks: number;
  /** False while a stop waits for its trigger; true for every other order. */
  triggered: boolean;
  qtyLots: number;
  cumLots: number;
  /** Exact Σ price × quantity of the fills. */
  notional: Decimal;
}
