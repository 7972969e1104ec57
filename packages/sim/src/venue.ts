/**
 * The order-entry interface shared by the simulated venue ({@link MatchingEngine}) and the
 * historical one ({@link ReplayVenue}): what an adapter such as `@x/sim-oco` drives.
 *
 * @module
 */
import type { Decimal, Instrument } from '@x/core';
import type {
  AmendRequest,
  CommandResult,
  EngineEvent,
  OrderRequest,
  OrderView,
} from './events.js';

/**
 * A venue for one instrument that takes decimal orders and reports with the engine's events.
 * Both {@link MatchingEngine} and {@link ReplayVenue} implement it.
 */
export interface TradingVenue {
  /** The instrument traded. */
  readonly instrument: Instrument;
  /**
   * Adds a listener of every event, called once the command (or market message) that caused it
   * has finished.
   * @param listener - the callback
   * @returns a function that removes it
   */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /**
   * Submits an order.
   * @param request - the order
   * @returns its id, state and events (a reject is `ok: false`)
   */
  submit(request: OrderRequest): CommandResult;
  /**
   * Cancels an open order.
   * @param orderId - the order
   * @returns the result
   */
  cancel(orderId: string): CommandResult;
  /**
   * Amends an open order's price, total quantity or waiting stop price.
   * @param orderId - the order
   * @param amend - the new fields
   * @returns the result
   */
  amend(orderId: string, amend: AmendRequest): CommandResult;
  /** The last trade price, or `undefined` before the first trade. */
  lastPrice(): Decimal | undefined;
  /**
   * Quantity of an order resting in the book (0 when it is not resting).
   * @param orderId - the order
   */
  restingQty(orderId: string): Decimal;
  /**
   * An order's state, or `undefined` for an unknown id.
   * @param orderId - the order
   */
  getOrder(orderId: string): OrderView | undefined;
}
