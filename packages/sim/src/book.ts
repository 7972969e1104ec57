/**
 * The integer core of the matching engine: a price-time-priority limit order book on integer
 * ticks and lots, with pooled order and level nodes in typed arrays and no allocation per event.
 *
 * {@link TickBook} is what {@link MatchingEngine} (decimal order entry, event objects) and the
 * order-flow generator are built on. Use it directly when you need raw speed and can work in
 * ticks and lots; every book change is reported through a {@link BookListener} with primitive
 * arguments only.
 *
 * @module
 */
import { type L2Snapshot, type OrderId, type Side, ValidationError } from '@x/core';
import type {
  BookListener,
  BookStatus,
  BookTimeInForce,
  RestingOrder,
  SelfTradePrevention,
  SubmitOutcome,
  TickBookOptions,
} from './book-types.js';
import { grown } from './internal/grow.js';
import { IdIndex } from './internal/id-index.js';
import { checkTickOrder } from './internal/order-args.js';
import { scale, scaleOf } from './internal/scale.js';
import { SideLevels } from './internal/side-levels.js';

const NONE = -1;
const BUY = 0;
const SELL = 1;
const FLAG_POST_ONLY = 1;
const NO_LISTENER: BookListener = {
  onAdd() {},
  onExecute() {},
  onCancel() {},
  onModify() {},
};
const SIDES: readonly Side[] = ['buy', 'sell'];

/**
 * A price-time-priority limit order book on integer ticks and lots.
 *
 * Orders are identified by caller-chosen ids (strings or numbers, unique among resting orders).
 * Each order may carry an integer `owner` (0 = anonymous) used by self-trade prevention.
 * Commands never throw on bad input: they return a {@link BookStatus} code and leave the book
 * unchanged.
 *
 * @example
 * ```ts
 * const book = new TickBook();
 * book.submit('a', 'sell', 101, 5);       // rests
 * book.submit('b', 'buy', 101, 2);        // takes 2 lots from 'a'
 * book.bestAsk();                          // 101
 * book.remainingLots('a');                 // 3
 * ```
 */
export class TickBook {
  private listener: BookListener;
  private readonly stp: SelfTradePrevention;
  // order pool (struct of arrays)
  private oPrice: Float64Array;
  private oLots: Float64Array;
  private oOrigLots: Float64Array;
  private oSide: Uint8Array;
  private oFlags: Uint8Array;
  private oOwner: Int32Array;
  private oPrev: Int32Array;
  private oNext: Int32Array;
  private oLevel: Int32Array;
  /** Time-priority stamp of each resting order (increasing as orders join a queue). */
  private oStamp: Float64Array;
  private stampSeq = 0;
  private oIds: OrderId[];
  private freeOrder = NONE;
  private orderCount = 0;
  // level pool
  private lHead: Int32Array;
  private lTail: Int32Array;
  private lLots: Float64Array;
  private lCount: Int32Array;
  private lPrice: Float64Array;
  private freeLevel = NONE;
  private readonly sides: [SideLevels, SideLevels];
  private readonly index: IdIndex;
  private tradeSeq = 0;
  private lastTrade = Number.NaN;
  /** The outcome of the last {@link TickBook.submit}; overwritten by the next call. */
  readonly outcome: SubmitOutcome = {
    status: 'ok',
    filledLots: 0,
    filledTicksLots: 0,
    restingLots: 0,
    canceledLots: 0,
    selfTradeCanceled: false,
  };

