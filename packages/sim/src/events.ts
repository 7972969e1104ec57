/**
 * What the matching engine takes and reports: order and amend requests, execution reports,
 * market-data events and command results.
 *
 * @module
 */
import type {
  Decimal,
  DecimalLike,
  L3Add,
  L3Cancel,
  L3Event,
  L3Execute,
  L3Modify,
  Liquidity,
  OrderId,
  OrderStatus,
  OrderType,
  Side,
  TimeInForce,
  Trade,
} from '@x/core';

/**
 * The engine's time in force is core's `TimeInForce`.
 * @deprecated use `TimeInForce` from `@x/core`
 */
export type EngineTimeInForce = TimeInForce;

/** A new order. Prices and quantities are exact decimals (numbers and strings are accepted). */
export interface OrderRequest {
  /** Buy or sell. */
  readonly side: Side;
  /** `'limit'`, `'market'`, `'stop'` (market when triggered) or `'stop-limit'`. */
  readonly type: OrderType;
  /** Total quantity; on the lot grid, at least the instrument's minimum. */
  readonly qty: DecimalLike;
  /** Limit price (limit and stop-limit orders); on the tick grid. */
  readonly price?: DecimalLike | undefined;
  /** Trigger price (stop and stop-limit orders), compared with the last trade price. */
  readonly stopPrice?: DecimalLike | undefined;
  /**
   * How long the order works (FIX TimeInForce). `GTC` (the default for limit, stop and
   * stop-limit orders) until canceled; `GTD` until `expireAtMs`; `DAY` until the session end the
   * engine's `dayEndMs` option gives; `IOC` and `FOK` once live: what cannot fill at once is
   * canceled, or the order is refused whole. A stop waits for its trigger under any of them (IOC
   * and FOK then apply to the triggered order). A market order (and a triggered stop) trades at
   * once whatever its time in force, since it has no price to rest at: `IOC` by default, `FOK`
   * all or nothing, `GTC` and `DAY` accepted as FIX allows; `GTD` is refused (nothing waits).
   */
  readonly timeInForce?: TimeInForce | undefined;
  /**
   * Expiry time in milliseconds on the engine's clock, required with `timeInForce: 'GTD'` and
   * later than the submission time. The order (a waiting stop too) expires once the clock
   * reaches it: at the start of the next command, or when the engine's `expireOrders()` is
   * called.
   */
  readonly expireAtMs?: number | undefined;
  /** Reject the order instead of letting it take liquidity (limit and stop-limit orders). */
  readonly postOnly?: boolean | undefined;
  /** Your id for the order (unique per engine); generated (`'O1'`, `'O2'`...) when absent. */
  readonly orderId?: string | undefined;
  /** Account or trader; orders of the same owner never trade with each other when self-trade prevention is on. */
  readonly owner?: string | undefined;
  /**
   * Take no part in self-trade prevention, as maker or taker, whatever the owner (false by
   * default). Simulated market participants such as `BackgroundFlow` use it: they are many
   * traders under one tag, not one account, so your STP setting must not change how they trade.
   */
  readonly selfTradeExempt?: boolean | undefined;
}

/** A change to a resting order: new limit price and/or new total quantity (FIX OrderQty semantics). */
export interface AmendRequest {
  /** New limit price; unchanged when absent or equal to the current one. */
  readonly price?: DecimalLike | undefined;
  /** New total order quantity including what has already filled; unchanged when absent or equal. */
  readonly qty?: DecimalLike | undefined;
  /**
   * New trigger price of a stop or stop-limit order that has not triggered yet. Restating the
   * current trigger price is not a change, so it is accepted on a triggered stop too.
   */
  readonly stopPrice?: DecimalLike | undefined;
}

/**
 * Why a command was refused:
 * instrument rules (`off-tick`, `off-lot`, `non-positive-qty`, `non-positive-price`,
 * `below-min-qty`, `below-min-notional`), numbers the engine cannot represent exactly
 * (`out-of-range`: more ticks or lots than 2^53), request shape (`missing-price`,
 * `missing-stop-price`, `unexpected-price`, `invalid-order`), state (`duplicate-order-id`, `unknown-order`,
 * `order-closed` for an order already filled, canceled or rejected, `no-change`,
 * `qty-below-filled`) and matching (`would-cross` for post-only, `fok-unfillable`,
 * `no-liquidity` for a market order facing an empty side).
 */
export type RejectReason =
  | 'off-tick'
  | 'off-lot'
  | 'non-positive-qty'
  | 'non-positive-price'
  | 'below-min-qty'
  | 'below-min-notional'
  | 'out-of-range'
  | 'missing-price'
  | 'missing-stop-price'
  | 'unexpected-price'
  | 'invalid-order'
  | 'duplicate-order-id'
  | 'unknown-order'
  | 'order-closed'
  | 'no-change'
  | 'qty-below-filled'
  | 'would-cross'
  | 'fok-unfillable'
  | 'no-liquidity';

