/**
 * A historical day as a venue: {@link ReplayVenue} takes decimal orders like
 * {@link MatchingEngine} (the same order entry, reports and events) and fills them from the
 * replayed flow with {@link ReplayOrders}' queue-position rules. Anything written for the engine's
 * {@link TradingVenue} interface, such as `@x/sim-oco`'s adapter, runs on it unchanged.
 *
 * @module
 */
import { DECIMAL_ZERO, type Decimal, type Instrument, type L2Snapshot } from '@x/core';
import type { BookStatus } from './book-types.js';
import type {
  AmendRequest,
  CommandResult,
  EngineEvent,
  OrderRequest,
  OrderView,
  RejectReason,
} from './events.js';
import { Fanout } from './internal/fanout.js';
import { Formatter } from './internal/format.js';
import {
  type EntryReject,
  entryReject,
  newOrderRecord,
  notOpen,
  OrderEntry,
  submitIdentity,
} from './internal/order-entry.js';
import type { OrderRecord } from './internal/records.js';
import { StopQueue } from './internal/triggers.js';
import type { HistoricalMessage } from './replay.js';
import { ReplayOrders } from './replay-orders.js';
import type { ReplayOrderReport, ReplayOrdersOptions } from './replay-orders-types.js';
import type { TradingVenue } from './venue.js';

/** Options of a {@link ReplayVenue}: {@link ReplayOrders}' (without its report callback). */
export interface ReplayVenueOptions extends Omit<ReplayOrdersOptions, 'onReport'> {
  /** Prefix of generated order ids; `'R'` by default. */
  readonly orderIdPrefix?: string;
  /** Prefix of fill trade ids; `'RT'` by default. */
  readonly tradeIdPrefix?: string;
}

function isStop(rec: OrderRecord): boolean {
  return rec.orderType === 'stop' || rec.orderType === 'stop-limit';
}

/** The book's refusal in the engine's words. */
function rejectReason(s: BookStatus, command: 'submit' | 'cancel' | 'amend'): RejectReason {
  if (s === 'unknown-order') return command === 'submit' ? 'unknown-order' : 'order-closed';
  if (s === 'invalid-qty') return 'qty-below-filled';
  if (s === 'invalid-price' || s === 'invalid-order' || s === 'ok') return 'invalid-order';
  return s;
}

/**
 * A replayed historical market as a venue for one instrument: limit, market, IOC, FOK,
 * post-only, stop and stop-limit orders, cancel and amend, with {@link MatchingEngine}'s
 * reports. Orders fill by queue position from the historical flow ({@link ReplayOrders}, whose
 * rules and no-market-impact assumption apply). Stops wait at the venue and trigger on the
 * historical last trade price (buy: at or above the stop, sell: at or below); the triggered
 * order then enters like a new one, after the entry latency. GTD and DAY orders are refused
 * (the replay models no expiry), and so is self-trade prevention (there is no other owner).
 *
 * Drive it with the day's messages ({@link ReplayVenue.apply}); events of our orders are
 * delivered to the listeners after each command and after each message.
 *
 * @example
 * ```ts
 * const inst = Instrument.create({ symbol: 'AAPL', tickSize: '0.01', lotSize: '1' });
 * const venue = new ReplayVenue(inst);
 * const fills: string[] = [];
 * venue.subscribe((e) => { if (e.type === 'fill') fills.push(e.qty.toString()); });
 * venue.apply({ ts: 0, type: 1, orderId: 1, size: 30, priceTicks: 10000, side: 'buy' });
 * venue.submit({ orderId: 'me', side: 'buy', type: 'limit', price: '100', qty: '10' });
 * venue.apply({ ts: 1, type: 4, orderId: 1, size: 30, priceTicks: 10000, side: 'buy' });
 * venue.apply({ ts: 2, type: 5, orderId: 0, size: 4, priceTicks: 10000, side: 'buy' });
 * fills; // ['4']
 * venue.lastPrice()?.toString(); // '100'
 * ```
 */
export class ReplayVenue implements TradingVenue {
  /** The instrument traded. */
  readonly instrument: Instrument;
  /** The tick-level replay with our orders: the historical book is `orders.replay.book`. */
  readonly orders: ReplayOrders;
  private readonly entry: OrderEntry;
  private readonly fmt: Formatter;
  private readonly fanout = new Fanout<EngineEvent>(undefined);
  private readonly recs = new Map<string, OrderRecord>();
  /** A fresh order id, bound once (no closure per submit). */
  private readonly freshId = (): string => this.nextId();
  private readonly stops = new StopQueue();
  private readonly idPrefix: string;
  private readonly tradePrefix: string;
  private idSeq = 0;
  private orderSeq = 0;
  private tradeSeq = 0;
  private lastTicks = Number.NaN;
  private events: EngineEvent[] = [];
  private readonly eventStack: EngineEvent[][] = [];