  /**
   * @param options - listener, self-trade prevention and initial capacity
   * @throws `ValidationError` (from `@x/core`) for an unknown self-trade prevention mode or a bad capacity
   */
  constructor(options: TickBookOptions = {}) {
    this.listener = options.listener ?? NO_LISTENER;
    const stp = options.selfTradePrevention ?? 'none';
    if (
      stp !== 'none' &&
      stp !== 'cancel-taker' &&
      stp !== 'cancel-maker' &&
      stp !== 'cancel-both'
    ) {
      throw new ValidationError(`unknown self-trade prevention mode '${String(stp)}'`, {
        field: 'selfTradePrevention',
        value: stp,
      });
    }
    this.stp = stp;
    const cap = options.initialCapacity ?? 1024;
    if (!Number.isSafeInteger(cap) || cap < 1) {
      throw new ValidationError('initialCapacity must be a positive integer', {
        field: 'initialCapacity',
        value: cap,
      });
    }
    this.oPrice = new Float64Array(cap);
    this.oLots = new Float64Array(cap);
    this.oOrigLots = new Float64Array(cap);
    this.oSide = new Uint8Array(cap);
    this.oFlags = new Uint8Array(cap);
    this.oOwner = new Int32Array(cap);
    this.oPrev = new Int32Array(cap);
    this.oNext = new Int32Array(cap);
    this.oLevel = new Int32Array(cap);
    this.oStamp = new Float64Array(cap);
    this.oIds = new Array<OrderId>(cap).fill(0);
    const lcap = 256;
    this.lHead = new Int32Array(lcap);
    this.lTail = new Int32Array(lcap);
    this.lLots = new Float64Array(lcap);
    this.lCount = new Int32Array(lcap);
    this.lPrice = new Float64Array(lcap);
    this.sides = [new SideLevels(true), new SideLevels(false)];
    this.index = new IdIndex(cap);
  }

  /**
   * Replaces the listener.
   * @param listener - the new listener, or `undefined` for none
   */
  setListener(listener: BookListener | undefined): void {
    this.listener = listener ?? NO_LISTENER;
  }

  // ---------------------------------------------------------------- queries

  /** Best bid in ticks, or `NaN` when there are no bids. */
  bestBid(): number {
    const s = this.sides[BUY];
    return s.count === 0 ? Number.NaN : s.prices[s.count - 1]!;
  }

  /** Best ask in ticks, or `NaN` when there are no asks. */
  bestAsk(): number {
    const s = this.sides[SELL];
    return s.count === 0 ? Number.NaN : s.prices[s.count - 1]!;
  }

  /** Price of the last execution in ticks, or `NaN` before the first. */
  lastTradeTicks(): number {
    return this.lastTrade;
  }

  /** Number of trades so far (the last trade id issued). */
  tradeCount(): number {
    return this.tradeSeq;
  }

  /** Number of resting orders. */
  size(): number {
    return this.orderCount;
  }

  /**
   * Number of non-empty price levels on a side.
   * @param side - `'buy'` for bids, `'sell'` for asks
   */
  levels(side: Side): number {
    return this.sides[side === 'buy' ? BUY : SELL].count;
  }

  /**
   * Total resting lots on a side.
   * @param side - `'buy'` for bids, `'sell'` for asks
   */
  sideLots(side: Side): number {
    return this.sides[side === 'buy' ? BUY : SELL].lots;
  }

  /**
   * Number of resting orders on a side.
   * @param side - `'buy'` for bids, `'sell'` for asks
   */
  sideOrders(side: Side): number {
    return this.sides[side === 'buy' ? BUY : SELL].orders;
  }

  /**
   * Price of the `rank`-th best level (0 = best), or `NaN` when there is no such level.
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param rank - 0-based level rank
   */
  levelPrice(side: Side, rank: number): number {
    const s = this.sides[side === 'buy' ? BUY : SELL];
    return rank >= 0 && rank < s.count ? s.prices[s.count - 1 - rank]! : Number.NaN;
  }

  /**
   * Total resting lots at a price (0 when the level is empty).
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param priceTicks - the price
   */
  levelLots(side: Side, priceTicks: number): number {
    const slot = this.sides[side === 'buy' ? BUY : SELL].find(priceTicks);
    return slot < 0 ? 0 : this.lLots[slot]!;
  }

  /**
   * Number of resting orders at a price.
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param priceTicks - the price
   */
  levelOrders(side: Side, priceTicks: number): number {
    const slot = this.sides[side === 'buy' ? BUY : SELL].find(priceTicks);
    return slot < 0 ? 0 : this.lCount[slot]!;
  }

  /**
   * The number of levels strictly better than `priceTicks` on a side: the rank the price has (or
   * would have) among the side's levels.
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param priceTicks - the price
   */
  levelRank(side: Side, priceTicks: number): number {
    const s = this.sides[side === 'buy' ? BUY : SELL];
    const i = s.lowerBound(priceTicks);
    // levels are stored worst first: everything from index i on is at least as good as the
    // price, so the strictly better ones are those minus an equal level at i
    let better = s.count - i;
    if (i < s.count && s.prices[i] === priceTicks) better--;
    return better;
  }

