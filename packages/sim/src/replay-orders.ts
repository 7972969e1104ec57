/**
 * Our own orders inserted into a replayed historical market, filled by queue position (as
 * hftbacktest does it, in TypeScript).
 *
 * A resting order joins the back of its price level's queue. Its position advances when the
 * orders ahead of it are executed or canceled: exactly on L3 data (by the orders that rested at
 * the level when it joined, the {@link TickBook}'s time priority), or as a core `QueueModel`
 * estimates it from the level's depth and trades (L2 queue models, such as
 * `@x/microstructure`'s `l2QueueModel`). It fills when the quantity ahead is gone and a
 * historical trade reaches it, or when a trade goes through its price, or when a historical order
 * arrives that crosses it. Market and crossing orders take the historical book's liquidity.
 *
 * **The model's assumption (as hftbacktest states it): our orders have no market impact.** The
 * historical stream is replayed unchanged: what we take is not removed from the book, what we
 * post does not stop a historical order from trading, and nobody reacts to us. The replayed book
 * is always exactly the venue's. This is accurate for orders small against the level's
 * depth and the traded volume, and optimistic otherwise.
 *
 * Latency: an order or cancel sent at time t reaches the venue at t + `entryLatencyMs` (the
 * replay applies every message up to then first); historical trades reach us
 * `marketDataLatencyMs` after they happen (a strategy that reacts to them sees the market late).
 *
 * @module
 */
import {
  type L2Snapshot,
  type OrderId,
  oppositeSide,
  type QueueModel,
  type Side,
  ValidationError,
} from '@x/core';
import type { BookStatus, BookTimeInForce } from './book-types.js';
import { checkTickOrder } from './internal/order-args.js';
import { type Arrival, latency, RestingOrders, type UserOrder } from './internal/resting-orders.js';
import { type HistoricalMessage, L3Replay, type ReplayTrade } from './replay.js';
import type {
  ReplayOrderReport,
  ReplayOrdersOptions,
  ReplayOrdersStats,
  ReplayOrderView,
} from './replay-orders-types.js';

/** The name {@link ReplayOrders.queueModelName} reports for exact L3 queue positions. */
const L3_FIFO = 'l3-fifo';

/**
 * A historical L3 replay ({@link L3Replay}) with our own orders inserted and filled by queue
 * position. Drive it with the historical messages ({@link ReplayOrders.apply}); send orders and
 * cancels between messages.
 *
 * @example
 * ```ts
 * const fills: number[] = [];
 * const sim = new ReplayOrders({
 *   onReport: (r) => { if (r.type === 'fill') fills.push(r.lots); },
 * });
 * sim.apply({ ts: 0, type: 1, orderId: 1, size: 30, priceTicks: 100, side: 'buy' });
 * sim.submit('me', 'buy', 100, 10);  // joins behind order 1's 30 lots
 * sim.apply({ ts: 1, type: 4, orderId: 1, size: 30, priceTicks: 100, side: 'buy' });
 * sim.order('me')?.aheadLots;        // 0: order 1 is gone
 * sim.apply({ ts: 2, type: 1, orderId: 2, size: 50, priceTicks: 100, side: 'buy' });
 * sim.apply({ ts: 3, type: 4, orderId: 2, size: 4, priceTicks: 100, side: 'buy' });
 * fills;                             // [4]: the trade reached us before order 2
 * ```
 */
export class ReplayOrders {
  /** The replay underneath: the historical book, always exactly the venue's. */
  readonly replay: L3Replay;
  /** The queue model's name: `'l3-fifo'` (exact) or the `QueueModel`'s. */
  readonly queueModelName: string;
  /** Counts so far. */
  readonly stats: ReplayOrdersStats = {
    submitted: 0,
    rejected: 0,
    fills: 0,
    makerLots: 0,
    takerLots: 0,
    canceled: 0,
  };
  private readonly model: QueueModel | undefined;
  private readonly entryLatency: number;
  private readonly mdLatency: number;
  private readonly onReport: ((r: ReplayOrderReport) => void) | undefined;
  private readonly onTradeOut: ((t: ReplayTrade) => void) | undefined;
  private readonly orders = new Map<OrderId, UserOrder>();
  private readonly resting: RestingOrders;
  private readonly arrivals: Arrival[] = [];
  private arrivalHead = 0;
  private readonly delayed: ReplayTrade[] = [];
  private delayedHead = 0;
  private now = Number.NEGATIVE_INFINITY;
  private synthetic = 0;

