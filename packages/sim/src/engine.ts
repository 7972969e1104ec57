/**
 * A venue you can trade against: a price-time-priority matching engine for one instrument with
 * exact decimal order entry, execution reports and market-data events.
 *
 * Internally prices are integer ticks and quantities integer lots ({@link TickBook}); the engine
 * converts at the edges with the instrument's exact rules. Commands never throw for bad orders:
 * they return a reject event with a {@link RejectReason} and the field it is about, and the book
 * is left unchanged.
 *
 * @module
 */
import {
  type Clock,
  createL2Snapshot,
  type Decimal,
  type Instrument,
  IntegrityError,
  isTerminalStatus,
  type L2Delta,
  type L2Snapshot,
  systemClock,
} from '@x/core';
import { type BookView, TickBook } from './book.js';
import type { BookListener, SelfTradePrevention } from './book-types.js';
import type {
  AmendRequest,
  CancelReason,
  CommandResult,
  EngineEvent,
  OrderRequest,
  OrderView,
  RejectReason,
} from './events.js';
import { Fanout } from './internal/fanout.js';
import { Formatter } from './internal/format.js';
import {
  type CheckedOrder,
  type EntryReject,
  entryReject,
  newOrderRecord,
  notOpen,
  OrderEntry,
  safeId,
  submitIdentity,
} from './internal/order-entry.js';
import type { OrderRecord } from './internal/records.js';
import { ExpiryQueue, StopQueue } from './internal/triggers.js';
import { L2DeltaTracker } from './l2.js';
import { unitsToNumber } from './units.js';
import type { TradingVenue } from './venue.js';

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
  /**
   * The end of the trading session containing (or following) a time, in milliseconds, which makes
   * `timeInForce: 'DAY'` available: a DAY order expires then, like a GTD order. Without it DAY
   * orders are rejected (the engine models no session).
   */
  readonly dayEndMs?: (nowMs: number) => number;
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
export class MatchingEngine implements TradingVenue {
  /** The instrument traded. */
  readonly instrument: Instrument;
  /** The integer book underneath, read-only: tick-level queries (queue position, levels, L2). */
  readonly book: BookView;
  private readonly tickBook: TickBook;
  private readonly clock: Clock;
  private readonly fanout: Fanout<EngineEvent>;
  private readonly entry: OrderEntry;
  private readonly fmt: Formatter;
  private readonly orders = new Map<string, OrderRecord>();
  /** A fresh order id, bound once (no closure per submit). */
  private readonly freshId = (): string => this.nextOrderId();
  private readonly owners = new Map<string, number>();
  private readonly stops = new StopQueue();
  private readonly expiries = new ExpiryQueue();
  private readonly idPrefix: string;
  private readonly tradePrefix: string;
  private idSeq = 0;
  private orderSeq = 0;
  /** The running command's events and time; the outer commands' ones on the stacks. */
  private events: EngineEvent[] = [];
  private ts = 0;
  private readonly eventStack: EngineEvent[][] = [];
  private readonly tsStack: number[] = [];
  private readonly l2Subs: {
    snap: L2Snapshot;
    tracker: L2DeltaTracker;
    listener: (delta: L2Delta) => void;
  }[] = [];

  /**
   * @param instrument - the instrument's rules (tick, lot, minimum quantity and notional)
   * @param options - clock, self-trade prevention, listener, id prefixes, session end
   * @throws `ValidationError` (from `@x/core`) for an unknown self-trade prevention mode
   */
  constructor(instrument: Instrument, options: MatchingEngineOptions = {}) {
    this.instrument = instrument;
    this.clock = options.clock ?? systemClock;
    this.idPrefix = options.orderIdPrefix ?? 'O';
    this.tradePrefix = options.tradeIdPrefix ?? 'T';
    this.entry = new OrderEntry(instrument, options.dayEndMs);
    this.fmt = new Formatter(instrument);
    this.fanout = new Fanout(options.onListenerError);
    if (options.onEvent !== undefined) this.fanout.subscribe(options.onEvent);
    this.tickBook = new TickBook({
      listener: this.bookListener(),
      selfTradePrevention: options.selfTradePrevention ?? 'none',
    });
    this.book = this.tickBook;
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
    return this.fanout.subscribe(listener);
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
    this.fillL2(sub.snap, this.clock.now());
    sub.tracker.diff(sub.snap, listener);
    return () => {
      const i = this.l2Subs.indexOf(sub);
      if (i >= 0) this.l2Subs.splice(i, 1);
    };
  }