  /**
   * Whether an order with this id rests in the book.
   * @param orderId - the id
   */
  has(orderId: OrderId): boolean {
    return this.index.has(orderId);
  }

  /**
   * Remaining (resting) lots of an order, or 0 when it is not in the book.
   * @param orderId - the id
   */
  remainingLots(orderId: OrderId): number {
    const o = this.index.get(orderId);
    return o < 0 ? 0 : this.oLots[o]!;
  }

  /**
   * Lots resting ahead of an order in its price level's queue (strictly earlier time priority),
   * or `NaN` when the order is not in the book.
   * @param orderId - the id
   * @returns the quantity that must trade or cancel before this order can fill
   */
  queueAheadLots(orderId: OrderId): number {
    const o = this.index.get(orderId);
    if (o < 0) return Number.NaN;
    let ahead = 0;
    let p = this.oPrev[o]!;
    while (p !== NONE) {
      ahead += this.oLots[p]!;
      p = this.oPrev[p]!;
    }
    return ahead;
  }

  /**
   * An order's time-priority stamp: a number that increases with every order that joins a
   * queue (a new order, or an amend that loses priority), so that at one price level an order
   * with a smaller stamp is ahead of one with a larger stamp. `NaN` when it is not in the book.
   * @param orderId - the id
   */
  timePriority(orderId: OrderId): number {
    const o = this.index.get(orderId);
    return o < 0 ? Number.NaN : this.oStamp[o]!;
  }

  /** The last time-priority stamp given ({@link TickBook.timePriority}); 0 before any order. */
  lastTimePriority(): number {
    return this.stampSeq;
  }

  /**
   * 0-based position of an order in its level's queue, or -1 when it is not in the book.
   * @param orderId - the id
   */
  queuePosition(orderId: OrderId): number {
    const o = this.index.get(orderId);
    if (o < 0) return -1;
    let n = 0;
    let p = this.oPrev[o]!;
    while (p !== NONE) {
      n++;
      p = this.oPrev[p]!;
    }
    return n;
  }

  /**
   * Describes a resting order, or `undefined` when it is not in the book.
   * @param orderId - the id
   */
  order(orderId: OrderId): RestingOrder | undefined {
    const o = this.index.get(orderId);
    if (o < 0) return undefined;
    return {
      side: SIDES[this.oSide[o]!]!,
      priceTicks: this.oPrice[o]!,
      lots: this.oLots[o]!,
      origLots: this.oOrigLots[o]!,
      owner: this.oOwner[o]!,
    };
  }

  /**
   * Calls `fn` for each order of a level in queue (time-priority) order.
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param priceTicks - the level's price
   * @param fn - receives the order id and its resting lots
   */
  forEachOrderAt(side: Side, priceTicks: number, fn: (orderId: OrderId, lots: number) => void) {
    const slot = this.sides[side === 'buy' ? BUY : SELL].find(priceTicks);
    if (slot < 0) return;
    let o = this.lHead[slot]!;
    while (o !== NONE) {
      const next = this.oNext[o]!;
      fn(this.oIds[o]!, this.oLots[o]!);
      o = next;
    }
  }

  /**
   * The id of the `index`-th order (queue order) at a level, or `undefined`.
   * @param side - `'buy'` for bids, `'sell'` for asks
   * @param priceTicks - the level's price
   * @param index - 0-based queue position
   */
  orderAt(side: Side, priceTicks: number, index: number): OrderId | undefined {
    const slot = this.sides[side === 'buy' ? BUY : SELL].find(priceTicks);
    if (slot < 0) return undefined;
    let o = this.lHead[slot]!;
    for (let i = 0; i < index && o !== NONE; i++) o = this.oNext[o]!;
    return o === NONE ? undefined : this.oIds[o];
  }

  /**
   * Writes the top N levels into an L2 book (N = the snapshot's length), converting ticks and
   * lots to numbers with the given scale. Unused levels get price 0 and size 0.
   * @param out - the snapshot to fill (its `ts` is not touched)
   * @param tickSize - price of one tick (1 keeps ticks)
   * @param lotSize - quantity of one lot (1 keeps lots)
   * @returns `out`
   */
  fillL2(out: L2Snapshot, tickSize = 1, lotSize = 1): L2Snapshot {
    this.fillSide(this.sides[BUY], out.bidPrice, out.bidSize, tickSize, lotSize);
    this.fillSide(this.sides[SELL], out.askPrice, out.askSize, tickSize, lotSize);
    return out;
  }

