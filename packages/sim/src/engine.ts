/**
 * A venue you can trade against: a price-time-priority matching engine for one instrument with
 * exact decimal order entry, execution reports and market-data events.
 *
 * Internally prices are integer ticks and quantities integer lots ({@link TickBook}); the engine
 * converts at the edges with the instrument's exact rules (`Instrument.priceToTicks`,
 * `qtyToLots`). Commands never throw for bad orders: they return a reject event with a
 * {@link RejectReason}, and the book is left unchanged.
 *
 * @module
 */
import {
  type Clock,
  createL2Snapshot,
  DECIMAL_ZERO,
  type Decimal,
  type DecimalLike,
  type Instrument,
  IntegrityError,
  type L2Delta,
  type L2Snapshot,
  type L3Add,
  type L3Cancel,
  type L3Event,
  type L3Execute,
  type L3Modify,
  type Liquidity,
  type OrderId,
  type OrderStatus,
  type OrderType,
  type Side,
  systemClock,
  toDecimal,
} from '@x/core';
import {
  type BookListener,
  type BookReject,
  type SelfTradePrevention,
  TickBook,
  unitsToNumber,
} from './book.js';
import { L2DeltaTracker } from './l2.js';

/**
 * Time in force accepted by the engine: good till canceled, immediate or cancel, fill or kill,
 * or good till date (`GTD`, with `expireAtMs`; limit and stop-limit orders only).
 */
export type EngineTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD';

/** A new order. Prices and quantities are exact decimals (numbers and strings are accepted). */
export interface OrderRequest {
  /** Buy or sell. */
  readonly side: Side;
  /** `'limit'`, `'market'`, `'stop'` (market when triggered) or `'stop-limit'`. */
  readonly type: OrderType;
  /** Total quantity; on the lot grid, at least the instrument's minimum. */
  readonly qty: DecimalLike;
  /** Limit price (limit and stop-limit orders); on the tick grid. */
  readonly price?: DecimalLike;
  /** Trigger price (stop and stop-limit orders), compared with the last trade price. */
  readonly stopPrice?: DecimalLike;
  /** `'GTC'` by default for limit orders; market orders are always immediate (IOC unless FOK). */
  readonly timeInForce?: EngineTimeInForce;
  /**
   * Expiry time in milliseconds on the engine's clock, required with `timeInForce: 'GTD'` and
   * later than the submission time. The order expires once the clock reaches it: at the start of
   * the next command, or when {@link MatchingEngine.expireOrders} is called.
   */
  readonly expireAtMs?: number;
  /** Reject the order instead of letting it take liquidity. */
  readonly postOnly?: boolean;
  /** Your id for the order (unique per engine); generated (`'O1'`, `'O2'`...) when absent. */
  readonly orderId?: string;
  /** Account or trader; orders of the same owner never trade with each other when self-trade prevention is on. */
  readonly owner?: string;
}

/** A change to a resting order: new limit price and/or new total quantity (FIX OrderQty semantics). */
export interface AmendRequest {
  /** New limit price; unchanged when absent. */
  readonly price?: DecimalLike;
  /** New total order quantity including what has already filled; unchanged when absent. */
  readonly qty?: DecimalLike;
  /** New trigger price of a stop or stop-limit order that has not triggered yet. */
  readonly stopPrice?: DecimalLike;
}

/**
 * Why a command was refused:
 * instrument rules (`off-tick`, `off-lot`, `non-positive-qty`, `non-positive-price`,
 * `below-min-qty`, `below-min-notional`), request shape (`missing-price`, `missing-stop-price`,
 * `unexpected-price`, `invalid-order`), state (`duplicate-order-id`, `unknown-order`,
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
  readonly timeInForce: EngineTimeInForce;
  /** Expiry of a GTD order, in milliseconds. */
  readonly expireAtMs?: number;
}

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
  /** Human-readable explanation. */
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

