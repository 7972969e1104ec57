/**
 * The types of {@link ReplayOrders}' interface: its reports, order view, counts and options.
 *
 * @module
 */
import type { OrderId, QueueModel, Side } from '@x/core';
import type { BookStatus } from './book-types.js';
import type { ReplayTrade } from './replay.js';
import type { ReplayOrders } from './replay-orders.js';

/** What {@link ReplayOrders} reports about one of our orders, at venue time `ts`. */
export type ReplayOrderReport =
  | {
      /** The order reached the venue and was accepted. */
      readonly type: 'accepted';
      /** When it happened, in the replay clock (ms). */
      readonly ts: number;
      /** Our order. */
      readonly orderId: OrderId;
    }
  | {
      /** The order (or its cancel) reached the venue and was refused. */
      readonly type: 'rejected';
      /** When it happened, in the replay clock (ms). */
      readonly ts: number;
      /** Our order. */
      readonly orderId: OrderId;
      /** The command that was refused. */
      readonly command: 'submit' | 'cancel' | 'amend';
      /** Why: the venue's book status. */
      readonly reason: BookStatus;
    }
  | {
      /** A fill: `'taker'` against the historical book, `'maker'` from historical flow. */
      readonly type: 'fill';
      /** When it happened, in the replay clock (ms). */
      readonly ts: number;
      /** Our order. */
      readonly orderId: OrderId;
      /** Price in ticks. */
      readonly priceTicks: number;
      /** Lots filled. */
      readonly lots: number;
      /** Lots still working after this fill. */
      readonly leavesLots: number;
      /** `'taker'` against the historical book, `'maker'` from historical flow reaching it. */
      readonly liquidity: 'maker' | 'taker';
    }
  | {
      /**
       * The order's price or size changed: in place (`keptPriority`, a size reduction), or it
       * went to the back of the queue at its (new) price, where it may have traded at once.
       */
      readonly type: 'amended';
      /** When it happened, in the replay clock (ms). */
      readonly ts: number;
      /** Our order. */
      readonly orderId: OrderId;
      /** Price in ticks. */
      readonly priceTicks: number;
      /** The new size in lots. */
      readonly lots: number;
      /** Whether the order kept its place in the queue (a size reduction only). */
      readonly keptPriority: boolean;
    }
  | {
      /** What was left of the order was canceled: by us (`'user'`) or as an IOC/market rest. */
      readonly type: 'canceled';
      /** When it happened, in the replay clock (ms). */
      readonly ts: number;
      /** Our order. */
      readonly orderId: OrderId;
      /** Lots canceled. */
      readonly lots: number;
      /** `'user'` for our cancel, `'unfilled'` for an IOC or market order's rest. */
      readonly reason: 'user' | 'unfilled';
    };

/** The state of one of our orders as {@link ReplayOrders.order} reports it. */
export interface ReplayOrderView {
  /** Buy or sell. */
  readonly side: Side;
  /** Limit price in ticks, `NaN` for a market order. */
  readonly priceTicks: number;
  /** Size in lots. */
  readonly lots: number;
  /** Lots filled so far. */
  readonly filledLots: number;
  /** Lots still working. */
  readonly leavesLots: number;
  /** Lots ahead of the order in its level's queue (exact or the model's estimate); 0 unless resting. */
  readonly aheadLots: number;
  /** `'pending'` until it reaches the venue, then `'resting'` or done. */
  readonly status: 'pending' | 'resting' | 'filled' | 'canceled' | 'rejected';
}

/** Counts of {@link ReplayOrders}. */
export interface ReplayOrdersStats {
  /** Orders sent (accepted by the argument check). */
  submitted: number;
  /** Orders refused on reaching the venue. */
  rejected: number;
  /** Fills reported. */
  fills: number;
  /** Lots filled as maker (historical flow reached our resting order). */
  makerLots: number;
  /** Lots filled as taker (our order took historical liquidity). */
  takerLots: number;
  /** Orders canceled (by us, or the rest of an IOC or market order). */
  canceled: number;
}

/** Options of {@link ReplayOrders}. */
export interface ReplayOrdersOptions {
  /**
   * How a resting order's queue position advances: omitted for L3 data, exactly by the orders
   * ahead; a core `QueueModel` to estimate it from depth and trades only, as on L2 data
   * (`l2QueueModel()` from `@x/microstructure`).
   */
  readonly queueModel?: QueueModel;
  /** Time from sending an order or cancel to its arrival at the venue, ms (>= 0, default 0). */
  readonly entryLatencyMs?: number;
  /** Time from a historical trade to its arrival at us, ms (>= 0, default 0). */
  readonly marketDataLatencyMs?: number;
  /** Our orders' reports, as they happen at the venue. */
  readonly onReport?: (report: ReplayOrderReport) => void;
  /** The historical trades, each `marketDataLatencyMs` after it happened. */
  readonly onTrade?: (trade: ReplayTrade) => void;
}