  private fillSide(
    s: SideLevels,
    prices: Float64Array,
    sizes: Float64Array,
    tickSize: number,
    lotSize: number,
  ): void {
    const n = prices.length;
    const m = Math.min(s.count, n);
    const pt = scaleOf(tickSize);
    const lt = scaleOf(lotSize);
    for (let i = 0; i < m; i++) {
      const k = s.count - 1 - i;
      prices[i] = scale(s.prices[k]!, tickSize, pt);
      sizes[i] = scale(this.lLots[s.slots[k]!]!, lotSize, lt);
    }
    for (let i = m; i < n; i++) {
      prices[i] = 0;
      sizes[i] = 0;
    }
  }

  /**
   * Lots an incoming order could fill right now: the opposite side's quantity up to its limit
   * price, skipping or stopping at orders of the same owner as self-trade prevention would. This
   * is the fill-or-kill test.
   * @param side - the incoming order's side
   * @param priceTicks - its limit price; `NaN` for a market order
   * @param neededLots - stop counting once this many lots are found
   * @param owner - its owner (0 = anonymous)
   * @returns the fillable lots, capped near `neededLots`
   */
  fillableLots(side: Side, priceTicks: number, neededLots: number, owner = 0): number {
    const market = Number.isNaN(priceTicks);
    return this.availableLots(
      side === 'buy' ? BUY : SELL,
      market,
      market ? 0 : priceTicks,
      neededLots,
      owner,
    );
  }

  // Market orders are passed as (market = true, limitTicks = 0) and tested with the flag, never
  // through a NaN or ±Infinity limit: V8 kept such a limit as a boxed heap number (a value merged
  // with a tagged argument), one allocation per market order; integer prices stay small integers.
  private availableLots(
    side: number,
    market: boolean,
    limitTicks: number,
    needed: number,
    owner: number,
  ): number {
    const opp = this.sides[side ^ 1]!;
    const isBuy = side === BUY;
    let total = 0;
    for (let k = opp.count - 1; k >= 0 && total < needed; k--) {
      const px = opp.prices[k]!;
      if (!market && (isBuy ? px > limitTicks : px < limitTicks)) break;
      const lvl = opp.slots[k]!;
      if (owner === 0 || this.stp === 'none') {
        total += this.lLots[lvl]!;
        continue;
      }
      let o = this.lHead[lvl]!;
      while (o !== NONE) {
        if (this.oOwner[o] === owner) {
          // cancel-taker / cancel-both stop matching at the first own order
          if (this.stp !== 'cancel-maker') return total;
        } else {
          total += this.oLots[o]!;
          if (total >= needed) return total;
        }
        o = this.oNext[o]!;
      }
    }
    return total;
  }

  // ---------------------------------------------------------------- commands