  // ------------------------------------------------------------------ commands
  // Each command runs with its own event list (commands issued by listeners nest), then
  // publishes L2 deltas and delivers its events once the engine is consistent again.

  /**
   * Submits a new order.
   * @param request - side, type, quantity, prices, time in force, flags, id, owner
   * @returns the order id, its state and every event caused (a reject is `ok: false`)
   */
  submit(request: OrderRequest): CommandResult {
    const ts = this.begin();
    let result: CommandResult;
    try {
      this.expireDue();
      result = this.submitOrder(request);
    } finally {
      this.end();
    }
    this.publish(result.events, ts);
    return result;
  }

  /**
   * Cancels an open order (resting, or a stop waiting for its trigger).
   * @param orderId - the order
   * @returns the result; rejected with `unknown-order` or `order-closed`
   */
  cancel(orderId: string): CommandResult {
    const ts = this.begin();
    let result: CommandResult;
    try {
      this.expireDue();
      result = this.cancelOrder(orderId);
    } finally {
      this.end();
    }
    this.publish(result.events, ts);
    return result;
  }

  /**
   * Amends an open order's limit price, total quantity and (for a stop still waiting for its
   * trigger) trigger price. A field restating the current value is no change. Reducing the
   * quantity keeps queue priority; raising it or changing the price sends the order to the back
   * of the queue. A price that crosses the book makes the order trade at once (a post-only order
   * is rejected instead). The new quantity is the order's total (FIX OrderQty): it must exceed
   * what has filled.
   *
   * @param orderId - the order
   * @param amend - new price, quantity and/or stop price
   * @returns the result; rejects: `unknown-order`, `order-closed`, `no-change`,
   *   `qty-below-filled`, `unexpected-price`, instrument-rule reasons, `would-cross`
   */
  amend(orderId: string, amend: AmendRequest): CommandResult {
    const ts = this.begin();
    let result: CommandResult;
    try {
      this.expireDue();
      result = this.amendOrder(orderId, amend);
    } finally {
      this.end();
    }
    this.publish(result.events, ts);
    return result;
  }

  /**
   * Expires the GTD (and DAY) orders whose expiry the clock has reached (every command also does
   * this first). Call it after advancing a manual clock to see expiries without another command.
   * @returns the events: for each expired order an L3 `cancel` (if it rested) and a `canceled`
   *   report with reason `'expired'`
   */
  expireOrders(): readonly EngineEvent[] {
    const ts = this.begin();
    let events: EngineEvent[];
    try {
      this.expireDue();
      events = this.events;
    } finally {
      this.end();
    }
    this.publish(events, ts);
    return events;
  }

  // ------------------------------------------------------------------ queries

  /**
   * An order's state, or `undefined` for an unknown id.
   * @param orderId - the order
   */
  getOrder(orderId: string): OrderView | undefined {
    const rec = this.orders.get(orderId);
    return rec === undefined ? undefined : this.fmt.view(rec);
  }

  /**
   * Quantity resting ahead of an order in its level's queue, or `undefined` when the order is
   * not resting in the book.
   * @param orderId - the order
   */
  queueAhead(orderId: string): Decimal | undefined {
    const lots = this.tickBook.queueAheadLots(orderId);
    return Number.isNaN(lots) ? undefined : this.fmt.qty(lots);
  }

