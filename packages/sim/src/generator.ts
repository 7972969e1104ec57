/**
 * A seeded, reproducible order-flow generator: the zero-intelligence model of Cont, Stoikov and
 * Talreja (2010), optionally with an informed trader who knows a hidden efficient price.
 *
 * Reference: R. Cont, S. Stoikov, R. Talreja, "A stochastic model for order book dynamics",
 * Operations Research 58(3):549–563, 2010. Section 2.1 (the model) and Section 3.2 / Table 2
 * (parameters fitted on Tokyo Stock Exchange data).
 *
 * @module
 */
import {
  createL2Snapshot,
  type Instrument,
  type L2Delta,
  type L2Snapshot,
  type L3Event,
  type OrderId,
  Rng,
  type Side,
  ValidationError,
} from '@x/core';
import { type BookView, TickBook } from './book.js';
import type { BookListener } from './book-types.js';
import type { TradeEvent } from './events.js';
import {
  BUY,
  CstSampler,
  EV_CANCEL,
  EV_CANCEL_DEEP,
  EV_EXTRA,
  EV_LIMIT_BUY,
  EV_LIMIT_SELL,
  EV_MARKET_BUY,
  EV_MARKET_SELL,
} from './internal/cst-sampler.js';
import { checkPosInt, checkRate, compileRates } from './internal/rates.js';
import { L2DeltaTracker } from './l2.js';
import { CST2010_RATES, type OrderFlowRates } from './rates.js';
import type { Lots, Ticks } from './units.js';
import { unitsToNumber } from './units.js';

/**
 * An informed trader: a hidden efficient price `v` follows a driftless Brownian motion (in
 * ticks) and, at rate `rate`, the trader sends a market order toward it: a buy when
 * `v > bestAsk + thresholdTicks`, a sell when `v < bestBid − thresholdTicks`, nothing otherwise.
 * Its trades are flagged `informed: true`, so the toxicity of the flow is known.
 */
export interface InformedTraderConfig {
  /** Arrival rate of the informed trader's decisions, per second (> 0). */
  readonly rate: number;
  /** Volatility of the efficient price in ticks per √second (>= 0; 0 keeps it fixed). */
  readonly volatilityTicks: number;
  /** Initial efficient price minus the initial mid, in ticks (0 by default). */
  readonly initialOffsetTicks?: number;
  /** How far beyond the touch `v` must be before the trader acts, in ticks (0 by default). */
  readonly thresholdTicks?: number;
  /** Size of each informed market order in lots (the noise order size by default). */
  readonly sizeLots?: number;
}

/**
 * Configuration of an {@link OrderFlowGenerator}; `I` is the type of `instrument` (absent: the
 * generator's prices are {@link Ticks} and sizes {@link Lots}).
 */
export interface OrderFlowConfig<I extends Instrument | undefined = Instrument | undefined> {
  /** Seed of the stream: the same config and seed always give the same events. */
  readonly seed: number;
  /** Model rates; {@link CST2010_RATES} by default. */
  readonly rates?: OrderFlowRates;
  /** Size of every noise order in lots (1 by default, as in the paper's unit-size model). */
  readonly orderSizeLots?: number;
  /** Initial best bid in ticks (10 000 by default). */
  readonly initialBidTicks?: number;
  /** Initial spread in ticks (1 by default). */
  readonly initialSpreadTicks?: number;
  /**
   * Orders per initial level, level i = 1..K on each side counted from the touch; by default the
   * stationary mean of a level without market orders, round(λ(i)/θ(i)) (at least 1).
   */
  readonly initialDepth?: readonly number[];
  /** Cancellation rate of orders farther than K ticks from the opposite best; θ(K) by default. */
  readonly thetaBeyond?: number;
  /** Stream start time in milliseconds (0 by default); event times are start + model seconds × 1000. */
  readonly startMs?: number;
  /**
   * Price and size scale of the emitted numbers (tick and lot size). Without it events carry
   * prices in ticks and sizes in lots, and their types say so ({@link Ticks}, {@link Lots}).
   */
  readonly instrument?: I;
  /** Adds an informed trader (none by default). */
  readonly informed?: InformedTraderConfig;
}