  /**
   * Submits an order: matches it against the opposite side in price-time priority, then rests
   * what is left (GTC limit) or cancels it (IOC, market). Outcome details are in
   * {@link TickBook.outcome}.
   *
   * @param orderId - id, unique among resting orders
   * @param side - buy or sell
   * @param priceTicks - limit price in ticks; `NaN` for a market order
   * @param lots - quantity in lots, a safe integer > 0
   * @param tif - `'GTC'` (default), `'IOC'` or `'FOK'`; a market order is always IOC/FOK
   * @param postOnly - reject instead of taking liquidity
   * @param owner - integer owner for self-trade prevention, 0 = anonymous
   * @returns `'ok'` or the reject reason (a rejected order changed nothing)
   */
  submit(
    orderId: OrderId,
    side: Side,
    priceTicks: number,
    lots: number,
    tif: BookTimeInForce = 'GTC',
    postOnly = false,
    owner = 0,
  ): BookStatus {
    const out = this.outcome;
    out.filledLots = 0;
    out.filledTicksLots = 0;
    out.restingLots = 0;
    out.canceledLots = 0;
    out.selfTradeCanceled = false;
    const args = checkTickOrder(side, tif, priceTicks, lots);
    if (args !== 'ok') return this.refuse(args);
    const isMarket = Number.isNaN(priceTicks);
    if (this.index.has(orderId)) return this.refuse('duplicate-order-id');
    const s = side === 'buy' ? BUY : SELL;
    const limitTicks = isMarket ? 0 : priceTicks;
    const opp = this.sides[s ^ 1]!;
    const crosses =
      opp.count > 0 &&
      (isMarket ||
        (s === BUY
          ? opp.prices[opp.count - 1]! <= limitTicks
          : opp.prices[opp.count - 1]! >= limitTicks));
    if (postOnly && crosses) return this.refuse('would-cross');
    if (isMarket && opp.count === 0) return this.refuse('no-liquidity');
    if (tif === 'FOK' && this.availableLots(s, isMarket, limitTicks, lots, owner) < lots) {
      return this.refuse('fok-unfillable');
    }
    out.status = 'ok';
    const remaining = crosses ? this.match(orderId, s, isMarket, limitTicks, lots, owner) : lots;
    if (remaining > 0) {
      if (isMarket || tif !== 'GTC' || out.selfTradeCanceled) {
        out.canceledLots = remaining;
      } else {
        this.rest(orderId, s, priceTicks, remaining, lots, postOnly ? FLAG_POST_ONLY : 0, owner);
        out.restingLots = remaining;
        this.listener.onAdd(orderId, side, priceTicks, remaining);
      }
    }
    return 'ok';
  }

  private refuse(reason: BookStatus): BookStatus {
    this.outcome.status = reason;
    return reason;
  }

  /**
   * Cancels a resting order.
   * @param orderId - the id
   * @returns `'ok'` or `'unknown-order'`
   */
  cancel(orderId: OrderId): BookStatus {
    const o = this.index.get(orderId);
    if (o < 0) return 'unknown-order';
    const lots = this.oLots[o]!;
    const price = this.oPrice[o]!;
    const side = this.oSide[o]!;
    this.unlink(o);
    this.listener.onCancel(orderId, SIDES[side]!, price, lots, false);
    return 'ok';
  }

  /**
   * Amends a resting order. A pure size reduction keeps queue priority (L3 `modify` with
   * `keptPriority`); a size increase or a price change moves the order to the back of the queue
   * at its (new) price. A new price that crosses the opposite side makes the order take liquidity
   * like a new order with the same id (reported as a cancel of the resting quantity, executions,
   * then an add of any rest), unless the order is post-only, which rejects with `'would-cross'`.
   *
   * @param orderId - the id
   * @param priceTicks - the new price in ticks (the current price to keep it)
   * @param lots - the new total resting quantity in lots (> 0)
   * @returns `'ok'` or the reject reason (a rejected amend changed nothing)
   */
  amend(orderId: OrderId, priceTicks: number, lots: number): BookStatus {
    const o = this.index.get(orderId);
    if (o < 0) return 'unknown-order';
    if (!Number.isSafeInteger(priceTicks)) return 'invalid-price';
    if (!Number.isSafeInteger(lots) || lots <= 0) return 'invalid-qty';
    const oldPrice = this.oPrice[o]!;
    const oldLots = this.oLots[o]!;
    const s = this.oSide[o]!;
    const side = SIDES[s]!;
    if (priceTicks === oldPrice && lots === oldLots) return 'no-change';
    if (priceTicks === oldPrice && lots < oldLots) {
      const lvl = this.oLevel[o]!;
      const d = oldLots - lots;
      this.oLots[o] = lots;
      this.lLots[lvl]! -= d;
      this.sides[s]!.lots -= d;
      this.listener.onModify(orderId, side, priceTicks, lots, true);
      return 'ok';
    }
    const opp = this.sides[s ^ 1]!;
    const crosses =
      opp.count > 0 &&
      (s === BUY
        ? opp.prices[opp.count - 1]! <= priceTicks
        : opp.prices[opp.count - 1]! >= priceTicks);
    const flags = this.oFlags[o]!;
    const owner = this.oOwner[o]!;
    if (crosses && (flags & FLAG_POST_ONLY) !== 0) return 'would-cross';
    const orig = this.oOrigLots[o]! + (lots > oldLots ? lots - oldLots : 0);
    if (!crosses) {
      this.unlink(o);
      this.rest(orderId, s, priceTicks, lots, orig, flags, owner);
      this.listener.onModify(orderId, side, priceTicks, lots, false);
      return 'ok';
    }
    this.unlink(o);
    this.listener.onCancel(orderId, side, oldPrice, oldLots, false);
    const out = this.outcome;
    out.filledLots = 0;
    out.filledTicksLots = 0;
    out.restingLots = 0;
    out.canceledLots = 0;
    out.selfTradeCanceled = false;
    out.status = 'ok';
    const remaining = this.match(orderId, s, false, priceTicks, lots, owner);
    if (remaining > 0) {
      if (out.selfTradeCanceled) out.canceledLots = remaining;
      else {
        this.rest(orderId, s, priceTicks, remaining, orig, flags, owner);
        out.restingLots = remaining;
        this.listener.onAdd(orderId, side, priceTicks, remaining);
      }
    }
    return 'ok';
  }