/** A public trade print (one per execution), with numbers as in the analytics domain. */
export interface TradeEvent {
  /** Event kind. */
  readonly type: 'trade';
  /** Time in milliseconds. */
  readonly ts: number;
  /** Trade id (the engine's are strings, the same as on the two fills; the generator's are numbers). */
  readonly tradeId: string | number;
  /** Price. */
  readonly price: number;
  /** Quantity. */
  readonly qty: number;
  /** Side of the incoming (liquidity-taking) order. */
  readonly aggressor: Side;
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
  readonly timeInForce: EngineTimeInForce;
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
  /** Expiry of a GTD order in milliseconds, `undefined` otherwise. */
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

/** Options of a {@link MatchingEngine}. */
export interface MatchingEngineOptions {
  /** Time source for event timestamps; the system clock by default (inject a `ManualClock` for reproducible runs). */
  readonly clock?: Clock;
  /** Self-trade prevention between orders of the same `owner`; `'none'` by default. */
  readonly selfTradePrevention?: SelfTradePrevention;
  /** Called with every event, synchronously, once the command that caused it has finished (as {@link MatchingEngine.subscribe}). */
  readonly onEvent?: (event: EngineEvent) => void;
  /**
   * Receives an exception thrown by a listener (`onEvent`, `subscribe`) together with the event
   * it was handling; delivery then goes on and the command returns normally. Without it, every
   * event still reaches every listener and the exception is rethrown to the caller of the command
   * once delivery is complete (several: an `AggregateError` of them, in order). An exception
   * thrown by this handler itself is treated like a listener's without a handler.
   */
  readonly onListenerError?: (error: unknown, event: EngineEvent) => void;
  /** Prefix of generated order ids; `'O'` by default. */
  readonly orderIdPrefix?: string;
  /** Prefix of trade ids; `'T'` by default. */
  readonly tradeIdPrefix?: string;
}

const CMD_SUBMIT = 0;
const CMD_CANCEL = 1;
const CMD_AMEND = 2;
const CMD_EXPIRE = 3;

/** A validated order request in ticks and lots. */
interface CheckedOrder {
  priceTicks: number;
  stopTicks: number;
  lots: number;
  tif: EngineTimeInForce;
  expireAtMs: number;
}

interface OrderRecord {
  readonly orderId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: EngineTimeInForce;
  readonly postOnly: boolean;
  readonly owner: string | undefined;
  readonly ownerKey: number;
  readonly expireAtMs: number; // NaN unless GTD
  status: OrderStatus;
  priceTicks: number; // NaN for market / stop
  stopTicks: number; // NaN unless stop
  triggered: boolean;
  qtyLots: number;
  cumLots: number;
  notional: Decimal;
}

/**
 * A price-time-priority matching engine for one instrument: limit, market, IOC, FOK, post-only,
 * stop and stop-limit orders (triggered by the last trade price), cancel, amend, and optional
 * self-trade prevention. Every command returns its events synchronously and also sends them to
 * the listeners.
 *
 * Events of one execution come in this order: L3 `execute`, `trade`, the maker's `fill`, the
 * taker's `fill`. A new order's `accepted` comes before its executions; a resting remainder is
 * reported by an L3 `add`; an unfilled immediate remainder by `canceled`.
 *
 * @example
 * ```ts
 * import { Instrument, ManualClock } from '@x/core';
 * const btc = Instrument.create({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' });
 * const venue = new MatchingEngine(btc, { clock: new ManualClock(0) });
 * venue.submit({ side: 'sell', type: 'limit', price: '100.00', qty: '1' });
 * venue.submit({ side: 'sell', type: 'limit', price: '100.01', qty: '1' });
 * const r = venue.submit({ side: 'buy', type: 'limit', price: '100.01', qty: '1.5' });
 * r.order?.cumQty.toString();   // '1.5'
 * r.order?.avgPrice?.toString(); // '100.00333333333333333333333333333333333333333333333'
 * ```
 */
export class MatchingEngine {
  /** The instrument traded. */
  readonly instrument: Instrument;
  /** The integer book underneath (read it for tick-level queries; do not submit to it directly). */
  readonly book: TickBook;
  private readonly clock: Clock;
  // copy-on-write: (un)subscribing replaces the array, so delivery never copies it per event
  private listeners: readonly ((event: EngineEvent) => void)[] = [];
  private readonly onListenerError: ((error: unknown, event: EngineEvent) => void) | undefined;
  private readonly orders = new Map<string, OrderRecord>();
  private readonly owners = new Map<string, number>();
  private readonly stops: OrderRecord[] = [];
  private readonly gtd: OrderRecord[] = [];
  private readonly idPrefix: string;
  private readonly tradePrefix: string;
  private idSeq = 0;
  private events: EngineEvent[] = [];
  private readonly queue: EngineEvent[] = [];
  private delivering = false;
  private readonly l2Subs: {
    snap: L2Snapshot;
    tracker: L2DeltaTracker;
    listener: (delta: L2Delta) => void;
  }[] = [];
  private ts = 0;
  private taker: OrderRecord | undefined;
  private readonly tick: Decimal;
  private readonly lot: Decimal;
  /** ceil(minQty / lot): the smallest order in lots. */
  private readonly minLots: number;
  /** ceil(minNotional / (tick × lot)): the smallest priceTicks × lots. */
  private readonly minNotionalUnits: number;
  // bounded memo tables: decimals are immutable, so sharing them is safe
  private readonly priceCache = new Map<number, Decimal>();
  private readonly qtyCache = new Map<number, Decimal>();
  private readonly priceParseCache = new Map<string | number, number | RejectReason>();
  private readonly qtyParseCache = new Map<string | number, number | RejectReason>();
  /** The result of {@link MatchingEngine.validate}, reused. */
  private readonly checked: CheckedOrder = {
    priceTicks: Number.NaN,
    stopTicks: Number.NaN,
    lots: 0,
    tif: 'GTC',
    expireAtMs: Number.NaN,
  };

  /**
   * @param instrument - the instrument's rules (tick, lot, minimum quantity and notional)
   * @param options - clock, self-trade prevention, listener, id prefixes
   * @throws `ValidationError` (from `@x/core`) for an unknown self-trade prevention mode
   */
  constructor(instrument: Instrument, options: MatchingEngineOptions = {}) {
    this.instrument = instrument;
    this.clock = options.clock ?? systemClock;
    this.idPrefix = options.orderIdPrefix ?? 'O';
    this.tradePrefix = options.tradeIdPrefix ?? 'T';
    this.tick = instrument.tickSize;
    this.lot = instrument.lotSize;
    this.minLots = instrument.minQty.div(this.lot).ceil().toNumber();
    this.minNotionalUnits = instrument.minNotional.div(this.tick.times(this.lot)).ceil().toNumber();
    if (options.onEvent !== undefined) this.listeners = [options.onEvent];
    this.onListenerError = options.onListenerError;

    this.book = new TickBook({
      listener: this.bookListener(),
      selfTradePrevention: options.selfTradePrevention ?? 'none',
    });
  }