/** The order was accepted (for a stop order: accepted and waiting for its trigger). */
export interface OrderAccepted {
  /** Event kind. */
  readonly type: 'accepted';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order's id. */
  readonly orderId: string;
  /** Side. */
  readonly side: Side;
  /** Order type. */
  readonly orderType: OrderType;
  /** Limit price, when the order has one. */
  readonly price?: Decimal;
  /** Trigger price of a stop order. */
  readonly stopPrice?: Decimal;
  /** Total quantity. */
  readonly qty: Decimal;
  /** Time in force. */
  readonly timeInForce: TimeInForce;
  /** Expiry of a GTD (or DAY) order, in milliseconds. */
  readonly expireAtMs?: number;
}

/**
 * The request field a reject is about: an order field, `request` for the request as a whole
 * (not an object), or `amend` for an amend that changes nothing.
 */
export type RejectField =
  | 'request'
  | 'orderId'
  | 'side'
  | 'type'
  | 'qty'
  | 'price'
  | 'stopPrice'
  | 'timeInForce'
  | 'expireAtMs'
  | 'postOnly'
  | 'owner'
  | 'selfTradeExempt'
  | 'amend';

/** A command was refused; nothing changed. */
export interface OrderRejected {
  /** Event kind. */
  readonly type: 'rejected';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order the command was about (the generated or given id for a new order). */
  readonly orderId: string;
  /** Which command was refused. */
  readonly command: 'submit' | 'cancel' | 'amend';
  /** Machine-readable reason. */
  readonly reason: RejectReason;
  /** The field the reject is about. */
  readonly field: RejectField;
  /** Human-readable explanation, naming the field and the value. */
  readonly message: string;
}

/** One execution of an order (each has its own trade id). */
export interface OrderFilled {
  /** Event kind. */
  readonly type: 'fill';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The filled order. */
  readonly orderId: string;
  /** The venue trade id, shared by the maker's and the taker's fill of one execution. */
  readonly tradeId: string;
  /** Side of the filled order. */
  readonly side: Side;
  /** Execution price. */
  readonly price: Decimal;
  /** Executed quantity. */
  readonly qty: Decimal;
  /** Maker (resting) or taker (incoming). */
  readonly liquidity: Liquidity;
  /** The other order of the execution. */
  readonly counterpartyOrderId: string;
  /** Total filled so far, exact. */
  readonly cumQty: Decimal;
  /** Quantity still open after this fill (an IOC or market remainder is then closed by a `canceled` event). */
  readonly leavesQty: Decimal;
  /** Volume-weighted average fill price so far, exact to 50 significant digits. */
  readonly avgPrice: Decimal;
  /** Status after this fill. */
  readonly status: OrderStatus;
}

/**
 * Why an order's open quantity was canceled:
 * `user` (a cancel command), `ioc-remainder` (the unfilled part of an IOC limit order),
 * `market-remainder` (a market order ran out of liquidity), `self-trade-prevention`,
 * `post-only-would-cross` and `fok-unfillable` (a triggered stop-limit that could not enter the
 * book under its flags), `expired` (a GTD order reached its `expireAtMs`; its status is then
 * `'expired'`).
 */
export type CancelReason =
  | 'user'
  | 'ioc-remainder'
  | 'market-remainder'
  | 'self-trade-prevention'
  | 'post-only-would-cross'
  | 'fok-unfillable'
  | 'expired';

/** An order's open quantity was canceled. */
export interface OrderCanceled {
  /** Event kind. */
  readonly type: 'canceled';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order. */
  readonly orderId: string;
  /** Quantity canceled. */
  readonly canceledQty: Decimal;
  /** Total filled before the cancel. */
  readonly cumQty: Decimal;
  /** Why. */
  readonly reason: CancelReason;
}

/** A resting order was amended. */
export interface OrderAmended {
  /** Event kind. */
  readonly type: 'amended';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order. */
  readonly orderId: string;
  /** The limit price now (absent for a stop order without a limit price). */
  readonly price?: Decimal;
  /** The trigger price now, for a stop order. */
  readonly stopPrice?: Decimal;
  /** The total order quantity now. */
  readonly qty: Decimal;
  /** Quantity still open now (before any fills the amend itself causes). */
  readonly leavesQty: Decimal;
  /** True when the order kept its queue priority (pure size reduction). */
  readonly keptPriority: boolean;
}

/** A stop or stop-limit order's trigger condition was met; it now enters matching. */
export interface OrderTriggered {
  /** Event kind. */
  readonly type: 'triggered';
  /** Time in milliseconds. */
  readonly ts: number;
  /** The order. */
  readonly orderId: string;
  /** Its trigger price. */
  readonly stopPrice: Decimal;
  /** The last trade price that triggered it. */
  readonly lastPrice: Decimal;
}

/**
 * A public trade print (one per execution): core's `Trade` with its kind, a trade id always
 * present and the two orders, with numbers as in the analytics domain.
 */