  /**
   * Quantity of an order resting in the book (0 when it is not resting).
   * @param orderId - the order
   */
  restingQty(orderId: string): Decimal {
    return this.fmt.qty(this.tickBook.remainingLots(orderId));
  }

  /** Best bid, or `undefined` when there are no bids. */
  bestBid(): Decimal | undefined {
    return this.priceOrUndefined(this.tickBook.bestBid());
  }

  /** Best ask, or `undefined` when there are no asks. */
  bestAsk(): Decimal | undefined {
    return this.priceOrUndefined(this.tickBook.bestAsk());
  }

  /** Last trade price, or `undefined` before the first trade. */
  lastPrice(): Decimal | undefined {
    return this.priceOrUndefined(this.tickBook.lastTradeTicks());
  }

  /**
   * The top `levels` levels per side as an L2 snapshot in numbers (`out` is reused when given).
   * @param levels - N, when no `out` is given
   * @param out - a snapshot to fill; its length decides N
   * @returns the snapshot, stamped with the clock's time
   */
  l2Snapshot(levels = 10, out?: L2Snapshot): L2Snapshot {
    return this.fillL2(out ?? createL2Snapshot(levels), this.clock.now());
  }

  /**
   * Drops the record of a closed (filled, canceled) order to bound memory in long runs; later
   * commands about it are rejected with `unknown-order` instead of `order-closed`.
   * @param orderId - the order
   * @returns true when a closed order was forgotten; false for an open or unknown order
   */
  forget(orderId: string): boolean {
    const rec = this.orders.get(orderId);
    if (rec === undefined || !isTerminalStatus(rec.status)) return false;
    this.orders.delete(orderId);
    return true;
  }

  /** Open orders (resting or waiting stops), in no particular order. */
  openOrders(): OrderView[] {
    const res: OrderView[] = [];
    for (const rec of this.orders.values())
      if (!isTerminalStatus(rec.status)) res.push(this.fmt.view(rec));
    return res;
  }

  // ------------------------------------------------------------------ command frames

  /** Starts a command: a fresh event list and the clock's time; returns that time. */
  private begin(): number {
    this.eventStack.push(this.events);
    this.tsStack.push(this.ts);
    this.events = [];
    this.ts = this.clock.now();
    return this.ts;
  }

  /** Ends a command: the outer command's event list and time are current again. */
  private end(): void {
    this.events = this.eventStack.pop() as EngineEvent[];
    this.ts = this.tsStack.pop() as number;
  }

  /** L2 deltas of the finished command, then its events to the listeners. */
  private publish(events: readonly EngineEvent[], ts: number): void {
    for (let i = 0; i < this.l2Subs.length; i++) {
      const sub = this.l2Subs[i]!;
      this.fillL2(sub.snap, ts);
      sub.tracker.diff(sub.snap, sub.listener);
    }
    this.fanout.deliver(events);
  }

  // ------------------------------------------------------------------ command bodies

  private submitOrder(request: OrderRequest): CommandResult {
    const orderId = submitIdentity(request, this.orders, this.freshId);
    if (typeof orderId !== 'string') return this.reject('submit', orderId.orderId, orderId);
    const check = this.entry.check(request, this.ts);
    if ('reason' in check) return this.reject('submit', orderId, check);
    const rec = this.record(orderId, request, check);
    if (!rec.triggered) {
      this.orders.set(orderId, rec);
      this.emit(this.fmt.accepted(rec, this.ts));
      this.stops.add(rec);
      if (!Number.isNaN(rec.expireAtMs)) this.expiries.add(rec);
      this.checkStops();
      return this.finish(orderId, true, undefined);
    }
    const refused = this.enter(rec, true);
    if (refused !== undefined) return this.reject('submit', orderId, refused);
    if (!Number.isNaN(rec.expireAtMs) && !isTerminalStatus(rec.status)) this.expiries.add(rec);
    this.checkStops();
    return this.finish(orderId, true, undefined);
  }