  /** Removes every resting order without events (a venue reset). */
  clear(): void {
    this.oIds.fill(0, 0, this.poolTop); // (no callback: clear() allocates nothing either)
    this.index.clear();
    this.orderCount = 0;
    this.freeOrder = NONE;
    this.freeLevel = NONE;
    this.poolTop = 0;
    this.levelTop = 0;
    for (let k = 0; k < 2; k++) {
      const s = this.sides[k]!;
      s.count = 0;
      s.lots = 0;
      s.orders = 0;
    }
  }

  // ---------------------------------------------------------------- internals

  /** Matches an incoming order (limit ignored when `market`); returns its unfilled lots. */
  private match(
    takerId: OrderId,
    s: number,
    market: boolean,
    limitTicks: number,
    lots: number,
    owner: number,
  ): number {
    const opp = this.sides[s ^ 1]!;
    const makerSide = SIDES[s ^ 1]!;
    const isBuy = s === BUY;
    const out = this.outcome;
    const stpOn = owner !== 0 && this.stp !== 'none';
    let remaining = lots;
    while (remaining > 0 && opp.count > 0) {
      const k = opp.count - 1;
      const px = opp.prices[k]!;
      if (!market && (isBuy ? px > limitTicks : px < limitTicks)) break;
      const lvl = opp.slots[k]!;
      let o = this.lHead[lvl]!;
      while (o !== NONE && remaining > 0) {
        const next = this.oNext[o]!;
        if (stpOn && this.oOwner[o] === owner) {
          if (this.stp === 'cancel-taker') {
            out.selfTradeCanceled = true;
            return remaining;
          }
          // cancel-maker or cancel-both: the resting order goes
          const ml = this.oLots[o]!;
          const id = this.oIds[o]!;
          this.unlink(o);
          this.listener.onCancel(id, makerSide, px, ml, true);
          if (this.stp === 'cancel-both') {
            out.selfTradeCanceled = true;
            return remaining;
          }
          o = next;
          continue;
        }
        const ol = this.oLots[o]!;
        const q = Math.min(remaining, ol);
        const left = ol - q;
        remaining -= q;
        out.filledLots += q;
        out.filledTicksLots += q * px;
        this.lastTrade = px;
        const id = this.oIds[o]!;
        if (left === 0) this.unlink(o);
        else {
          this.oLots[o] = left;
          this.lLots[lvl]! -= q;
          opp.lots -= q;
        }
        this.listener.onExecute(id, takerId, makerSide, px, q, left, ++this.tradeSeq);
        o = next;
      }
    }
    return remaining;
  }

  private poolTop = 0;
  private levelTop = 0;

  private allocOrder(): number {
    if (this.freeOrder !== NONE) {
      const o = this.freeOrder;
      this.freeOrder = this.oNext[o]!;
      return o;
    }
    if (this.poolTop === this.oPrice.length) this.growOrders();
    return this.poolTop++;
  }

