/**
 * The contract between a venue that replays historical depth and a model of where one of our
 * resting orders stands in its price level's queue when only L2 depth and trades are known.
 * `@x/microstructure` provides implementations (`l2QueueModel`), `@x/sim`'s replay uses them,
 * and neither package depends on the other.
 *
 * @module
 */
import type { Side } from './market.js';

/** Where one of our orders joins a level: what a {@link QueueModel} starts from. */
export interface QueueJoin {
  /** Our order's side. */
  readonly side: Side;
  /** Our order's price (> 0; ticks or currency, as long as trades use the same unit). */
  readonly price: number;
  /** Our order's quantity (> 0). */
  readonly qty: number;
  /** The level's visible depth when we joined, excluding our order: we start at its back. */
  readonly depth: number;
}

/**
 * The estimated queue position of one resting order, updated by the level's trades and depth
 * (the depth seen in market data excludes our order).
 */
export interface QueueEstimate {
  /** Estimated quantity ahead of our order (>= 0). */
  readonly queueAhead: number;
  /** Estimated quantity of our order filled, in [0, qty]. */
  readonly filledQty: number;
  /**
   * A trade print, in the same units as the join.
   * @param price - trade price
   * @param qty - traded quantity (> 0)
   * @param aggressor - side of the liquidity taker
   */
  onTrade(price: number, qty: number, aggressor: Side): void;
  /**
   * The level's new visible depth (excluding our order), after any trade at it was reported.
   * @param depth - the depth, >= 0
   */
  onDepth(depth: number): void;
}

/**
 * A queue-position model for L2 data: it makes one {@link QueueEstimate} per resting order.
 *
 * @example
 * ```ts
 * // the simplest model: ahead only shrinks by trades at our price, never by cancels
 * const tradesOnly: QueueModel = {
 *   name: 'trades-only',
 *   create(join) {
 *     let ahead = join.depth;
 *     let filled = 0;
 *     return {
 *       get queueAhead() { return ahead; },
 *       get filledQty() { return filled; },
 *       onTrade(price, qty, aggressor) {
 *         if (aggressor === join.side || price !== join.price) return;
 *         const past = Math.max(qty - ahead, 0);
 *         ahead = Math.max(ahead - qty, 0);
 *         filled = Math.min(join.qty, filled + past);
 *       },
 *       onDepth() {},
 *     };
 *   },
 * };
 * const q = tradesOnly.create({ side: 'buy', price: 100, qty: 5, depth: 10 });
 * q.onTrade(100, 12, 'sell');
 * q.filledQty; // 2
 * ```
 */
export interface QueueModel {
  /** The model's name as results report it (for example `'risk-averse'` or `'power(n=2)'`). */
  readonly name: string;
  /**
   * Starts the estimate of one order joining the back of its level.
   * @param join - side, price, quantity and the depth ahead
   * @returns the estimate, updated by the caller with the level's trades and depth
   */
  create(join: QueueJoin): QueueEstimate;
}