/** Price of a generated event: {@link Ticks} without an instrument, a price with one. */
export type FlowPrice<I extends Instrument | undefined> = I extends Instrument ? number : Ticks;

/** Size of a generated event: {@link Lots} without an instrument, a quantity with one. */
export type FlowQty<I extends Instrument | undefined> = I extends Instrument ? number : Lots;

/** The `price` and `qty` of a generated event, in the generator's units. */
export interface FlowUnitFields<I extends Instrument | undefined> {
  /** Price: ticks without an instrument, the instrument's price with one. */
  readonly price: FlowPrice<I>;
  /** Size: lots without an instrument, the instrument's quantity with one. */
  readonly qty: FlowQty<I>;
}

/** An event type `E` with its `price` and `qty` in the generator's units. */
export type InFlowUnits<E, I extends Instrument | undefined> = E extends unknown
  ? Omit<E, 'price' | 'qty'> & FlowUnitFields<I>
  : never;

/**
 * One generated event: an L3 book event or a trade print (one per execution), with prices in
 * ticks and sizes in lots unless the generator has an instrument (`I`).
 */
export type FlowEvent<I extends Instrument | undefined = undefined> = InFlowUnits<
  L3Event | TradeEvent,
  I
>;

/** A generated trade print, in the generator's units (see {@link FlowEvent}). */
export type FlowTrade<I extends Instrument | undefined = undefined> = InFlowUnits<TradeEvent, I>;

/** Counts of what the generator did, for checks and summaries. */
export interface FlowStats {
  /** Model time elapsed, in seconds. */
  readonly elapsedSeconds: number;
  /** Model events drawn (including market orders that found an empty side). */
  readonly steps: number;
  /** Limit orders submitted, per distance i = 1..K (index i − 1), both sides. */
  readonly limitOrders: readonly number[];
  /** Cancellations, per distance i = 1..K (index i − 1), both sides. */
  readonly cancels: readonly number[];
  /** Cancellations of orders farther than K ticks from the opposite best. */
  readonly cancelsBeyond: number;
  /** Noise market orders that traded. */
  readonly marketOrders: number;
  /** Market orders (noise or informed) that found the opposite side empty and did nothing. */
  readonly skippedMarketOrders: number;
  /** Informed market orders that traded. */
  readonly informedOrders: number;
  /** Informed-trader arrivals that did nothing because `v` was inside the quotes. */
  readonly informedIdle: number;
}

/**
 * A block of N-level L2 snapshots in row-major typed arrays: row r, level m is at index
 * `r * levels + m` (the layout of core's `L2Snapshot`, one row per snapshot).
 */
export interface L2Series {
  /** Number of snapshots (rows). */
  readonly rows: number;
  /** N, levels per side. */
  readonly levels: number;
  /** Time of each row, in milliseconds. */
  readonly ts: Float64Array;
  /** Bid prices, `rows × levels`. */
  readonly bidPrice: Float64Array;
  /** Bid sizes, `rows × levels`. */
  readonly bidSize: Float64Array;
  /** Ask prices, `rows × levels`. */
  readonly askPrice: Float64Array;
  /** Ask sizes, `rows × levels`. */
  readonly askSize: Float64Array;
}

/** Options of the stream methods. */
export interface StreamOptions {
  /** Stop after this many items (unbounded by default: break out of the loop yourself). */
  readonly count?: number;
}

/** Options of {@link OrderFlowGenerator.l2Snapshots}. */
export interface SnapshotStreamOptions extends StreamOptions {
  /** Yield a fresh copy each time instead of one snapshot object updated in place (false by default). */
  readonly copy?: boolean;
}