  /**
   * Adds a listener that receives every event. Listeners are called synchronously when a command
   * has finished (the engine is consistent, so a listener may issue commands; their events are
   * delivered after the ones being delivered), in event order. A listener that throws does not
   * stop delivery: every event still reaches every listener, then the exception is rethrown to
   * the caller of the command (the engine state is complete), unless the `onListenerError` option
   * takes it.
   * @param listener - the callback
   * @returns a function that removes the listener (from the next event on)
   */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners = this.listeners.filter((_, k) => k !== i);
    };
  }

  /**
   * Streams the top `levels` levels as L2 deltas: once now (the current book, from empty) and
   * after every command that changed them. Applying the deltas in order to an empty
   * `createL2Snapshot(levels)` with core's `applyL2Delta` reproduces {@link MatchingEngine.l2Snapshot}
   * exactly.
   * @param levels - N, levels per side
   * @param listener - receives each delta
   * @returns a function that ends the subscription
   */
  subscribeL2(levels: number, listener: (delta: L2Delta) => void): () => void {
    const sub = { snap: createL2Snapshot(levels), tracker: new L2DeltaTracker(levels), listener };
    this.l2Subs.push(sub);
    this.book.fillL2(sub.snap, this.instrument.tickSizeNumber, this.instrument.lotSizeNumber);
    sub.snap.ts = this.clock.now();
    sub.tracker.diff(sub.snap, listener);
    return () => {
      const i = this.l2Subs.indexOf(sub);
      if (i >= 0) this.l2Subs.splice(i, 1);
    };
  }

  // ------------------------------------------------------------------ commands

  /**
   * Submits a new order.
   * @param request - side, type, quantity, prices, time in force, flags, id, owner
   * @returns the order id, its state and every event caused (a reject is `ok: false`)
   */
  submit(request: OrderRequest): CommandResult {
    return this.command(CMD_SUBMIT, request, undefined, undefined);
  }

  private submitImpl(request: OrderRequest): CommandResult {
    if (typeof request !== 'object' || request === null) {
      return this.reject('submit', this.nextOrderId(), 'invalid-order', undefined);
    }
    const orderId = request.orderId ?? this.nextOrderId();
    try {
      const check = this.validate(request, orderId);
      if (typeof check === 'string') return this.reject('submit', orderId, check, undefined);
      const { priceTicks, stopTicks, lots, tif, expireAtMs } = check;
      const rec: OrderRecord = {
        orderId,
        side: request.side,
        orderType: request.type,
        timeInForce: tif,
        postOnly: request.postOnly === true,
        owner: request.owner,
        ownerKey: this.ownerKey(request.owner),
        status: 'new',
        priceTicks,
        stopTicks,
        triggered: !(request.type === 'stop' || request.type === 'stop-limit'),
        qtyLots: lots,
        cumLots: 0,
        notional: DECIMAL_ZERO,
        expireAtMs,
      };
      if (!rec.triggered) {
        this.orders.set(orderId, rec);
        this.emit(this.acceptedEvent(rec));
        this.stops.push(rec);
        if (!Number.isNaN(rec.expireAtMs)) this.gtd.push(rec);
        this.checkStops();
        return this.finish(orderId, true, undefined);
      }
      const status = this.enter(rec, true);
      if (status !== 'ok') return this.reject('submit', orderId, status, undefined);
      if (!Number.isNaN(rec.expireAtMs) && !isClosed(rec.status)) this.gtd.push(rec);
      this.checkStops();
      return this.finish(orderId, true, undefined);
    } finally {
      this.taker = undefined;
    }
  }

  /**
   * Cancels an open order (resting, or a stop waiting for its trigger).
   * @param orderId - the order
   * @returns the result; rejected with `unknown-order` or `order-closed`
   */
  cancel(orderId: string): CommandResult {
    return this.command(CMD_CANCEL, undefined, orderId, undefined);
  }

  private cancelImpl(orderId: string): CommandResult {
    const rec = this.orders.get(orderId);
    if (rec === undefined) {
      return this.reject('cancel', orderId, 'unknown-order', `no order '${safeId(orderId)}'`);
    }
    if (isClosed(rec.status)) {
      return this.reject('cancel', orderId, 'order-closed', `order '${orderId}' is ${rec.status}`);
    }
    if (!rec.triggered) {
      this.stops.splice(this.stops.indexOf(rec), 1);
    } else {
      this.taker = rec;
      this.book.cancel(orderId);
      this.taker = undefined;
    }
    this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'user');
    return this.finish(orderId, true, undefined);
  }

  /**
   * Amends an open order's limit price and/or total quantity. Reducing the quantity keeps queue
   * priority; raising it or changing the price sends the order to the back of the queue. A price
   * that crosses the book makes the order trade at once (a post-only order is rejected instead).
   * The new quantity is the order's total (FIX OrderQty): it must exceed what has filled.
   * A waiting stop order can be amended too (its limit price and quantity).
   *
   * @param orderId - the order
   * @param amend - new price and/or quantity
   * @returns the result; rejects: `unknown-order`, `order-closed`, `no-change`,
   *   `qty-below-filled`, instrument-rule reasons, `would-cross`
   */
  amend(orderId: string, amend: AmendRequest): CommandResult {
    return this.command(CMD_AMEND, undefined, orderId, amend);
  }

  private amendImpl(orderId: string, amend: AmendRequest): CommandResult {
    try {
      const rec = this.orders.get(orderId);
      if (rec === undefined) {
        return this.reject('amend', orderId, 'unknown-order', `no order '${safeId(orderId)}'`);
      }
      if (typeof amend !== 'object' || amend === null) {
        return this.reject('amend', orderId, 'invalid-order', 'the amend must be an object');
      }
      if (isClosed(rec.status)) {
        return this.reject('amend', orderId, 'order-closed', `order '${orderId}' is ${rec.status}`);
      }
      let priceTicks = rec.priceTicks;
      let qtyLots = rec.qtyLots;
      let stopTicks = rec.stopTicks;
      if (amend.stopPrice !== undefined) {
        if (rec.triggered) {
          return this.reject(
            'amend',
            orderId,
            'unexpected-price',
            'only a stop order waiting for its trigger has a stop price to amend',
          );
        }
        const p = this.parsePrice(amend.stopPrice);
        if (typeof p === 'string') return this.reject('amend', orderId, p, undefined);
        stopTicks = p;
      }
      if (amend.price !== undefined) {
        if (Number.isNaN(rec.priceTicks)) {
          return this.reject('amend', orderId, 'unexpected-price', 'this order has no limit price');
        }
        const p = this.parsePrice(amend.price);
        if (typeof p === 'string') return this.reject('amend', orderId, p, undefined);
        priceTicks = p;
      }
      if (amend.qty !== undefined) {
        const q = this.parseQty(amend.qty);
        if (typeof q === 'string') return this.reject('amend', orderId, q, undefined);
        qtyLots = q;
      }
      if (
        (priceTicks === rec.priceTicks ||
          (Number.isNaN(priceTicks) && Number.isNaN(rec.priceTicks))) &&
        qtyLots === rec.qtyLots &&
        (stopTicks === rec.stopTicks || rec.triggered)
      ) {
        return this.reject('amend', orderId, 'no-change', 'the amend changes nothing');
      }
      if (qtyLots <= rec.cumLots) {
        return this.reject(
          'amend',
          orderId,
          'qty-below-filled',
          `new quantity must exceed the filled ${this.lotsToQty(rec.cumLots).toString()}`,
        );
      }
      const rule = this.ruleCheck(priceTicks, qtyLots);
      if (rule !== null) return this.reject('amend', orderId, rule, undefined);
      const leaves = qtyLots - rec.cumLots;
      if (!rec.triggered) {
        rec.priceTicks = priceTicks;
        rec.qtyLots = qtyLots;
        rec.stopTicks = stopTicks;
        this.emit(this.amendedEvent(rec, false));
        this.checkStops(); // a new stop price may already be reached
        return this.finish(orderId, true, undefined);
      }
      const oldPrice = rec.priceTicks;
      const oldLeaves = rec.qtyLots - rec.cumLots;
      const crosses = this.wouldCross(rec.side, priceTicks);
      if (crosses && rec.postOnly) {
        return this.reject('amend', orderId, 'would-cross', 'a post-only order may not cross');
      }
      const kept = priceTicks === oldPrice && leaves < oldLeaves;
      rec.priceTicks = priceTicks;
      rec.qtyLots = qtyLots;
      this.emit(this.amendedEvent(rec, kept));
      this.taker = rec;
      const status = this.book.amend(orderId, priceTicks, leaves);
      if (status !== 'ok') {
        // unreachable after the checks above: the book refused without changing anything
        throw new IntegrityError(`internal: the book refused a checked amend (${status})`);
      }
      const out = this.book.outcome;
      if (crosses && out.canceledLots > 0) {
        this.closeCanceled(rec, out.canceledLots, 'self-trade-prevention');
      }
      this.checkStops();
      return this.finish(orderId, true, undefined);
    } finally {
      this.taker = undefined;
    }
  }

  /**
   * Expires the GTD orders whose `expireAtMs` the clock has reached (every command also does this
   * first). Call it after advancing a manual clock to see expiries without another command.
   * @returns the events: for each expired order an L3 `cancel` (if it rested) and a `canceled`
   *   report with reason `'expired'`
   */
  expireOrders(): readonly EngineEvent[] {
    return this.command(CMD_EXPIRE, undefined, undefined, undefined).events;
  }

  // ------------------------------------------------------------------ queries

  /**
   * An order's state, or `undefined` for an unknown id.
   * @param orderId - the order
   */
  getOrder(orderId: string): OrderView | undefined {
    const rec = this.orders.get(orderId);
    return rec === undefined ? undefined : this.view(rec);
  }

  /**
   * Quantity resting ahead of an order in its level's queue, or `undefined` when the order is
   * not resting in the book.
   * @param orderId - the order
   */
  queueAhead(orderId: string): Decimal | undefined {
    const lots = this.book.queueAheadLots(orderId);
    return Number.isNaN(lots) ? undefined : this.lotsToQty(lots);
  }

  /**
   * Quantity of an order resting in the book (0 when it is not resting).
   * @param orderId - the order
   */
  restingQty(orderId: string): Decimal {
    return this.lotsToQty(this.book.remainingLots(orderId));
  }

  /** Best bid, or `undefined` when there are no bids. */
  bestBid(): Decimal | undefined {
    const t = this.book.bestBid();
    return Number.isNaN(t) ? undefined : this.ticksToPrice(t);
  }

  /** Best ask, or `undefined` when there are no asks. */
  bestAsk(): Decimal | undefined {
    const t = this.book.bestAsk();
    return Number.isNaN(t) ? undefined : this.ticksToPrice(t);
  }

  /** Last trade price, or `undefined` before the first trade. */
  lastPrice(): Decimal | undefined {
    const t = this.book.lastTradeTicks();
    return Number.isNaN(t) ? undefined : this.ticksToPrice(t);
  }

  /**
   * The top `levels` levels per side as an L2 snapshot in numbers (`out` is reused when given).
   * @param levels - N, when no `out` is given
   * @param out - a snapshot to fill; its length decides N
   * @returns the snapshot, stamped with the clock's time
   */
  l2Snapshot(levels = 10, out?: L2Snapshot): L2Snapshot {
    const snap = out ?? {
      ts: 0,
      bidPrice: new Float64Array(levels),
      bidSize: new Float64Array(levels),
      askPrice: new Float64Array(levels),
      askSize: new Float64Array(levels),
    };
    snap.ts = this.clock.now();
    return this.book.fillL2(snap, this.instrument.tickSizeNumber, this.instrument.lotSizeNumber);
  }

  /**
   * Drops the record of a closed (filled, canceled) order to bound memory in long runs; later
   * commands about it are rejected with `unknown-order` instead of `order-closed`.
   * @param orderId - the order
   * @returns true when a closed order was forgotten; false for an open or unknown order
   */
  forget(orderId: string): boolean {
    const rec = this.orders.get(orderId);
    if (rec === undefined || !isClosed(rec.status)) return false;
    this.orders.delete(orderId);
    return true;
  }

  /** Open orders (resting or waiting stops), in no particular order. */
  openOrders(): OrderView[] {
    const res: OrderView[] = [];
    for (const rec of this.orders.values()) if (!isClosed(rec.status)) res.push(this.view(rec));
    return res;
  }

  // ------------------------------------------------------------------ internals

  /**
   * Runs one command with its own event list, then publishes L2 deltas and delivers the events
   * to listeners once the engine is consistent again. Commands issued by a listener nest: their
   * events are delivered after the ones being delivered. (A command code and its arguments rather
   * than a closure: no allocation per command for the dispatch.)
   */
  private command(
    kind: number,
    request: OrderRequest | undefined,
    orderId: string | undefined,
    amend: AmendRequest | undefined,
  ): CommandResult {
    const savedEvents = this.events;
    const savedTs = this.ts;
    const savedTaker = this.taker;
    this.events = [];
    this.ts = this.clock.now();
    this.taker = undefined;
    let result: CommandResult;
    try {
      this.expireDue();
      if (kind === CMD_SUBMIT) result = this.submitImpl(request as OrderRequest);
      else if (kind === CMD_CANCEL) result = this.cancelImpl(orderId as string);
      else if (kind === CMD_AMEND)
        result = this.amendImpl(orderId as string, amend as AmendRequest);
      else result = { orderId: '', ok: true, order: undefined, events: this.events };
    } finally {
      this.events = savedEvents;
      this.taker = savedTaker;
    }
    const ts = this.ts;
    this.ts = savedTs;
    this.publishL2(ts);
    this.deliver(result.events);
    return result;
  }

  /** Expires every GTD order whose time has come (events go to the current command). */
  private expireDue(): void {
    if (this.gtd.length === 0) return;
    const now = this.ts;
    let kept = 0;
    for (let i = 0; i < this.gtd.length; i++) {
      const rec = this.gtd[i]!;
      if (isClosed(rec.status)) continue;
      if (rec.expireAtMs > now) {
        this.gtd[kept++] = rec;
        continue;
      }
      if (!rec.triggered) this.stops.splice(this.stops.indexOf(rec), 1);
      else {
        this.taker = rec;
        this.book.cancel(rec.orderId);
        this.taker = undefined;
      }
      this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'expired');
    }
    this.gtd.length = kept;
  }

  private deliver(events: readonly EngineEvent[]): void {
    if (this.listeners.length === 0 || events.length === 0) return;
    for (let i = 0; i < events.length; i++) this.queue.push(events[i]!);
    if (this.delivering) return;
    this.delivering = true;
    let errors: unknown[] | undefined; // allocated on the first error only
    try {
      // events queued by commands that listeners issue are appended and delivered in this loop
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i]!;
        const ls = this.listeners;
        for (let j = 0; j < ls.length; j++) {
          try {
            ls[j]!(e);
          } catch (err) {
            let failure: unknown = err;
            let failed = true; // (a listener may throw undefined)
            if (this.onListenerError !== undefined) {
              try {
                this.onListenerError(err, e);
                failed = false;
              } catch (handlerErr) {
                failure = handlerErr;
              }
            }
            if (failed) {
              if (errors === undefined) errors = [failure];
              else errors.push(failure);
            }
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.delivering = false;
    }
    if (errors !== undefined) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, `${errors.length} event listeners threw`);
    }
  }

  private publishL2(ts: number): void {
    for (let i = 0; i < this.l2Subs.length; i++) {
      const sub = this.l2Subs[i]!;
      this.book.fillL2(sub.snap, this.instrument.tickSizeNumber, this.instrument.lotSizeNumber);
      sub.snap.ts = ts;
      sub.tracker.diff(sub.snap, sub.listener);
    }
  }

  private finish(orderId: string, ok: boolean, reason: RejectReason | undefined): CommandResult {
    const rec = this.orders.get(orderId);
    const order = rec === undefined ? undefined : this.view(rec);
    return reason === undefined
      ? { orderId, ok, order, events: this.events }
      : { orderId, ok, reason, order, events: this.events };
  }

  private emit(e: EngineEvent): void {
    this.events.push(e);
  }

  private reject(
    command: 'submit' | 'cancel' | 'amend',
    orderId: string,
    reason: RejectReason | BookReject,
    message: string | undefined,
  ): CommandResult {
    const r = reason as RejectReason;
    // a malformed request may carry a non-string id: report it as a string, as typed
    if (typeof orderId !== 'string') orderId = safeId(orderId);
    this.emit({
      type: 'rejected',
      ts: this.ts,
      orderId,
      command,
      reason: r,
      message: message ?? REJECT_MESSAGES[r] ?? r,
    });
    return this.finish(orderId, false, r);
  }

  private nextOrderId(): string {
    let id: string;
    do id = `${this.idPrefix}${++this.idSeq}`;
    while (this.orders.has(id));
    return id;
  }

  private ownerKey(owner: string | undefined): number {
    if (owner === undefined) return 0;
    let k = this.owners.get(owner);
    if (k === undefined) {
      k = this.owners.size + 1;
      this.owners.set(owner, k);
    }
    return k;
  }

  private parsePrice(price: DecimalLike): number | RejectReason {
    const primitive = typeof price === 'number' || typeof price === 'string';
    if (primitive) {
      const hit = this.priceParseCache.get(price);
      if (hit !== undefined) return hit;
    }
    const r = this.parsePriceSlow(price);
    if (primitive) cachePut(this.priceParseCache, price, r);
    return r;
  }

  private parsePriceSlow(price: DecimalLike): number | RejectReason {
    let p: Decimal;
    try {
      p = toDecimal(price, 'price');
    } catch {
      return 'invalid-order';
    }
    if (!p.gt(0)) return 'non-positive-price';
    const t = p.div(this.tick);
    if (!t.isInteger()) return 'off-tick';
    const n = t.toNumber();
    return Number.isSafeInteger(n) ? n : 'invalid-order';
  }

  private parseQty(qty: DecimalLike): number | RejectReason {
    const primitive = typeof qty === 'number' || typeof qty === 'string';
    if (primitive) {
      const hit = this.qtyParseCache.get(qty);
      if (hit !== undefined) return hit;
    }
    const r = this.parseQtySlow(qty);
    if (primitive) cachePut(this.qtyParseCache, qty, r);
    return r;
  }

  private parseQtySlow(qty: DecimalLike): number | RejectReason {
    let q: Decimal;
    try {
      q = toDecimal(qty, 'qty');
    } catch {
      return 'invalid-order';
    }
    if (!q.gt(0)) return 'non-positive-qty';
    const l = q.div(this.lot);
    if (!l.isInteger()) return 'off-lot';
    const n = l.toNumber();
    return Number.isSafeInteger(n) ? n : 'invalid-order';
  }

  private ruleCheck(priceTicks: number, lots: number): RejectReason | null {
    // qty >= minQty  <=>  lots >= ceil(minQty / lot);  price × qty >= minNotional  <=>
    // ticks × lots >= ceil(minNotional / (tick × lot)): integer tests, exact
    if (lots < this.minLots) return 'below-min-qty';
    if (!Number.isNaN(priceTicks)) {
      const units = priceTicks * lots;
      if (Number.isSafeInteger(units)) {
        if (units < this.minNotionalUnits) return 'below-min-notional';
      } else if (
        this.ticksToPrice(priceTicks).times(this.lotsToQty(lots)).lt(this.instrument.minNotional)
      ) {
        return 'below-min-notional';
      }
    }
    return null;
  }

  private validate(r: OrderRequest, orderId: string): RejectReason | CheckedOrder {
    if (typeof r !== 'object' || r === null) return 'invalid-order';
    if (typeof orderId !== 'string' || orderId.length === 0) return 'invalid-order';
    if (this.orders.has(orderId)) return 'duplicate-order-id';
    if (r.side !== 'buy' && r.side !== 'sell') return 'invalid-order';
    const t = r.type;
    if (t !== 'limit' && t !== 'market' && t !== 'stop' && t !== 'stop-limit')
      return 'invalid-order';
    const tif = r.timeInForce ?? (t === 'market' || t === 'stop' ? 'IOC' : 'GTC');
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'GTD') return 'invalid-order';
    if ((t === 'market' || t === 'stop') && (tif === 'GTC' || tif === 'GTD')) {
      return 'invalid-order';
    }
    let expireAtMs = Number.NaN;
    if (tif === 'GTD') {
      const x = r.expireAtMs;
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= this.ts) return 'invalid-order';
      expireAtMs = x;
    } else if (r.expireAtMs !== undefined) return 'invalid-order';
    if (r.owner !== undefined && typeof r.owner !== 'string') return 'invalid-order';
    const hasLimit = t === 'limit' || t === 'stop-limit';
    const isStop = t === 'stop' || t === 'stop-limit';
    // the same order of checks as Instrument.checkOrder: quantity rules, then price rules
    const lots = this.parseQty(r.qty);
    if (typeof lots === 'string') return lots;
    if (lots < this.minLots) return 'below-min-qty';
    let priceTicks = Number.NaN;
    if (hasLimit) {
      if (r.price === undefined) return 'missing-price';
      const p = this.parsePrice(r.price);
      if (typeof p === 'string') return p;
      priceTicks = p;
    } else if (r.price !== undefined) return 'unexpected-price';
    let stopTicks = Number.NaN;
    if (isStop) {
      if (r.stopPrice === undefined) return 'missing-stop-price';
      const p = this.parsePrice(r.stopPrice);
      if (typeof p === 'string') return p;
      stopTicks = p;
    } else if (r.stopPrice !== undefined) return 'unexpected-price';
    if (r.postOnly === true && !hasLimit) return 'invalid-order';
    const rule = this.ruleCheck(priceTicks, lots);
    if (rule !== null) return rule;
    // one reused object: the caller reads it at once (no allocation per order for the result)
    const c = this.checked;
    c.priceTicks = priceTicks;
    c.stopTicks = stopTicks;
    c.lots = lots;
    c.tif = tif;
    c.expireAtMs = expireAtMs;
    return c;
  }

  private wouldCross(side: Side, priceTicks: number): boolean {
    if (side === 'buy') {
      const a = this.book.bestAsk();
      return !Number.isNaN(a) && a <= priceTicks;
    }
    const b = this.book.bestBid();
    return !Number.isNaN(b) && b >= priceTicks;
  }

  /** Sends a live (non-stop or triggered) order into the book. */
  private enter(rec: OrderRecord, fresh: boolean): BookReject {
    const lots = rec.qtyLots - rec.cumLots;
    // pre-checks that must not leave an accepted order behind
    const isMarket = Number.isNaN(rec.priceTicks);
    const oppEmpty =
      rec.side === 'buy' ? Number.isNaN(this.book.bestAsk()) : Number.isNaN(this.book.bestBid());
    if (fresh) {
      if (rec.postOnly && this.wouldCross(rec.side, rec.priceTicks)) return 'would-cross';
      if (isMarket && oppEmpty) return 'no-liquidity';
      if (rec.timeInForce === 'FOK' && !this.fokFillable(rec, lots)) {
        return 'fok-unfillable';
      }
      this.orders.set(rec.orderId, rec);
      this.emit(this.acceptedEvent(rec));
    }
    this.taker = rec;
    const status = this.book.submit(
      rec.orderId,
      rec.side,
      rec.priceTicks,
      lots,
      rec.timeInForce === 'GTD' ? 'GTC' : rec.timeInForce,
      rec.postOnly,
      rec.ownerKey,
    );
    if (status !== 'ok') {
      // a triggered stop that cannot trade (market into an empty side, FOK unfillable)
      const reason: CancelReason = isMarket ? 'market-remainder' : 'ioc-remainder';
      this.closeCanceled(rec, lots, reason);
      return 'ok';
    }
    const out = this.book.outcome;
    if (out.canceledLots > 0) {
      const reason: CancelReason = out.selfTradeCanceled
        ? 'self-trade-prevention'
        : isMarket
          ? 'market-remainder'
          : 'ioc-remainder';
      this.closeCanceled(rec, out.canceledLots, reason);
    }
    return 'ok';
  }

  private fokFillable(rec: OrderRecord, lots: number): boolean {
    return this.book.fillableLots(rec.side, rec.priceTicks, lots, rec.ownerKey) >= lots;
  }

  private checkStops(): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const last = this.book.lastTradeTicks();
      if (Number.isNaN(last) || this.stops.length === 0) return;
      let idx = -1;
      for (let i = 0; i < this.stops.length; i++) {
        const s = this.stops[i]!;
        if (s.side === 'buy' ? last >= s.stopTicks : last <= s.stopTicks) {
          idx = i;
          break;
        }
      }
      if (idx < 0) return;
      const rec = this.stops[idx]!;
      this.stops.splice(idx, 1);
      rec.triggered = true;
      this.emit({
        type: 'triggered',
        ts: this.ts,
        orderId: rec.orderId,
        stopPrice: this.ticksToPrice(rec.stopTicks),
        lastPrice: this.ticksToPrice(last),
      });
      if (rec.postOnly && this.wouldCross(rec.side, rec.priceTicks)) {
        this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'post-only-would-cross');
        continue;
      }
      if (rec.timeInForce === 'FOK' && !this.fokFillable(rec, rec.qtyLots - rec.cumLots)) {
        this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'fok-unfillable');
        continue;
      }
      this.enter(rec, false);
      this.taker = undefined;
    }
  }

  private closeCanceled(rec: OrderRecord, lots: number, reason: CancelReason): void {
    rec.status = reason === 'expired' ? 'expired' : 'canceled';
    this.emit({
      type: 'canceled',
      ts: this.ts,
      orderId: rec.orderId,
      canceledQty: this.lotsToQty(lots),
      cumQty: this.lotsToQty(rec.cumLots),
      reason,
    });
  }

  private ticksToPrice(t: number): Decimal {
    let d = this.priceCache.get(t);
    if (d === undefined) {
      d = this.tick.times(t);
      cachePut(this.priceCache, t, d);
    }
    return d;
  }

  private lotsToQty(l: number): Decimal {
    let d = this.qtyCache.get(l);
    if (d === undefined) {
      d = this.lot.times(l);
      cachePut(this.qtyCache, l, d);
    }
    return d;
  }

  private acceptedEvent(rec: OrderRecord): OrderAccepted {
    const e: Mutable<OrderAccepted> = {
      type: 'accepted',
      ts: this.ts,
      orderId: rec.orderId,
      side: rec.side,
      orderType: rec.orderType,
      qty: this.lotsToQty(rec.qtyLots),
      timeInForce: rec.timeInForce,
    };
    if (!Number.isNaN(rec.priceTicks)) e.price = this.ticksToPrice(rec.priceTicks);
    if (!Number.isNaN(rec.stopTicks)) e.stopPrice = this.ticksToPrice(rec.stopTicks);
    if (!Number.isNaN(rec.expireAtMs)) e.expireAtMs = rec.expireAtMs;
    return e;
  }

  private amendedEvent(rec: OrderRecord, keptPriority: boolean): OrderAmended {
    const e: Mutable<OrderAmended> = {
      type: 'amended',
      ts: this.ts,
      orderId: rec.orderId,
      qty: this.lotsToQty(rec.qtyLots),
      leavesQty: this.lotsToQty(rec.qtyLots - rec.cumLots),
      keptPriority,
    };
    if (!Number.isNaN(rec.priceTicks)) e.price = this.ticksToPrice(rec.priceTicks);
    if (!Number.isNaN(rec.stopTicks) && !rec.triggered)
      e.stopPrice = this.ticksToPrice(rec.stopTicks);
    return e;
  }

  private view(rec: OrderRecord): OrderView {
    const cum = this.lotsToQty(rec.cumLots);
    const open = !isClosed(rec.status);
    return {
      orderId: rec.orderId,
      side: rec.side,
      orderType: rec.orderType,
      timeInForce: rec.timeInForce,
      status: rec.status,
      price: Number.isNaN(rec.priceTicks) ? undefined : this.ticksToPrice(rec.priceTicks),
      stopPrice: Number.isNaN(rec.stopTicks) ? undefined : this.ticksToPrice(rec.stopTicks),
      triggered: rec.triggered,
      qty: this.lotsToQty(rec.qtyLots),
      cumQty: cum,
      leavesQty: open ? this.lotsToQty(rec.qtyLots - rec.cumLots) : DECIMAL_ZERO,
      avgPrice: rec.cumLots === 0 ? undefined : rec.notional.div(cum),
      notional: rec.notional,
      owner: rec.owner,
      expireAtMs: Number.isNaN(rec.expireAtMs) ? undefined : rec.expireAtMs,
    };
  }

  private fill(
    rec: OrderRecord,
    tradeId: string,
    price: Decimal,
    lots: number,
    liquidity: Liquidity,
    counterparty: string,
    leavesLots: number,
  ): void {
    const qty = this.lotsToQty(lots);
    rec.cumLots += lots;
    rec.notional = rec.notional.plus(price.times(qty));
    const cum = this.lotsToQty(rec.cumLots);
    rec.status = rec.cumLots === rec.qtyLots ? 'filled' : 'partially-filled';
    this.emit({
      type: 'fill',
      ts: this.ts,
      orderId: rec.orderId,
      tradeId,
      side: rec.side,
      price,
      qty,
      liquidity,
      counterpartyOrderId: counterparty,
      cumQty: cum,
      leavesQty: this.lotsToQty(leavesLots),
      avgPrice: rec.notional.div(cum),
      status: rec.status,
    });
  }

  private bookListener(): BookListener {
    const tickN = this.instrument.tickSizeNumber;
    const lotN = this.instrument.lotSizeNumber;
    return {
      onAdd: (orderId, side, priceTicks, lots) => {
        this.emit({
          type: 'add',
          ts: this.ts,
          orderId: orderId as string,
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
        });
      },
      onModify: (orderId, side, priceTicks, lots, keptPriority) => {
        this.emit({
          type: 'modify',
          ts: this.ts,
          orderId: orderId as string,
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
          keptPriority,
        });
      },
      onCancel: (orderId, side, priceTicks, lots) => {
        this.emit({
          type: 'cancel',
          ts: this.ts,
          orderId: orderId as string,
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
        });
        // a self-trade-prevention cancel of a maker closes that order
        const rec = this.orders.get(String(orderId));
        if (rec !== undefined && rec !== this.taker && !isClosed(rec.status)) {
          this.closeCanceled(rec, lots, 'self-trade-prevention');
        }
      },
      onExecute: (makerId, takerId, makerSide, priceTicks, lots, makerLeft, tradeSeq) => {
        const tradeId = `${this.tradePrefix}${tradeSeq}`;
        const priceN = unitsToNumber(priceTicks, tickN);
        const qtyN = unitsToNumber(lots, lotN);
        this.emit({
          type: 'execute',
          ts: this.ts,
          makerOrderId: makerId as string,
          takerOrderId: takerId as string,
          side: makerSide,
          price: priceN,
          qty: qtyN,
          tradeId,
        });
        this.emit({
          type: 'trade',
          ts: this.ts,
          tradeId,
          price: priceN,
          qty: qtyN,
          aggressor: makerSide === 'buy' ? 'sell' : 'buy',
          makerOrderId: makerId as string,
          takerOrderId: takerId as string,
        });
        const price = this.ticksToPrice(priceTicks);
        const maker = this.orders.get(String(makerId));
        const taker = this.taker;
        if (maker !== undefined) {
          this.fill(maker, tradeId, price, lots, 'maker', String(takerId), makerLeft);
        }
        if (taker !== undefined) {
          const leaves = taker.qtyLots - taker.cumLots - lots;
          this.fill(taker, tradeId, price, lots, 'taker', String(makerId), leaves);
        }
      },
    };
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Any value as a string id, without throwing (malformed input must still get a reject). */
function safeId(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '[unprintable id]';
  }
}

const CACHE_LIMIT = 8192;

/** Map.set that empties the table first when it is full (a crude but allocation-light bound). */
function cachePut<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
}

function isClosed(status: OrderStatus): boolean {
  return (
    status === 'filled' || status === 'canceled' || status === 'rejected' || status === 'expired'
  );
}

const REJECT_MESSAGES: Partial<Record<RejectReason, string>> = {
  'off-tick': 'price is not a multiple of the tick size',
  'off-lot': 'quantity is not a multiple of the lot size',
  'non-positive-qty': 'quantity must be > 0',
  'non-positive-price': 'price must be > 0',
  'below-min-qty': 'quantity is below the instrument minimum',
  'below-min-notional': 'price × quantity is below the instrument minimum notional',
  'missing-price': 'a limit or stop-limit order needs a price',
  'missing-stop-price': 'a stop or stop-limit order needs a stop price',
  'unexpected-price': 'this order type takes no such price',
  'invalid-order': 'malformed order (side, type, time in force, flags or id)',
  'duplicate-order-id': 'an order with this id already exists',
  'would-cross': 'a post-only order may not take liquidity',
  'fok-unfillable': 'a fill-or-kill order cannot be filled completely now',
  'no-liquidity': 'no liquidity on the opposite side for a market order',
};