  private record(orderId: string, r: OrderRequest, c: CheckedOrder): OrderRecord {
    const ownerKey = r.selfTradeExempt === true ? 0 : this.ownerKey(r.owner);
    return newOrderRecord(orderId, ++this.orderSeq, r, c, ownerKey, c.expireAtMs);
  }

  private cancelOrder(orderId: string): CommandResult {
    const rec = this.openRecord('cancel', orderId);
    if ('events' in rec) return rec;
    this.pull(rec);
    this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'user');
    return this.finish(orderId, true, undefined);
  }

  /** The open order's record, or the reject result (unknown or closed order). */
  private openRecord(command: 'cancel' | 'amend', orderId: string): OrderRecord | CommandResult {
    const rec = this.orders.get(orderId);
    const refused = notOpen(rec, orderId);
    return refused === undefined ? (rec as OrderRecord) : this.reject(command, orderId, refused);
  }

  /** Takes an open order out of the book or the stop queue (its events follow from the book). */
  private pull(rec: OrderRecord): void {
    if (!rec.triggered) this.stops.remove(rec);
    else this.tickBook.cancel(rec.orderId);
  }

  private amendOrder(orderId: string, amend: AmendRequest): CommandResult {
    const rec = this.openRecord('amend', orderId);
    if ('events' in rec) return rec;
    const next = this.entry.amendTarget(rec, amend);
    if ('reason' in next) return this.reject('amend', orderId, next);
    const { priceTicks, qtyLots, stopTicks } = next;
    if (!rec.triggered) {
      rec.priceTicks = priceTicks;
      rec.qtyLots = qtyLots;
      if (stopTicks !== rec.stopTicks) {
        this.stops.remove(rec);
        rec.stopTicks = stopTicks;
        this.stops.add(rec);
      }
      this.emit(this.fmt.amended(rec, false, this.ts));
      this.checkStops(); // a new stop price may already be reached
      return this.finish(orderId, true, undefined);
    }
    const leaves = qtyLots - rec.cumLots;
    const crosses = this.wouldCross(rec.side, priceTicks);
    if (crosses && rec.postOnly) {
      const why = `postOnly: order '${orderId}' at the new price would take liquidity`;
      return this.reject('amend', orderId, entryReject('would-cross', 'postOnly', why));
    }
    const kept = priceTicks === rec.priceTicks && leaves < rec.qtyLots - rec.cumLots;
    rec.priceTicks = priceTicks;
    rec.qtyLots = qtyLots;
    this.emit(this.fmt.amended(rec, kept, this.ts));
    const status = this.tickBook.amend(orderId, priceTicks, leaves);
    if (status !== 'ok') {
      // unreachable after the checks above: the book refused without changing anything
      throw new IntegrityError(`internal: the book refused a checked amend (${status})`);
    }
    const out = this.tickBook.outcome;
    if (crosses && out.canceledLots > 0) {
      this.closeCanceled(rec, out.canceledLots, 'self-trade-prevention');
    }
    this.checkStops();
    return this.finish(orderId, true, undefined);
  }

  /** Expires every order whose time has come (events go to the current command). */
  private expireDue(): void {
    for (
      let rec = this.expiries.nextDue(this.ts);
      rec !== undefined;
      rec = this.expiries.nextDue(this.ts)
    ) {
      if (isTerminalStatus(rec.status)) continue;
      this.pull(rec);
      this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'expired');
    }
  }

  // ------------------------------------------------------------------ matching

  private wouldCross(side: 'buy' | 'sell', priceTicks: number): boolean {
    if (side === 'buy') {
      const a = this.tickBook.bestAsk();
      return !Number.isNaN(a) && a <= priceTicks;
    }
    const b = this.tickBook.bestBid();
    return !Number.isNaN(b) && b >= priceTicks;
  }

  /** Sends a live (non-stop or triggered) order into the book; a fresh one may be refused. */
  private enter(rec: OrderRecord, fresh: boolean): EntryReject | undefined {
    const lots = rec.qtyLots - rec.cumLots;
    const isMarket = Number.isNaN(rec.priceTicks);
    if (fresh) {
      const refused = this.preTrade(rec, lots, isMarket);
      if (refused !== undefined) return refused;
      this.orders.set(rec.orderId, rec);
      this.emit(this.fmt.accepted(rec, this.ts));
    }
    const tif = rec.timeInForce;
    const status = this.tickBook.submit(
      rec.orderId,
      rec.side,
      rec.priceTicks,
      lots,
      tif === 'IOC' || tif === 'FOK' ? tif : 'GTC',
      rec.postOnly,
      rec.ownerKey,
    );
    if (status !== 'ok') {
      // a triggered stop that cannot trade (market into an empty side, FOK unfillable)
      this.closeCanceled(rec, lots, isMarket ? 'market-remainder' : 'ioc-remainder');
      return undefined;
    }
    const out = this.tickBook.outcome;
    if (out.canceledLots > 0) {
      const reason: CancelReason = out.selfTradeCanceled
        ? 'self-trade-prevention'
        : isMarket
          ? 'market-remainder'
          : 'ioc-remainder';
      this.closeCanceled(rec, out.canceledLots, reason);
    }
    return undefined;
  }

  /** The checks that must not leave an accepted order behind. */
  private preTrade(rec: OrderRecord, lots: number, isMarket: boolean): EntryReject | undefined {
    const buy = rec.side === 'buy';
    if (rec.postOnly && this.wouldCross(rec.side, rec.priceTicks)) {
      const why = 'postOnly: the order would take liquidity';
      return entryReject('would-cross', 'postOnly', why);
    }
    const oppEmpty = Number.isNaN(buy ? this.tickBook.bestAsk() : this.tickBook.bestBid());
    if (isMarket && oppEmpty) {
      const why = `type market: no ${buy ? 'asks' : 'bids'} to trade with`;
      return entryReject('no-liquidity', 'type', why);
    }
    if (rec.timeInForce === 'FOK' && !this.fokFillable(rec, lots)) {
      const why = `timeInForce FOK: ${this.fmt.qty(lots).toString()} cannot be filled completely now`;
      return entryReject('fok-unfillable', 'timeInForce', why);
    }
    return undefined;
  }

  private fokFillable(rec: OrderRecord, lots: number): boolean {
    return this.tickBook.fillableLots(rec.side, rec.priceTicks, lots, rec.ownerKey) >= lots;
  }

  /** Triggers the waiting stops the last trade price has reached, earliest submitted first. */
  private checkStops(): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const last = this.tickBook.lastTradeTicks();
      if (Number.isNaN(last) || this.stops.size === 0) return;
      const rec = this.stops.next(last);
      if (rec === undefined) return;
      rec.triggered = true;
      this.emit({
        type: 'triggered',
        ts: this.ts,
        orderId: rec.orderId,
        stopPrice: this.fmt.price(rec.stopTicks),
        lastPrice: this.fmt.price(last),
      });
      const lots = rec.qtyLots - rec.cumLots;
      if (rec.postOnly && this.wouldCross(rec.side, rec.priceTicks)) {
        this.closeCanceled(rec, lots, 'post-only-would-cross');
      } else if (rec.timeInForce === 'FOK' && !this.fokFillable(rec, lots)) {
        this.closeCanceled(rec, lots, 'fok-unfillable');
      } else this.enter(rec, false);
    }
  }

  // ------------------------------------------------------------------ reports

  private closeCanceled(rec: OrderRecord, lots: number, reason: CancelReason): void {
    rec.status = reason === 'expired' ? 'expired' : 'canceled';
    this.expiries.remove(rec);
    this.emit({
      type: 'canceled',
      ts: this.ts,
      orderId: rec.orderId,
      canceledQty: this.fmt.qty(lots),
      cumQty: this.fmt.qty(rec.cumLots),
      reason,
    });
  }

  private fill(
    rec: OrderRecord,
    tradeId: string,
    price: Decimal,
    lots: number,
    liquidity: 'maker' | 'taker',
    counterparty: string,
    leavesLots: number,
  ): void {
    const e = this.fmt.fill(
      rec,
      this.ts,
      tradeId,
      price,
      lots,
      liquidity,
      counterparty,
      leavesLots,
    );
    if (rec.status === 'filled') this.expiries.remove(rec);
    this.emit(e);
  }

  private finish(orderId: string, ok: boolean, reason: RejectReason | undefined): CommandResult {
    const rec = this.orders.get(orderId);
    const order = rec === undefined ? undefined : this.fmt.view(rec);
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
    r: EntryReject,
  ): CommandResult {
    // a malformed request may carry a non-string id: report it as a string, as typed
    const id = safeId(orderId);
    this.emit({
      type: 'rejected',
      ts: this.ts,
      orderId: id,
      command,
      reason: r.reason,
      field: r.field,
      message: r.message,
    });
    return this.finish(id, false, r.reason);
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

  private priceOrUndefined(ticks: number): Decimal | undefined {
    return Number.isNaN(ticks) ? undefined : this.fmt.price(ticks);
  }

  private fillL2(snap: L2Snapshot, ts: number): L2Snapshot {
    this.tickBook.fillL2(snap, this.instrument.tickSizeNumber, this.instrument.lotSizeNumber);
    snap.ts = ts;
    return snap;
  }

  private bookListener(): BookListener {
    const tickN = this.instrument.tickSizeNumber;
    const lotN = this.instrument.lotSizeNumber;
    return {
      onAdd: (orderId, side, priceTicks, lots) => {
        this.emit({
          type: 'add',
          ts: this.ts,
          orderId: String(orderId),
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
        });
      },
      onModify: (orderId, side, priceTicks, lots, keptPriority) => {
        this.emit({
          type: 'modify',
          ts: this.ts,
          orderId: String(orderId),
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
          keptPriority,
        });
      },
      onCancel: (orderId, side, priceTicks, lots, selfTrade) => {
        const id = String(orderId);
        this.emit({
          type: 'cancel',
          ts: this.ts,
          orderId: id,
          side,
          price: unitsToNumber(priceTicks, tickN),
          qty: unitsToNumber(lots, lotN),
        });
        // self-trade prevention removed a resting order: that closes it
        const rec = selfTrade ? this.orders.get(id) : undefined;
        if (rec !== undefined && !isTerminalStatus(rec.status)) {
          this.closeCanceled(rec, lots, 'self-trade-prevention');
        }
      },
      onExecute: (makerId, takerId, makerSide, priceTicks, lots, makerLeft, tradeSeq) => {
        const tradeId = `${this.tradePrefix}${tradeSeq}`;
        const maker = String(makerId);
        const taker = String(takerId);
        const priceN = unitsToNumber(priceTicks, tickN);
        const qtyN = unitsToNumber(lots, lotN);
        this.emit({
          type: 'execute',
          ts: this.ts,
          makerOrderId: maker,
          takerOrderId: taker,
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
          makerOrderId: maker,
          takerOrderId: taker,
        });
        const price = this.fmt.price(priceTicks);
        const makerRec = this.orders.get(maker);
        const takerRec = this.orders.get(taker);
        if (makerRec !== undefined) {
          this.fill(makerRec, tradeId, price, lots, 'maker', taker, makerLeft);
        }
        if (takerRec !== undefined) {
          const leaves = takerRec.qtyLots - takerRec.cumLots - lots;
          this.fill(takerRec, tradeId, price, lots, 'taker', maker, leaves);
        }
      },
    };
  }
}