/**
 * A continuous-time simulation of the Cont–Stoikov–Talreja (2010) order book, driven by one
 * seeded `Rng` (from `@x/core`): the same config (seed included) gives the same stream, event for event.
 *
 * Events are drawn with the Gillespie algorithm: the next event time is exponential with the
 * total rate R = 2Σλ(i) + 2μ + Σθ(i)·(orders at distance i) [+ informed rate], and its kind is
 * drawn with probability proportional to its rate. Distances are counted from the opposite best
 * quote (its last known value while that side is empty); a market order facing an empty side does
 * nothing (counted in {@link FlowStats.skippedMarketOrders}), and a limit buy that would be priced
 * at or below 0 ticks is dropped (start far enough from 0 with `initialBidTicks`).
 *
 * The stream methods share one simulation: each continues where the previous stopped. They are
 * lazy iterators and hold only the current book, never the stream.
 *
 * @example
 * ```ts
 * const gen = new OrderFlowGenerator({ seed: 42, rates: cst2010Rates(10) });
 * for (const snap of gen.l2Snapshots(10, { count: 1000 })) {
 *   // snap is one L2Snapshot object updated in place: read it, copy what you keep
 * }
 * ```
 */
export class OrderFlowGenerator<I extends Instrument | undefined = undefined> {
  /** The simulated book, read-only (its prices are in ticks and sizes in lots). */
  readonly book: BookView;
  private readonly tickBook: TickBook;
  private readonly sampler: CstSampler;
  private readonly rng: Rng;
  private readonly priceRng: Rng;
  private readonly K: number;
  private readonly sizeLots: number;
  private readonly informedRate: number;
  private readonly informedSigma: number;
  private readonly informedThreshold: number;
  private readonly informedSize: number;
  private readonly startMs: number;
  private readonly tickN: number;
  private readonly lotN: number;
  private refBid: number;
  private refAsk: number;
  private t = 0;
  private v: number;
  private nextId = 1;
  private record = false;
  private informedTaker = false;
  private readonly buf: FlowEvent<I>[] = [];
  private readonly sLimit: number[];
  private readonly sCancel: number[];
  private sCancelBeyond = 0;
  private sSteps = 0;
  private sMarket = 0;
  private sSkipped = 0;
  private sInformed = 0;
  private sInformedIdle = 0;

  /**
   * @param config - seed, rates, sizes, initial book, informed trader
   * @throws `ValidationError` (from `@x/core`) for rates that are negative, non-finite, of different
   *   lengths or all zero, and for non-integer sizes or prices
   */
  constructor(config: OrderFlowConfig<I>) {
    const rates = compileRates(config.rates ?? CST2010_RATES);
    const K = rates.K;
    this.K = K;
    const thetaBeyond = config.thetaBeyond ?? rates.theta[K - 1]!;
    checkRate(thetaBeyond, 'thetaBeyond');
    if (rates.lambdaTotal === 0 && rates.mu === 0 && config.informed === undefined) {
      throw new ValidationError('at least one arrival rate must be > 0', { field: 'rates' });
    }
    this.sizeLots = config.orderSizeLots ?? 1;
    checkPosInt(this.sizeLots, 'orderSizeLots');
    const bid0 = config.initialBidTicks ?? 10_000;
    const spread0 = config.initialSpreadTicks ?? 1;
    checkPosInt(bid0, 'initialBidTicks');
    checkPosInt(spread0, 'initialSpreadTicks');
    this.startMs = config.startMs ?? 0;
    if (!Number.isFinite(this.startMs)) {
      throw new ValidationError('startMs must be finite', {
        field: 'startMs',
        value: this.startMs,
      });
    }
    const inf = config.informed;
    if (inf !== undefined) {
      if (!(inf.rate > 0) || !Number.isFinite(inf.rate)) {
        throw new ValidationError('informed.rate must be finite and > 0', {
          field: 'informed.rate',
          value: inf.rate,
        });
      }
      checkRate(inf.volatilityTicks, 'informed.volatilityTicks');
      this.informedRate = inf.rate;
      this.informedSigma = inf.volatilityTicks;
      this.informedThreshold = inf.thresholdTicks ?? 0;
      checkRate(this.informedThreshold, 'informed.thresholdTicks');
      this.informedSize = inf.sizeLots ?? this.sizeLots;
      checkPosInt(this.informedSize, 'informed.sizeLots');
    } else {
      this.informedRate = 0;
      this.informedSigma = 0;
      this.informedThreshold = 0;
      this.informedSize = this.sizeLots;
    }
    this.tickN = config.instrument?.tickSizeNumber ?? 1;
    this.lotN = config.instrument?.lotSizeNumber ?? 1;
    const root = Rng.fromSeed(config.seed);
    this.rng = root.split();
    this.priceRng = root.split();
    this.sLimit = new Array<number>(K).fill(0);
    this.sCancel = new Array<number>(K).fill(0);
    this.tickBook = new TickBook({ listener: this.listener() });
    this.book = this.tickBook;
    this.sampler = new CstSampler(rates, thetaBeyond, this.informedRate);
    this.refBid = bid0;
    this.refAsk = bid0 + spread0;
    this.v = 0.5 * (this.refBid + this.refAsk) + (inf?.initialOffsetTicks ?? 0);
    // initial book: level j (0-based) from each touch
    this.record = true;
    for (let j = 0; j < K; j++) {
      const d =
        config.initialDepth?.[j] ??
        Math.max(1, Math.round(rates.theta[j]! > 0 ? rates.lambda[j]! / rates.theta[j]! : 1));
      checkNonNegInt(d, `initialDepth[${j}]`);
      if (bid0 - j <= 0) break;
      for (let q = 0; q < d; q++)
        this.tickBook.submit(this.nextId++, 'buy', bid0 - j, this.sizeLots);
      for (let q = 0; q < d; q++) {
        this.tickBook.submit(this.nextId++, 'sell', bid0 + spread0 + j, this.sizeLots);
      }
    }
    this.record = false;
  }