  /**
   * @param options - queue model, latencies and callbacks
   * @throws `ValidationError` for a negative or non-finite latency
   */
  constructor(options: ReplayOrdersOptions = {}) {
    this.model = options.queueModel;
    this.queueModelName = options.queueModel?.name ?? L3_FIFO;
    this.entryLatency = latency(options.entryLatencyMs, 'entryLatencyMs');
    this.mdLatency = latency(options.marketDataLatencyMs, 'marketDataLatencyMs');
    this.onReport = options.onReport;
    this.onTradeOut = options.onTrade;
    this.replay = new L3Replay({
      onTrade: (t) => this.historicalTrade(t),
      onReduce: (id, side, px, lots) => this.resting.reduce(id, side, px, lots),
    });
    this.resting = new RestingOrders(
      this.replay.book,
      this.model === undefined,
      (o, px, lots, liq, ts) => this.fill(o, px, lots, liq, ts),
    );
  }

  /** The time of the last message applied (or of {@link ReplayOrders.advanceTo}). */
  get time(): number {
    return this.now;
  }

  /**
   * Enters the book that existed before the first message ({@link L3Replay.seed}).
   * @param book - the book, prices in currency units
   * @param tickSize - the tick in the same units
   * @throws `ValidationError` as {@link L3Replay.seed}
   */
  seed(book: L2Snapshot, tickSize: number): void {
    this.replay.seed(book, tickSize);
  }

  /**
   * Applies one historical message: first our orders and cancels that reach the venue by its
   * time, then the message, then its effect on our resting orders.
   * @param m - the message, in ticks and lots
   * @throws `ValidationError` as {@link L3Replay.apply}, or for a time before {@link ReplayOrders.time}
   */
  apply(m: HistoricalMessage): void {
    if (!(m.ts >= this.now)) {
      throw new ValidationError(`message time ${m.ts} is before the replay time ${this.now}`, {
        field: 'ts',
        value: m.ts,
      });
    }
    if (this.arrivalHead < this.arrivals.length) this.arrive(m.ts);
    this.resting.seq++;
    this.resting.addBudget = m.size;
    this.replay.apply(m);
    this.now = m.ts;
    if (this.resting.list.length > 0) {
      this.resting.afterMessage(m);
      if (this.resting.finished > 0) this.resting.compact();
    }
    if (this.delayedHead < this.delayed.length) this.deliver();
  }