  /**
   * @param instrument - the instrument's rules (its tick converts prices to the replay's ticks)
   * @param options - queue model, latencies, market-data callback, id prefixes
   * @throws `ValidationError` as {@link ReplayOrders}
   */
  constructor(instrument: Instrument, options: ReplayVenueOptions = {}) {
    this.instrument = instrument;
    this.entry = new OrderEntry(instrument, undefined);
    this.fmt = new Formatter(instrument);
    this.idPrefix = options.orderIdPrefix ?? 'R';
    this.tradePrefix = options.tradeIdPrefix ?? 'RT';
    this.orders = new ReplayOrders({ ...options, onReport: (r) => this.onReport(r) });
  }

  /**
   * Enters the book that existed before the first message ({@link ReplayOrders.seed}), prices in
   * currency units on the instrument's tick.
   * @param book - the book
   * @throws `ValidationError` as {@link L3Replay.seed}
   */
  seed(book: L2Snapshot): void {
    this.orders.seed(book, this.instrument.tickSizeNumber);
  }

  /**
   * Applies one historical message (in ticks and lots of this instrument) and delivers the
   * events it caused for our orders, stops it triggered included.
   * @param m - the message
   * @throws `ValidationError` as {@link ReplayOrders.apply}
   */
  apply(m: HistoricalMessage): void {
    this.run(() => {
      this.orders.apply(m);
      if (m.type >= 4 && m.type <= 6) {
        this.lastTicks = m.priceTicks;
        this.checkStops();
      }
    });
  }

  /**
   * Moves the time forward without a message (orders in flight arrive).
   * @param ts - the new time, ms
   * @throws `ValidationError` for a time before the replay's
   */
  advanceTo(ts: number): void {
    this.run(() => this.orders.advanceTo(ts));
  }