  /** Model time elapsed since the start, in seconds. */
  get elapsedSeconds(): number {
    return this.t;
  }

  /** The current event time in milliseconds (start + elapsed). */
  get timeMs(): number {
    return this.startMs + this.t * 1000;
  }

  /** The informed trader's efficient price in ticks (the initial mid when there is none). */
  get efficientPriceTicks(): number {
    return this.v;
  }

  /** What the generator has done so far. */
  stats(): FlowStats {
    return {
      elapsedSeconds: this.t,
      steps: this.sSteps,
      limitOrders: this.sLimit.slice(),
      cancels: this.sCancel.slice(),
      cancelsBeyond: this.sCancelBeyond,
      marketOrders: this.sMarket,
      skippedMarketOrders: this.sSkipped,
      informedOrders: this.sInformed,
      informedIdle: this.sInformedIdle,
    };
  }

  /**
   * The stream as L3 book events and trade prints. The first items are the `add`s of the initial
   * book (time = start). Each execution gives an L3 `execute` followed by its `trade`.
   * @param options - `count`: how many events to yield
   * @returns a lazy iterator
   */
  *events(options: StreamOptions = {}): Generator<FlowEvent<I>, void, undefined> {
    const count = options.count ?? Number.POSITIVE_INFINITY;
    let n = 0;
    this.record = true;
    try {
      // events left from the initial book or an interrupted iteration
      while (n < count) {
        if (this.pendingIndex >= this.buf.length) {
          this.buf.length = 0;
          this.pendingIndex = 0;
          this.step();
          continue;
        }
        yield this.buf[this.pendingIndex++]!;
        n++;
      }
    } finally {
      this.record = false;
    }
  }

  private pendingIndex = 0;