  private growOrders(): void {
    const n = this.oPrice.length * 2;
    this.oPrice = grown(this.oPrice, n);
    this.oLots = grown(this.oLots, n);
    this.oOrigLots = grown(this.oOrigLots, n);
    this.oSide = grown(this.oSide, n);
    this.oFlags = grown(this.oFlags, n);
    this.oOwner = grown(this.oOwner, n);
    this.oPrev = grown(this.oPrev, n);
    this.oNext = grown(this.oNext, n);
    this.oLevel = grown(this.oLevel, n);
    this.oStamp = grown(this.oStamp, n);
    const old = this.oIds.length;
    this.oIds.length = n;
    this.oIds.fill(0, old);
  }

  private allocLevel(): number {
    if (this.freeLevel !== NONE) {
      const l = this.freeLevel;
      this.freeLevel = this.lHead[l]!;
      return l;
    }
    if (this.levelTop === this.lHead.length) {
      const n = this.lHead.length * 2;
      this.lHead = grown(this.lHead, n);
      this.lTail = grown(this.lTail, n);
      this.lCount = grown(this.lCount, n);
      this.lLots = grown(this.lLots, n);
      this.lPrice = grown(this.lPrice, n);
    }
    return this.levelTop++;
  }

  /** Appends an order at the back of its level's queue. */
  private rest(
    id: OrderId,
    s: number,
    price: number,
    lots: number,
    orig: number,
    flags: number,
    owner: number,
  ): void {
    const o = this.allocOrder();
    const side = this.sides[s]!;
    let lvl = side.find(price);
    if (lvl < 0) {
      lvl = this.allocLevel();
      this.lHead[lvl] = NONE;
      this.lTail[lvl] = NONE;
      this.lLots[lvl] = 0;
      this.lCount[lvl] = 0;
      this.lPrice[lvl] = price;
      side.insert(price, lvl);
    }
    this.oPrice[o] = price;
    this.oLots[o] = lots;
    this.oOrigLots[o] = orig;
    this.oSide[o] = s;
    this.oFlags[o] = flags;
    this.oOwner[o] = owner;
    this.oLevel[o] = lvl;
    this.oStamp[o] = ++this.stampSeq;
    this.oIds[o] = id;
    const tail = this.lTail[lvl]!;
    this.oPrev[o] = tail;
    this.oNext[o] = NONE;
    if (tail === NONE) this.lHead[lvl] = o;
    else this.oNext[tail] = o;
    this.lTail[lvl] = o;
    this.lLots[lvl]! += lots;
    this.lCount[lvl]!++;
    side.lots += lots;
    side.orders++;
    this.index.set(id, o);
    this.orderCount++;
  }

  /** Removes an order from its level (and the level when it empties) and frees its node. */
  private unlink(o: number): void {
    const lvl = this.oLevel[o]!;
    const s = this.oSide[o]!;
    const side = this.sides[s]!;
    const prev = this.oPrev[o]!;
    const next = this.oNext[o]!;
    if (prev === NONE) this.lHead[lvl] = next;
    else this.oNext[prev] = next;
    if (next === NONE) this.lTail[lvl] = prev;
    else this.oPrev[next] = prev;
    const lots = this.oLots[o]!;
    this.lLots[lvl]! -= lots;
    side.lots -= lots;
    side.orders--;
    if (--this.lCount[lvl]! === 0) {
      side.remove(this.lPrice[lvl]!);
      this.lHead[lvl] = this.freeLevel;
      this.freeLevel = lvl;
    }
    this.index.delete(this.oIds[o]!);
    this.oIds[o] = 0;
    this.oLots[o] = 0;
    this.oNext[o] = this.freeOrder;
    this.freeOrder = o;
    this.orderCount--;
  }
}

/**
 * The read-only queries of a {@link TickBook}: what `MatchingEngine.book` and
 * `OrderFlowGenerator.book` expose, so that nothing can change those books behind their owners.
 */
export type BookView = Pick<
  TickBook,
  | 'bestBid'
  | 'bestAsk'
  | 'lastTradeTicks'
  | 'tradeCount'
  | 'size'
  | 'levels'
  | 'sideLots'
  | 'sideOrders'
  | 'levelPrice'
  | 'levelLots'
  | 'levelOrders'
  | 'levelRank'
  | 'has'
  | 'remainingLots'
  | 'queueAheadLots'
  | 'queuePosition'
  | 'timePriority'
  | 'lastTimePriority'
  | 'order'
  | 'forEachOrderAt'
  | 'orderAt'
  | 'fillL2'
  | 'fillableLots'
>;