  /**
   * L2 data: the visible size of one price level is now `lots` (an incremental L2 update, as
   * `@x/data`'s L2 readers give them; a snapshot is one update per level, 0 for a level gone).
   * The replayed book follows with synthetic orders: an increase joins the back of the level,
   * a decrease leaves from the back. Our orders' positions come from the queue model, which
   * sees the new depth once. Needs the `queueModel` option (L2 data has no order identities).
   * @param ts - time, ms
   * @param side - the level's side
   * @param priceTicks - its price in ticks (a positive integer)
   * @param lots - its new size in lots (a non-negative integer)
   * @throws `ValidationError` without a queue model, for a bad value, or a time going back
   */
  applyDepth(ts: number, side: Side, priceTicks: number, lots: number): void {
    this.needModel();
    if (!Number.isSafeInteger(lots) || lots < 0) {
      throw new ValidationError('lots must be a non-negative integer', {
        field: 'lots',
        value: lots,
      });
    }
    if (!Number.isSafeInteger(priceTicks) || priceTicks <= 0) {
      throw new ValidationError('priceTicks must be a positive integer', {
        field: 'priceTicks',
        value: priceTicks,
      });
    }
    if (side !== 'buy' && side !== 'sell') {
      throw new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: side });
    }
    if (!(ts >= this.now)) {
      throw new ValidationError(`time ${ts} is before the replay time ${this.now}`, {
        field: 'ts',
        value: ts,
      });
    }
    const book = this.replay.book;
    const cur = book.levelLots(side, priceTicks);
    if (this.arrivalHead < this.arrivals.length) this.arrive(ts);
    if (lots === cur) {
      this.now = ts;
      if (this.delayedHead < this.delayed.length) this.deliver();
      return;
    }
    this.resting.seq++;
    let type = 1;
    if (lots > cur) {
      this.resting.addBudget = lots - cur;
      this.replay.apply({
        ts,
        type: 1,
        orderId: 2 ** 52 + ++this.synthetic,
        size: lots - cur,
        priceTicks,
        side,
      });
    } else {
      type = 2;
      for (let need = cur - lots; need > 0; ) {
        const id = book.orderAt(side, priceTicks, book.levelOrders(side, priceTicks) - 1) as number;
        const left = book.remainingLots(id);
        const take = Math.min(need, left);
        this.replay.apply({
          ts,
          type: take === left ? 3 : 2,
          orderId: id,
          size: take,
          priceTicks,
          side,
        });
        need -= take;
      }
    }
    this.now = ts;
    if (this.resting.list.length > 0) {
      this.resting.afterMessage({
        ts,
        type,
        orderId: 0,
        size: Math.abs(lots - cur),
        priceTicks,
        side,
      });
      if (this.resting.finished > 0) this.resting.compact();
    }
    if (this.delayedHead < this.delayed.length) this.deliver();
  }

  /**
   * L2 data: a trade print. Our orders' queue models see it; the depth change it caused comes
   * with the feed's next {@link ReplayOrders.applyDepth} (and is then netted, not counted twice).
   * Needs the `queueModel` option.
   * @param ts - time, ms
   * @param priceTicks - trade price in ticks
   * @param lots - traded lots (a positive integer)
   * @param aggressor - the liquidity taker's side
   * @throws `ValidationError` without a queue model, or as {@link ReplayOrders.apply}
   */
  applyTrade(ts: number, priceTicks: number, lots: number, aggressor: Side): void {
    this.needModel();
    const side = aggressor === 'buy' ? 'sell' : aggressor === 'sell' ? 'buy' : (aggressor as Side);
    this.resting.l2Trade = true;
    try {
      this.apply({ ts, type: 5, orderId: 0, size: lots, priceTicks, side });
    } finally {
      this.resting.l2Trade = false;
    }
  }

  private needModel(): void {
    if (this.model === undefined) {
      throw new ValidationError(
        'L2 data needs a queueModel: without order identities the queue position is estimated',
        { field: 'queueModel', value: undefined },
      );
    }
  }

  /**
   * Moves the replay time forward without a message: orders, cancels and market data due by
   * then arrive.
   * @param ts - the new time, ms
   * @throws `ValidationError` for a time before {@link ReplayOrders.time}
   */
  advanceTo(ts: number): void {
    if (!(ts >= this.now)) {
      throw new ValidationError(`time ${ts} is before the replay time ${this.now}`, {
        field: 'ts',
        value: ts,
      });
    }
    this.arrive(ts);
    this.now = ts;
    this.deliver();
  }

  /**
   * Sends an order; it reaches the venue `entryLatencyMs` later (at once without latency). The
   * arguments are {@link TickBook.submit}'s, checked by the same rule.
   * @param orderId - our id, unique among our orders
   * @param side - buy or sell
   * @param priceTicks - limit price in ticks; `NaN` for a market order
   * @param lots - quantity in lots, a safe integer > 0
   * @param tif - `'GTC'` (default), `'IOC'` or `'FOK'`
   * @param postOnly - refuse (`'would-cross'`) instead of taking liquidity
   * @returns `'ok'` when sent, else why not (nothing was sent)
   */
  submit(
    orderId: OrderId,
    side: Side,
    priceTicks: number,
    lots: number,
    tif: BookTimeInForce = 'GTC',
    postOnly = false,
  ): BookStatus {
    const args = checkTickOrder(side, tif, priceTicks, lots);
    if (args !== 'ok') return args;
    if (this.orders.has(orderId)) return 'duplicate-order-id';
    const order: UserOrder = {
      id: orderId,
      side,
      priceTicks,
      lots,
      tif,
      postOnly,
      filled: 0,
      status: 'pending',
      ahead: 0,
      joinStamp: Number.NaN,
      aheadHitSeq: -1,
      est: undefined,
      estFilled: 0,
    };
    this.orders.set(orderId, order);
    this.stats.submitted++;
    this.send(order, 0, priceTicks, lots);
    return 'ok';
  }

  /**
   * Sends a cancel; it reaches the venue `entryLatencyMs` later, where it may find the order
   * filled (reported as a rejected cancel).
   * @param orderId - our order's id
   * @returns `'ok'` when sent, `'unknown-order'` for an id we never sent
   */
  cancel(orderId: OrderId): BookStatus {
    const order = this.orders.get(orderId);
    if (order === undefined) return 'unknown-order';
    this.send(order, 1, order.priceTicks, order.lots);
    return 'ok';
  }

  /**
   * Sends an amend of a limit order; it reaches the venue `entryLatencyMs` later. A pure size
   * reduction keeps the order's place in the queue; a size increase or a new price sends it to
   * the back of its (new) level, where a crossing price trades at once (a post-only order is
   * refused with `'would-cross'` instead). At the venue an amend of an order no longer resting
   * is refused (`'unknown-order'`), and one to no more than the filled size (`'invalid-qty'`).
   * @param orderId - our order's id
   * @param priceTicks - the new limit price in ticks (the current one to keep it)
   * @param lots - the new total size in lots (filled lots included)
   * @returns `'ok'` when sent, else why not: `'unknown-order'`, `'invalid-price'` (also for a
   *   market order), `'invalid-qty'`
   */
  amend(orderId: OrderId, priceTicks: number, lots: number): BookStatus {
    const order = this.orders.get(orderId);
    if (order === undefined) return 'unknown-order';
    if (Number.isNaN(order.priceTicks) || Number.isNaN(priceTicks)) return 'invalid-price';
    const args = checkTickOrder(order.side, order.tif, priceTicks, lots);
    if (args !== 'ok') return args;
    this.send(order, 2, priceTicks, lots);
    return 'ok';
  }

  /**
   * One of our orders, or `undefined` for an id never sent.
   * @param orderId - the id
   */
  order(orderId: OrderId): ReplayOrderView | undefined {
    const o = this.orders.get(orderId);
    if (o === undefined) return undefined;
    const resting = o.status === 'resting';
    return {
      side: o.side,
      priceTicks: o.priceTicks,
      lots: o.lots,
      filledLots: o.filled,
      leavesLots: resting || o.status === 'pending' ? o.lots - o.filled : 0,
      aheadLots: !resting ? 0 : o.est !== undefined ? o.est.queueAhead : o.ahead,
      status: o.status,
    };
  }

  // ------------------------------------------------------------------ venue side

  private send(order: UserOrder, kind: 0 | 1 | 2, priceTicks: number, lots: number): void {
    this.arrivals.push({ at: this.now + this.entryLatency, order, kind, priceTicks, lots });
    if (this.entryLatency === 0 && this.now > Number.NEGATIVE_INFINITY) this.arrive(this.now);
  }

  /** Carries out the orders and cancels that reach the venue by `ts`, in the order sent. */
  private arrive(ts: number): void {
    const q = this.arrivals;
    while (this.arrivalHead < q.length && q[this.arrivalHead]!.at <= ts) {
      const a = q[this.arrivalHead++]!;
      const at = Math.max(a.at, this.now);
      if (a.kind === 1) this.cancelAt(a.order, at);
      else if (a.kind === 2) this.amendAt(a.order, a.priceTicks, a.lots, at);
      else this.enter(a.order, at);
    }
    if (this.arrivalHead === q.length) {
      q.length = 0;
      this.arrivalHead = 0;
    }
    if (this.resting.finished > 0) this.resting.compact();
  }

  private enter(o: UserOrder, ts: number): void {
    const book = this.replay.book;
    const opp = oppositeSide(o.side);
    const market = Number.isNaN(o.priceTicks);
    const best = book.levelPrice(opp, 0);
    const crosses = market ? !Number.isNaN(best) : this.crosses(o.side, o.priceTicks);
    let reason: BookStatus = 'ok';
    if (o.postOnly && crosses) reason = 'would-cross';
    else if (market && Number.isNaN(best)) reason = 'no-liquidity';
    else if (o.tif === 'FOK' && book.fillableLots(o.side, o.priceTicks, o.lots) < o.lots) {
      reason = 'fok-unfillable';
    }
    if (reason !== 'ok') {
      o.status = 'rejected';
      this.stats.rejected++;
      this.onReport?.({ type: 'rejected', ts, orderId: o.id, command: 'submit', reason });
      return;
    }
    o.status = 'resting';
    this.onReport?.({ type: 'accepted', ts, orderId: o.id });
    this.place(o, ts, crosses);
  }

  /** Trades a crossing order, then rests what is left at the back of its level (GTC). */
  private place(o: UserOrder, ts: number, crosses: boolean): void {
    const book = this.replay.book;
    const market = Number.isNaN(o.priceTicks);
    if (crosses) this.take(o, ts, market);
    const leaves = o.lots - o.filled;
    if (leaves === 0) return;
    if (market || o.tif !== 'GTC') {
      this.finish(o, 'canceled');
      this.onReport?.({ type: 'canceled', ts, orderId: o.id, lots: leaves, reason: 'unfilled' });
      return;
    }
    const depth = book.levelLots(o.side, o.priceTicks);
    o.estFilled = 0;
    if (this.model !== undefined) {
      o.est = this.model.create({ side: o.side, price: o.priceTicks, qty: leaves, depth });
    } else {
      o.ahead = depth;
      o.joinStamp = book.lastTimePriority();
    }
    this.resting.list.push(o);
  }

  /** Takes the historical book's liquidity up to the limit, without removing it (no impact). */
  private take(o: UserOrder, ts: number, market: boolean): void {
    const book = this.replay.book;
    const opp = oppositeSide(o.side);
    const buy = o.side === 'buy';
    for (let r = 0; o.filled < o.lots; r++) {
      const px = book.levelPrice(opp, r);
      if (Number.isNaN(px) || (!market && (buy ? px > o.priceTicks : px < o.priceTicks))) break;
      this.fill(o, px, Math.min(o.lots - o.filled, book.levelLots(opp, px)), 'taker', ts);
    }
  }

  private amendAt(o: UserOrder, priceTicks: number, lots: number, ts: number): void {
    let reason: BookStatus = 'ok';
    const crosses = this.crosses(o.side, priceTicks);
    if (o.status !== 'resting') reason = 'unknown-order';
    else if (lots <= o.filled) reason = 'invalid-qty';
    else if (priceTicks === o.priceTicks && lots === o.lots) reason = 'no-change';
    else if (o.postOnly && crosses) reason = 'would-cross';
    if (reason !== 'ok') {
      this.onReport?.({ type: 'rejected', ts, orderId: o.id, command: 'amend', reason });
      return;
    }
    const kept = priceTicks === o.priceTicks && lots < o.lots;
    o.priceTicks = priceTicks;
    o.lots = lots;
    this.onReport?.({ type: 'amended', ts, orderId: o.id, priceTicks, lots, keptPriority: kept });
    if (kept) return;
    // to the back of the (new) level: out of the active list, then placed like a new order
    const i = this.resting.list.indexOf(o);
    if (i >= 0) this.resting.list.splice(i, 1);
    o.est = undefined;
    o.joinStamp = Number.NaN;
    o.aheadHitSeq = -1;
    this.place(o, ts, crosses);
  }

  /** Whether a limit price would take the historical book's liquidity. */
  private crosses(side: Side, priceTicks: number): boolean {
    const best = this.replay.book.levelPrice(oppositeSide(side), 0);
    return !Number.isNaN(best) && (side === 'buy' ? best <= priceTicks : best >= priceTicks);
  }

  private cancelAt(o: UserOrder, ts: number): void {
    if (o.status !== 'resting') {
      this.onReport?.({
        type: 'rejected',
        ts,
        orderId: o.id,
        command: 'cancel',
        reason: 'unknown-order',
      });
      return;
    }
    const lots = o.lots - o.filled;
    this.finish(o, 'canceled');
    this.onReport?.({ type: 'canceled', ts, orderId: o.id, lots, reason: 'user' });
  }

  private fill(o: UserOrder, px: number, lots: number, liq: 'maker' | 'taker', ts: number): void {
    if (lots <= 0) return;
    o.filled += lots;
    this.stats.fills++;
    if (liq === 'maker') this.stats.makerLots += lots;
    else this.stats.takerLots += lots;
    const leaves = o.lots - o.filled;
    this.onReport?.({
      type: 'fill',
      ts,
      orderId: o.id,
      priceTicks: px,
      lots,
      leavesLots: leaves,
      liquidity: liq,
    });
    if (leaves === 0 && o.status === 'resting') this.finish(o, 'filled');
  }

  /** Ends an order; the active list drops it at the next {@link ReplayOrders.compact}. */
  private finish(o: UserOrder, status: 'filled' | 'canceled'): void {
    if (o.status === 'resting') this.resting.finished++;
    o.status = status;
    if (status === 'canceled') this.stats.canceled++;
  }

  // ------------------------------------------------------------------ historical flow

  private historicalTrade(t: ReplayTrade): void {
    if (this.mdLatency === 0) this.onTradeOut?.(t);
    else if (this.onTradeOut !== undefined) this.delayed.push(t);
    this.resting.trade(t);
  }

  /** Hands out the historical trades whose market-data delay has passed. */
  private deliver(): void {
    const q = this.delayed;
    const out = this.onTradeOut;
    while (this.delayedHead < q.length && q[this.delayedHead]!.ts + this.mdLatency <= this.now) {
      const t = q[this.delayedHead++]!;
      out?.(t);
    }
    if (this.delayedHead === q.length) {
      q.length = 0;
      this.delayedHead = 0;
    }
  }
}