  /**
   * The stream one model step at a time: each item is the events of one step (an empty array for
   * a step that changed nothing, such as a market order facing an empty side). When an item is
   * yielded, {@link OrderFlowGenerator.book} is exactly the book after those events, so an L3
   * consumer (a queue tracker, say) can be checked against the book at every step.
   * Events not yet taken from an interrupted {@link OrderFlowGenerator.events} (such as the
   * initial book's adds) come first, as one item.
   * @param options - `count`: how many steps to yield
   * @returns a lazy iterator of event batches (a fresh array each time)
   */
  *steps(options: StreamOptions = {}): Generator<FlowEvent<I>[], void, undefined> {
    const count = options.count ?? Number.POSITIVE_INFINITY;
    let n = 0;
    this.record = true;
    try {
      if (this.pendingIndex < this.buf.length && n < count) {
        const rest = this.buf.slice(this.pendingIndex);
        this.buf.length = 0;
        this.pendingIndex = 0;
        yield rest;
        n++;
      }
      while (n < count) {
        this.buf.length = 0;
        this.pendingIndex = 0;
        this.step();
        const batch = this.buf.slice();
        this.buf.length = 0;
        yield batch;
        n++;
      }
    } finally {
      this.record = false;
    }
  }

  /**
   * The stream as trade prints only.
   * @param options - `count`: how many trades to yield
   * @returns a lazy iterator
   */
  *trades(options: StreamOptions = {}): Generator<FlowTrade<I>, void, undefined> {
    const count = options.count ?? Number.POSITIVE_INFINITY;
    let n = 0;
    for (const e of this.events()) {
      if (n >= count) return;
      if (e.type === 'trade') {
        yield e;
        n++;
        if (n >= count) return;
      }
    }
  }

  /**
   * The stream as N-level L2 snapshots: one each time the top N levels change (the first is the
   * current book). By default the same snapshot object is yielded every time, updated in place
   * (no allocation per update); pass `copy: true` to get a fresh object each time. L3 events
   * still pending from an interrupted {@link OrderFlowGenerator.events} are discarded.
   * @param levels - N, levels per side
   * @param options - `count` and `copy`
   * @returns a lazy iterator
   */
  *l2Snapshots(
    levels: number,
    options: SnapshotStreamOptions = {},
  ): Generator<L2Snapshot, void, undefined> {
    const count = options.count ?? Number.POSITIVE_INFINITY;
    const cur = createL2Snapshot(levels);
    const prev = createL2Snapshot(levels);
    const copy = options.copy === true;
    this.buf.length = 0;
    this.pendingIndex = 0;
    this.book.fillL2(cur, this.tickN, this.lotN);
    cur.ts = this.timeMs;
    let n = 0;
    if (count > 0) {
      prev.bidPrice.set(cur.bidPrice);
      prev.bidSize.set(cur.bidSize);
      prev.askPrice.set(cur.askPrice);
      prev.askSize.set(cur.askSize);
      yield copy ? cloneSnap(cur) : cur;
      n++;
    }
    while (n < count) {
      this.step();
      this.book.fillL2(cur, this.tickN, this.lotN);
      if (sameLevels(cur, prev)) continue;
      cur.ts = this.timeMs;
      prev.bidPrice.set(cur.bidPrice);
      prev.bidSize.set(cur.bidSize);
      prev.askPrice.set(cur.askPrice);
      prev.askSize.set(cur.askSize);
      yield copy ? cloneSnap(cur) : cur;
      n++;
    }
  }

  /**
   * The next `rows` snapshots of {@link OrderFlowGenerator.l2Snapshots} collected into typed
   * arrays, for benchmarks and model training (the memory is `4 × rows × levels` doubles).
   * @param levels - N, levels per side
   * @param rows - how many snapshots
   * @returns the series
   * @throws `ValidationError` (from `@x/core`) when `levels` or `rows` is not a positive integer
   */
  collectL2(levels: number, rows: number): L2Series {
    checkPosInt(levels, 'levels');
    checkPosInt(rows, 'rows');
    const out: L2Series = {
      rows,
      levels,
      ts: new Float64Array(rows),
      bidPrice: new Float64Array(rows * levels),
      bidSize: new Float64Array(rows * levels),
      askPrice: new Float64Array(rows * levels),
      askSize: new Float64Array(rows * levels),
    };
    let r = 0;
    for (const s of this.l2Snapshots(levels, { count: rows })) {
      const o = r * levels;
      out.ts[r] = s.ts;
      out.bidPrice.set(s.bidPrice, o);
      out.bidSize.set(s.bidSize, o);
      out.askPrice.set(s.askPrice, o);
      out.askSize.set(s.askSize, o);
      r++;
    }
    return out;
  }