  /** {@inheritDoc TradingVenue.subscribe} */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.fanout.subscribe(listener);
  }

  /** {@inheritDoc TradingVenue.submit} */
  submit(request: OrderRequest): CommandResult {
    return this.command(() => this.submitOrder(request));
  }

  /** {@inheritDoc TradingVenue.cancel} */
  cancel(orderId: string): CommandResult {
    return this.command(() => {
      const rec = this.openRecord('cancel', orderId);
      if ('events' in rec) return rec;
      if (!rec.triggered) {
        this.stops.remove(rec);
        this.closeCanceled(rec, rec.qtyLots - rec.cumLots, 'user', this.now());
      } else this.orders.cancel(orderId);
      return this.finish(orderId, undefined);
    });
  }

  /** {@inheritDoc TradingVenue.amend} */
  amend(orderId: string, amend: AmendRequest): CommandResult {
    return this.command(() => {
      const rec = this.openRecord('amend', orderId);
      if ('events' in rec) return rec;
      const next = this.entry.amendTarget(rec, amend);
      if ('reason' in next) return this.reject('amend', orderId, next);
      if (!rec.triggered) {
        rec.priceTicks = next.priceTicks;
        rec.qtyLots = next.qtyLots;
        if (next.stopTicks !== rec.stopTicks) {
          this.stops.remove(rec);
          rec.stopTicks = next.stopTicks;
          this.stops.add(rec);
        }
        this.events.push(this.fmt.amended(rec, false, this.now()));
        this.checkStops();
      } else if (next.priceTicks !== rec.priceTicks || next.qtyLots !== rec.qtyLots) {
        this.orders.amend(orderId, next.priceTicks, next.qtyLots);
      }
      return this.finish(orderId, undefined);
    });
  }

  /** {@inheritDoc TradingVenue.lastPrice} */
  lastPrice(): Decimal | undefined {
    return Number.isNaN(this.lastTicks) ? undefined : this.fmt.price(this.lastTicks);
  }

  /** {@inheritDoc TradingVenue.restingQty} */
  restingQty(orderId: string): Decimal {
    const o = this.orders.order(orderId);
    return o === undefined || o.status !== 'resting' ? DECIMAL_ZERO : this.fmt.qty(o.leavesLots);
  }

  /** {@inheritDoc TradingVenue.getOrder} */
  getOrder(orderId: string): OrderView | undefined {
    const rec = this.recs.get(orderId);
    return rec === undefined ? undefined : this.fmt.view(rec);
  }

  // ------------------------------------------------------------------ commands

  private submitOrder(request: OrderRequest): CommandResult {
    const orderId = submitIdentity(request, this.recs, this.freshId);
    if (typeof orderId !== 'string') return this.reject('submit', orderId.orderId, orderId);
    const c = this.entry.check(request, this.now());
    if ('reason' in c) return this.reject('submit', orderId, c);
    if (c.tif === 'GTD') {
      const why = 'timeInForce GTD: the replay venue models no expiry';
      return this.reject('submit', orderId, entryReject('invalid-order', 'timeInForce', why));
    }
    const rec = newOrderRecord(orderId, ++this.orderSeq, request, c, 0, Number.NaN);
    this.recs.set(orderId, rec);
    if (!rec.triggered) {
      this.events.push(this.fmt.accepted(rec, this.now()));
      this.stops.add(rec);
      this.checkStops();
    } else this.send(rec);
    return this.finish(orderId, undefined);
  }

  /** Hands a live order to the replay (its acceptance comes from there, on arrival). */
  private send(rec: OrderRecord): void {
    const tif = rec.timeInForce === 'IOC' || rec.timeInForce === 'FOK' ? rec.timeInForce : 'GTC';
    this.orders.submit(
      rec.orderId,
      rec.side,
      rec.priceTicks,
      rec.qtyLots - rec.cumLots,
      tif,
      rec.postOnly,
    );
  }

  private checkStops(): void {
    const last = this.lastTicks;
    if (Number.isNaN(last)) return;
    for (let rec = this.stops.next(last); rec !== undefined; rec = this.stops.next(last)) {
      rec.triggered = true;
      this.events.push({
        type: 'triggered',
        ts: this.now(),
        orderId: rec.orderId,
        stopPrice: this.fmt.price(rec.stopTicks),
        lastPrice: this.fmt.price(last),
      });
      this.send(rec);
    }
  }

  // ------------------------------------------------------------------ reports

  private onReport(r: ReplayOrderReport): void {
    const id = String(r.orderId);
    const rec = this.recs.get(id);
    if (rec === undefined) return;
    switch (r.type) {
      case 'accepted':
        // a triggered stop was accepted when it was submitted
        if (!isStop(rec)) this.events.push(this.fmt.accepted(rec, r.ts));
        return;
      case 'rejected': {
        if (r.command === 'submit' && isStop(rec)) {
          // a triggered stop that cannot trade was accepted already: its rest is canceled
          const market = Number.isNaN(rec.priceTicks);
          const rest = rec.qtyLots - rec.cumLots;
          this.closeCanceled(rec, rest, market ? 'market-remainder' : 'ioc-remainder', r.ts);
          return;
        }
        if (r.command === 'submit') rec.status = 'rejected';
        this.events.push({
          type: 'rejected',
          ts: r.ts,
          orderId: id,
          command: r.command,
          reason: rejectReason(r.reason, r.command),
          field: r.command === 'submit' ? 'request' : 'orderId',
          message: `the replay venue refused the ${r.command} (${r.reason})`,
        });
        return;
      }
      case 'fill': {
        const tradeId = `${this.tradePrefix}${++this.tradeSeq}`;
        const price = this.fmt.price(r.priceTicks);
        this.events.push(
          this.fmt.fill(rec, r.ts, tradeId, price, r.lots, r.liquidity, 'history', r.leavesLots),
        );
        return;
      }
      case 'amended':
        rec.priceTicks = r.priceTicks;
        rec.qtyLots = r.lots;
        this.events.push(this.fmt.amended(rec, r.keptPriority, r.ts));
        return;
      default: {
        const market = Number.isNaN(rec.priceTicks);
        const reason = r.reason === 'user' ? 'user' : market ? 'market-remainder' : 'ioc-remainder';
        this.closeCanceled(rec, r.lots, reason, r.ts);
      }
    }
  }

  private closeCanceled(
    rec: OrderRecord,
    lots: number,
    reason: 'user' | 'market-remainder' | 'ioc-remainder',
    ts: number,
  ): void {
    rec.status = 'canceled';
    this.events.push({
      type: 'canceled',
      ts,
      orderId: rec.orderId,
      canceledQty: this.fmt.qty(lots),
      cumQty: this.fmt.qty(rec.cumLots),
      reason,
    });
  }

  // ------------------------------------------------------------------ frames

  private now(): number {
    const t = this.orders.time;
    return Number.isFinite(t) ? t : 0;
  }

  private run(body: () => void): void {
    this.eventStack.push(this.events);
    this.events = [];
    let events: EngineEvent[];
    try {
      body();
    } finally {
      events = this.events;
      this.events = this.eventStack.pop() as EngineEvent[];
    }
    this.fanout.deliver(events);
  }

  private command(body: () => CommandResult): CommandResult {
    let result: CommandResult | undefined;
    this.run(() => {
      result = body();
    });
    return result as CommandResult;
  }

  private finish(orderId: string, reason: RejectReason | undefined): CommandResult {
    const rec = this.recs.get(orderId);
    const order = rec === undefined ? undefined : this.fmt.view(rec);
    const ok = reason === undefined && rec?.status !== 'rejected';
    const base = { orderId, ok, order, events: this.events };
    return reason === undefined ? base : { ...base, reason };
  }

  private openRecord(command: 'cancel' | 'amend', orderId: string): OrderRecord | CommandResult {
    const rec = this.recs.get(orderId);
    const refused = notOpen(rec, orderId);
    return refused === undefined ? (rec as OrderRecord) : this.reject(command, orderId, refused);
  }

  private reject(
    command: 'submit' | 'cancel' | 'amend',
    orderId: string,
    r: EntryReject,
  ): CommandResult {
    this.events.push({
      type: 'rejected',
      ts: this.now(),
      orderId,
      command,
      reason: r.reason,
      field: r.field,
      message: r.message,
    });
    return this.finish(orderId, r.reason);
  }

  private nextId(): string {
    let id: string;
    do id = `${this.idPrefix}${++this.idSeq}`;
    while (this.recs.has(id));
    return id;
  }
}