export interface TradeEvent extends Trade {
  /** Event kind. */
  readonly type: 'trade';
  /** Trade id (the engine's are strings, the same as on the two fills; the generator's are numbers). */
  readonly tradeId: string | number;
  /** The resting order. */
  readonly makerOrderId: OrderId;
  /** The incoming order. */
  readonly takerOrderId: OrderId;
  /** Set by the order-flow generator: true when the aggressor was the informed trader. */
  readonly informed?: boolean;
}

/** Execution reports: what happened to orders. Decimal prices and quantities. */
export type ExecutionReport =
  | OrderAccepted
  | OrderRejected
  | OrderFilled
  | OrderCanceled
  | OrderAmended
  | OrderTriggered;

/** Market data: L3 book events and trade prints, in plain numbers. */
export type MarketDataEvent = L3Event | TradeEvent;

/** An L3 `add` from the engine (string order id). */
export interface EngineL3Add extends L3Add {
  /** The engine's order id. */
  readonly orderId: string;
}

/** An L3 `modify` from the engine (string order id). */
export interface EngineL3Modify extends L3Modify {
  /** The engine's order id. */
  readonly orderId: string;
}

/** An L3 `cancel` from the engine (string order id). */
export interface EngineL3Cancel extends L3Cancel {
  /** The engine's order id. */
  readonly orderId: string;
}

/** An L3 `execute` from the engine (string order and trade ids). */
export interface EngineL3Execute extends L3Execute {
  /** The resting order's id. */
  readonly makerOrderId: string;
  /** The incoming order's id. */
  readonly takerOrderId: string;
  /** The trade id, the same as on the two fills. */
  readonly tradeId: string;
}

/** A trade print from the engine (string order and trade ids). */
export interface EngineTradeEvent extends TradeEvent {
  /** The resting order's id. */
  readonly makerOrderId: string;
  /** The incoming order's id. */
  readonly takerOrderId: string;
  /** The trade id, the same as on the two fills. */
  readonly tradeId: string;
}

/**
 * Market data as the engine emits it: L3 events and trades whose order and trade ids are the
 * engine's string ids.
 */
export type EngineMarketDataEvent =
  | EngineL3Add
  | EngineL3Modify
  | EngineL3Cancel
  | EngineL3Execute
  | EngineTradeEvent;

/** Everything the engine reports. Switch on `type`. */
export type EngineEvent = ExecutionReport | EngineMarketDataEvent;

/**
 * True for execution reports (accepted, rejected, fill, canceled, amended, triggered).
 * @param event - an engine event
 */
export function isExecutionReport(event: EngineEvent): event is ExecutionReport {
  const t = event.type;
  return (
    t === 'accepted' ||
    t === 'rejected' ||
    t === 'fill' ||
    t === 'canceled' ||
    t === 'amended' ||
    t === 'triggered'
  );
}

/**
 * True for market-data events (L3 add/modify/cancel/execute and trade prints).
 * @param event - an engine event
 */
export function isMarketDataEvent(event: EngineEvent): event is EngineMarketDataEvent {
  return !isExecutionReport(event);
}

/** A read-only view of an order's state. */
export interface OrderView {
  /** The id. */
  readonly orderId: string;
  /** Side. */
  readonly side: Side;
  /** Order type. */
  readonly orderType: OrderType;
  /** Time in force. */
  readonly timeInForce: TimeInForce;
  /** Status. */
  readonly status: OrderStatus;
  /** Limit price (current, after amends), when it has one. */
  readonly price: Decimal | undefined;
  /** Trigger price of a stop order. */
  readonly stopPrice: Decimal | undefined;
  /** Whether a stop order has triggered (always true for other types). */
  readonly triggered: boolean;
  /** Total quantity (after amends). */
  readonly qty: Decimal;
  /** Filled quantity. */
  readonly cumQty: Decimal;
  /** Open quantity: resting in the book, or waiting for the trigger. */
  readonly leavesQty: Decimal;
  /** Average fill price, `undefined` before the first fill. */
  readonly avgPrice: Decimal | undefined;
  /** Exact Σ price × quantity of the fills. */
  readonly notional: Decimal;
  /** The owner given at entry. */
  readonly owner: string | undefined;
  /** Expiry of a GTD (or DAY) order in milliseconds, `undefined` otherwise. */
  readonly expireAtMs: number | undefined;
}

/** The result of a command: the order it concerned, its state after, and every event it caused. */
export interface CommandResult {
  /** The order's id (generated for a new order without one). */
  readonly orderId: string;
  /** False when the command was rejected. */
  readonly ok: boolean;
  /** The reject reason when `ok` is false. */
  readonly reason?: RejectReason;
  /** The order's state after the command, when the engine knows the order. */
  readonly order: OrderView | undefined;
  /** Every event the command caused, in order (also delivered to listeners). */
  readonly events: readonly EngineEvent[];
}