  /**
   * The stream as N-level L2 deltas that rebuild the top N levels exactly with core's
   * `applyL2Delta` from an empty book (the first deltas load the current book).
   * @param levels - N, levels per side
   * @param options - `count`: how many deltas to yield
   * @returns a lazy iterator
   */
  *l2Deltas(levels: number, options: StreamOptions = {}): Generator<L2Delta, void, undefined> {
    const count = options.count ?? Number.POSITIVE_INFINITY;
    const tracker = new L2DeltaTracker(levels);
    const out: L2Delta[] = [];
    const push = (d: L2Delta) => {
      out.push(d);
    };
    let n = 0;
    for (const snap of this.l2Snapshots(levels)) {
      out.length = 0;
      tracker.diff(snap, push);
      for (let i = 0; i < out.length; i++) {
        if (n >= count) return;
        yield out[i]!;
        n++;
      }
      if (n >= count) return;
    }
  }

  /**
   * Advances the simulation by one model event (which may be a no-op: a market order facing an
   * empty side, or an idle informed trader).
   * @returns the event kind: 0 limit buy, 1 limit sell, 2 market buy, 3 market sell, 4 informed,
   *   5 cancel
   */
  step(): number {
    const book = this.book;
    const a = book.bestAsk();
    const b = book.bestBid();
    if (!Number.isNaN(a)) this.refAsk = a;
    if (!Number.isNaN(b)) this.refBid = b;
    const ra = this.refAsk;
    const rb = this.refBid;
    const sm = this.sampler;
    const kind = sm.draw(this.rng, this.tickBook, rb, ra);
    this.t += sm.dt;
    if (this.informedSigma > 0)
      this.v += this.informedSigma * Math.sqrt(sm.dt) * this.priceRng.normal();
    this.sSteps++;
    switch (kind) {
      case EV_LIMIT_BUY: {
        this.sLimit[sm.level]!++;
        // a bid at or below 0 ticks has no price: the arrival is dropped (documented)
        const p = ra - sm.level - 1;
        if (p >= 1) this.tickBook.submit(this.nextId++, 'buy', p, this.sizeLots);
        return EV_LIMIT_BUY;
      }
      case EV_LIMIT_SELL:
        this.sLimit[sm.level]!++;
        this.tickBook.submit(this.nextId++, 'sell', rb + sm.level + 1, this.sizeLots);
        return EV_LIMIT_SELL;
      case EV_MARKET_BUY:
      case EV_MARKET_SELL: {
        const side = kind === EV_MARKET_BUY ? 'buy' : 'sell';
        if (this.tickBook.submit(this.nextId++, side, Number.NaN, this.sizeLots, 'IOC') === 'ok') {
          this.sMarket++;
        } else this.sSkipped++;
        return kind;
      }
      case EV_EXTRA:
        this.informedDecision();
        return EV_EXTRA;
      case EV_CANCEL: {
        const side = sm.side === BUY ? 'buy' : 'sell';
        const p = sm.side === BUY ? ra - sm.level - 1 : rb + sm.level + 1;
        this.cancelAt(side, p, sm.index);
        this.sCancel[sm.level]!++;
        return EV_CANCEL;
      }
      case EV_CANCEL_DEEP:
        if (sm.side === BUY) this.cancelDeep('buy', ra - this.K, sm.index);
        else this.cancelDeep('sell', rb + this.K, sm.index);
        this.sCancelBeyond++;
        return EV_CANCEL;
      default:
        return EV_CANCEL;
    }
  }

