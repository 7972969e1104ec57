/**
 * The types of {@link TickBook}'s interface: its listener, options, statuses and reports.
 *
 * @module
 */
import type { OrderId, Side } from '@x/core';

/** How a crossing order between two orders of the same owner is prevented. */
export type SelfTradePrevention = 'none' | 'cancel-taker' | 'cancel-maker' | 'cancel-both';

/**
 * Receives every change of a {@link TickBook}, synchronously, in the order it happens (in the
 * middle of matching). Arguments are primitives so that a listener that only counts or copies
 * allocates nothing. A listener must neither throw nor call back into the book's commands:
 * record what you need and act after the command returns (`MatchingEngine` does this).
 */
export interface BookListener {
  /**
   * A new order now rests in the book (after any matching).
   * @param orderId - the order's id
   * @param side - its side
   * @param priceTicks - its price in ticks
   * @param lots - the resting quantity in lots
   */
  onAdd(orderId: OrderId, side: Side, priceTicks: number, lots: number): void;
  /**
   * A resting order was executed against an incoming order.
   * @param makerOrderId - the resting order
   * @param takerOrderId - the incoming order
   * @param makerSide - the resting order's side (the aggressor is the other side)
   * @param priceTicks - the execution price (the maker's price)
   * @param lots - the executed quantity
   * @param makerRemainingLots - what is left of the maker after this execution (0: filled, gone)
   * @param tradeId - the execution's trade id, increasing from 1 within a book
   */
  onExecute(
    makerOrderId: OrderId,
    takerOrderId: OrderId,
    makerSide: Side,
    priceTicks: number,
    lots: number,
    makerRemainingLots: number,
    tradeId: number,
  ): void;
  /**
   * A resting order left the book unfilled (cancel, self-trade prevention, cancel-replace).
   * @param orderId - the order
   * @param side - its side
   * @param priceTicks - its price
   * @param lots - the quantity removed
   * @param selfTrade - true when self-trade prevention removed it (a maker of the incoming
   *   order's owner); false for a cancel command or an amend's cancel-replace
   */
  onCancel(
    orderId: OrderId,
    side: Side,
    priceTicks: number,
    lots: number,
    selfTrade: boolean,
  ): void;
  /**
   * A resting order changed size or price in place.
   * @param orderId - the order
   * @param side - its side
   * @param priceTicks - the new price
   * @param lots - the new resting quantity
   * @param keptPriority - true for a pure size reduction
   */
  onModify(
    orderId: OrderId,
    side: Side,
    priceTicks: number,
    lots: number,
    keptPriority: boolean,
  ): void;
}

/** A resting order as {@link TickBook.order} reports it. */
export interface RestingOrder {
  /** Side. */
  readonly side: Side;
  /** Limit price in ticks. */
  readonly priceTicks: number;
  /** Remaining (resting) quantity in lots. */
  readonly lots: number;
  /** Total size in lots: the original size plus any amend increases. */
  readonly origLots: number;
  /** Owner for self-trade prevention (0 = anonymous). */
  readonly owner: number;
}

/** Time in force understood by the book. */
export type BookTimeInForce = 'GTC' | 'IOC' | 'FOK';

/**
 * The status a {@link TickBook} command returns: `'ok'` when it was carried out, else why it was
 * refused (a refused command changed nothing).
 * - `duplicate-order-id`: the id already rests in the book
 * - `unknown-order`: no resting order has that id (never existed, filled or canceled)
 * - `invalid-price` / `invalid-qty`: not a safe integer > 0 (price may be any integer for amend)
 * - `would-cross`: post-only order (or amend of one) would take liquidity
 * - `fok-unfillable`: a fill-or-kill order cannot be filled completely at once
 * - `no-liquidity`: a market order found nothing to trade against
 * - `no-change`: an amend that changes neither price nor size
 * - `invalid-order`: a side other than `'buy'`/`'sell'` or an unknown time in force
 */
export type BookStatus =
  | 'ok'
  | 'duplicate-order-id'
  | 'unknown-order'
  | 'invalid-price'
  | 'invalid-qty'
  | 'would-cross'
  | 'fok-unfillable'
  | 'no-liquidity'
  | 'no-change'
  | 'invalid-order';

/**
 * The old name of {@link BookStatus} (it includes `'ok'`, so it is a status, not a reject).
 * @deprecated use {@link BookStatus}
 */
export type BookReject = BookStatus;

/** Options of a {@link TickBook}. */
export interface TickBookOptions {
  /** Receives every book change; none by default. */
  readonly listener?: BookListener;
  /** Self-trade prevention between orders with the same non-zero owner; `'none'` by default. */
  readonly selfTradePrevention?: SelfTradePrevention;
  /**
   * Initial order-pool capacity: the resting orders (and integer order ids) the book holds before
   * its typed arrays first grow (by doubling); 1024 by default.
   */
  readonly initialCapacity?: number;
}

/** Result of the last {@link TickBook.submit} (read right after the call; reused). */
export interface SubmitOutcome {
  /** `'ok'` or the reject reason; a rejected order changed nothing. */
  status: BookStatus;
  /** Lots executed by the incoming order. */
  filledLots: number;
  /** Σ priceTicks × lots over its executions (exact while below 2^53). */
  filledTicksLots: number;
  /** Lots left resting in the book. */
  restingLots: number;
  /** Lots of the incoming order canceled unfilled (IOC/market remainder, self-trade prevention). */
  canceledLots: number;
  /** True when self-trade prevention canceled (part of) the incoming order. */
  selfTradeCanceled: boolean;
}