  private informedDecision(): void {
    const a = this.book.bestAsk();
    const b = this.book.bestBid();
    let side: Side | undefined;
    if (!Number.isNaN(a) && this.v > a + this.informedThreshold) side = 'buy';
    else if (!Number.isNaN(b) && this.v < b - this.informedThreshold) side = 'sell';
    if (side === undefined) {
      this.sInformedIdle++;
      return;
    }
    this.informedTaker = true;
    const r = this.tickBook.submit(this.nextId++, side, Number.NaN, this.informedSize, 'IOC');
    this.informedTaker = false;
    if (r === 'ok') this.sInformed++;
    else this.sSkipped++;
  }

  private cancelAt(side: Side, price: number, index: number): void {
    const id = this.tickBook.orderAt(side, price, index);
    if (id !== undefined) this.tickBook.cancel(id);
  }

  /** Cancels the k-th order (worst level first) among orders beyond `limit` (exclusive of it). */
  private cancelDeep(side: Side, limit: number, k: number): void {
    const book = this.book;
    for (let r = book.levels(side) - 1; r >= 0; r--) {
      const p = book.levelPrice(side, r);
      if (side === 'buy' ? p >= limit : p <= limit) return;
      const c = book.levelOrders(side, p);
      if (k < c) {
        this.cancelAt(side, p, k);
        return;
      }
      k -= c;
    }
  }

  /** Ticks in the emitted unit: ticks, or the instrument's price (the one place units are decided). */
  private priceOf(ticks: number): FlowPrice<I> {
    return unitsToNumber(ticks, this.tickN) as FlowPrice<I>;
  }

  /** Lots in the emitted unit: lots, or the instrument's quantity. */
  private qtyOf(lots: number): FlowQty<I> {
    return unitsToNumber(lots, this.lotN) as FlowQty<I>;
  }

  private listener(): BookListener {
    return {
      onAdd: (orderId, side, priceTicks, lots) => {
        if (!this.record) return;
        this.buf.push({
          type: 'add',
          ts: this.timeMs,
          orderId,
          side,
          price: this.priceOf(priceTicks),
          qty: this.qtyOf(lots),
        });
      },
      onCancel: (orderId, side, priceTicks, lots) => {
        if (!this.record) return;
        this.buf.push({
          type: 'cancel',
          ts: this.timeMs,
          orderId,
          side,
          price: this.priceOf(priceTicks),
          qty: this.qtyOf(lots),
        });
      },
      onModify: () => {
        // the model never amends
      },
      onExecute: (
        makerId: OrderId,
        takerId: OrderId,
        makerSide: Side,
        priceTicks: number,
        lots: number,
        _left: number,
        tradeId: number,
      ) => {
        if (!this.record) return;
        const ts = this.timeMs;
        const price = this.priceOf(priceTicks);
        const qty = this.qtyOf(lots);
        this.buf.push({
          type: 'execute',
          ts,
          makerOrderId: makerId,
          takerOrderId: takerId,
          side: makerSide,
          price,
          qty,
          tradeId,
        });
        this.buf.push({
          type: 'trade',
          ts,
          tradeId,
          price,
          qty,
          aggressor: makerSide === 'buy' ? 'sell' : 'buy',
          makerOrderId: makerId,
          takerOrderId: takerId,
          informed: this.informedTaker,
        });
      },
    };
  }
}

function checkNonNegInt(x: number, field: string): void {
  if (!Number.isSafeInteger(x) || x < 0) {
    throw new ValidationError(`${field} must be a non-negative integer`, { field, value: x });
  }
}

function sameLevels(a: L2Snapshot, b: L2Snapshot): boolean {
  const n = a.bidPrice.length;
  for (let i = 0; i < n; i++) {
    if (
      a.bidPrice[i] !== b.bidPrice[i] ||
      a.bidSize[i] !== b.bidSize[i] ||
      a.askPrice[i] !== b.askPrice[i] ||
      a.askSize[i] !== b.askSize[i]
    ) {
      return false;
    }
  }
  return true;
}

function cloneSnap(s: L2Snapshot): L2Snapshot {
  return {
    ts: s.ts,
    bidPrice: s.bidPrice.slice(),
    bidSize: s.bidSize.slice(),
    askPrice: s.askPrice.slice(),
    askSize: s.askSize.slice(),
  };
}
