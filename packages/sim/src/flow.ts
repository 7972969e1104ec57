/**
 * Background order flow inside a {@link MatchingEngine}: the Cont–Stoikov–Talreja (2010) model
 * trading live against the engine's book, so that your own orders queue behind, get filled by and
 * move with a realistic stream of limit orders, cancellations and market orders.
 *
 * @module
 */
import { Rng, type Side, ValidationError } from '@x/core';
import type { MatchingEngine } from './engine.js';
import type { EngineEvent } from './events.js';
import {
  BUY,
  CstSampler,
  EV_CANCEL,
  EV_CANCEL_DEEP,
  EV_LIMIT_BUY,
  EV_LIMIT_SELL,
  EV_MARKET_BUY,
  EV_MARKET_SELL,
  type QueueCounts,
  SELL,
} from './internal/cst-sampler.js';
import { checkPosInt, checkRate, compileRates } from './internal/rates.js';
import { CST2010_RATES, type OrderFlowRates } from './rates.js';

/** A clock the flow can move forward (core's `ManualClock` is one). */
export interface SettableClock {
  /** The current time in milliseconds. */
  now(): number;
  /** Moves the clock to a time not before the current one. */
  set(ms: number): void;
}

/** Configuration of a {@link BackgroundFlow}. */
export interface BackgroundFlowConfig {
  /** Seed: with the same engine state and the same commands from you, the same flow. */
  readonly seed: number;
  /** The engine's clock (the same object given to the engine); the flow advances it. */
  readonly clock: SettableClock;
  /** Model rates per second; {@link CST2010_RATES} by default. */
  readonly rates?: OrderFlowRates;
  /** Size of every flow order in lots (1 by default). */
  readonly orderSizeLots?: number;
  /** Best bid in ticks to build the initial book around when the engine's book is empty (10 000 by default). */
  readonly initialBidTicks?: number;
  /** Orders per initial level i = 1..K on each side; round(λ(i)/θ(i)), at least 1, by default. */
  readonly initialDepth?: readonly number[];
  /** Cancellation rate of flow orders farther than K ticks from the opposite best; θ(K) by default. */
  readonly thetaBeyond?: number;
  /**
   * Owner tag of the flow's orders ('flow' by default). The flow's orders are exempt from
   * self-trade prevention (`selfTradeExempt`): they stand for many traders, so they trade with
   * each other, and with yours, whatever the engine's `selfTradePrevention` mode.
   */
  readonly owner?: string;
  /** Prefix of the flow's order ids ('F' by default). */
  readonly orderIdPrefix?: string;
  /**
   * Drop the engine's records of the flow's orders once they close (`MatchingEngine.forget`), so
   * memory stays bounded in long runs; true by default.
   */
  readonly forgetClosed?: boolean;
}

/** Counts of what a {@link BackgroundFlow} did. */
export interface BackgroundFlowStats {
  /** Model events drawn. */
  readonly steps: number;
  /** Flow limit orders submitted. */
  readonly limitOrders: number;
  /** Flow cancellations. */
  readonly cancels: number;
  /** Flow market orders that traded. */
  readonly marketOrders: number;
  /** Flow market orders that found the opposite side empty. */
  readonly skippedMarketOrders: number;
  /** Flow orders resting now. */
  readonly restingOrders: number;
}

/**
 * The Cont–Stoikov–Talreja (2010) order flow run live inside a {@link MatchingEngine}.
 *
 * Each {@link BackgroundFlow.step} draws the next model event with the Gillespie algorithm from
 * the engine's current book, moves the engine's clock to its time and sends it to the engine as an
 * ordinary command: a limit order `i` ticks from the opposite best quote (rate λ(i) per side), a
 * market order (rate μ per side), or the cancellation of one of the flow's own resting orders
 * (rate θ(i) each, by distance from the opposite best). Best quotes include your orders; market
 * orders trade against whatever rests, yours included; the flow never cancels orders it did not
 * send. Everything the flow does is an engine event your listeners see.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0);
 * const venue = new MatchingEngine(Instrument.create({ symbol: 'X', tickSize: 1, lotSize: 1 }), { clock });
 * const flow = new BackgroundFlow(venue, { seed: 1, clock });
 * venue.submit({ orderId: 'me', side: 'buy', type: 'limit', price: flow.bestBidTicks(), qty: 3 });
 * flow.runFor(60_000); // a minute of market: 'me' may be filled, partly or fully
 * ```
 */
export class BackgroundFlow {
  private readonly engine: MatchingEngine;
  private readonly clock: SettableClock;
  private readonly rng: Rng;
  private readonly K: number;
  private readonly sampler: CstSampler;
  private readonly counts: QueueCounts;
  private readonly sizeLots: number;
  private readonly owner: string;
  private readonly prefix: string;
  private readonly forgetClosed: boolean;
  /** flow orders: side → price (ticks) → ids (unordered, swap-remove) */
  private readonly at: [Map<number, string[]>, Map<number, string[]>] = [new Map(), new Map()];
  private readonly where = new Map<string, { s: number; p: number; i: number }>();
  private readonly sideCount = [0, 0];
  private refBid: number;
  private refAsk: number;
  private seq = 0;
  private tMs: number;
  private sSteps = 0;
  private sLimit = 0;
  private sCancel = 0;
  private sMarket = 0;
  private sSkipped = 0;

  /**
   * Builds the initial book (when the engine's is empty) and starts listening to the engine.
   * @param engine - the venue to trade in
   * @param config - seed, clock, rates, sizes, initial book
   * @throws `ValidationError` (from `@x/core`) for invalid rates, sizes or prices
   */
  constructor(engine: MatchingEngine, config: BackgroundFlowConfig) {
    this.engine = engine;
    this.clock = config.clock;
    const rates = compileRates(config.rates ?? CST2010_RATES);
    const K = rates.K;
    this.K = K;
    if (rates.lambdaTotal === 0 && rates.mu === 0) {
      throw new ValidationError('at least one arrival rate must be > 0', { field: 'rates' });
    }
    const thetaBeyond = config.thetaBeyond ?? rates.theta[K - 1]!;
    checkRate(thetaBeyond, 'thetaBeyond');
    this.sampler = new CstSampler(rates, thetaBeyond, 0);
    this.counts = {
      levelOrders: (side, p) => this.at[side === 'buy' ? BUY : SELL]!.get(p)?.length ?? 0,
      sideOrders: (side) => this.sideCount[side === 'buy' ? BUY : SELL]!,
    };
    this.sizeLots = config.orderSizeLots ?? 1;
    checkPosInt(this.sizeLots, 'orderSizeLots');
    this.owner = config.owner ?? 'flow';
    this.prefix = config.orderIdPrefix ?? 'F';
    this.forgetClosed = config.forgetClosed ?? true;
    this.rng = Rng.fromSeed(config.seed);
    this.tMs = this.clock.now();
    engine.subscribe((e) => this.onEvent(e));
    const book = engine.book;
    const bid0 = config.initialBidTicks ?? 10_000;
    checkPosInt(bid0, 'initialBidTicks');
    this.refBid = Number.isNaN(book.bestBid()) ? bid0 : book.bestBid();
    this.refAsk = Number.isNaN(book.bestAsk()) ? this.refBid + 1 : book.bestAsk();
    if (book.size() === 0) {
      for (let j = 0; j < K; j++) {
        const d =
          config.initialDepth?.[j] ??
          Math.max(1, Math.round(rates.theta[j]! > 0 ? rates.lambda[j]! / rates.theta[j]! : 1));
        if (!Number.isSafeInteger(d) || d < 0) {
          throw new ValidationError(`initialDepth[${j}] must be a non-negative integer`, {
            field: `initialDepth[${j}]`,
            value: d,
          });
        }
        for (let q = 0; q < d; q++) {
          if (bid0 - j >= 1) this.limit('buy', bid0 - j);
          this.limit('sell', bid0 + 1 + j);
        }
      }
    }
  }

  /** Current best bid of the engine in ticks (`NaN` when empty). */
  bestBidTicks(): number {
    return this.engine.book.bestBid();
  }

  /** Current best ask of the engine in ticks (`NaN` when empty). */
  bestAskTicks(): number {
    return this.engine.book.bestAsk();
  }

  /** What the flow has done so far. */
  stats(): BackgroundFlowStats {
    return {
      steps: this.sSteps,
      limitOrders: this.sLimit,
      cancels: this.sCancel,
      marketOrders: this.sMarket,
      skippedMarketOrders: this.sSkipped,
      restingOrders: this.where.size,
    };
  }

  /**
   * Runs model events until the clock has moved `ms` milliseconds (the last event may overshoot
   * the target; the clock ends at that event's time).
   * @param ms - how long, >= 0
   * @returns the number of model events
   * @throws `ValidationError` (from `@x/core`) when `ms` is negative or not finite
   */
  runFor(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new ValidationError('ms must be finite and >= 0', { field: 'ms', value: ms });
    }
    const end = this.clock.now() + ms;
    let n = 0;
    while (this.clock.now() < end) {
      this.step();
      n++;
    }
    return n;
  }

  /**
   * Draws and sends the next model event: moves the clock by an exponential waiting time, then
   * submits a limit or market order or cancels one of the flow's orders.
   * @returns the kind: 0 limit buy, 1 limit sell, 2 market buy, 3 market sell, 5 cancel
   */
  step(): number {
    const book = this.engine.book;
    const a = book.bestAsk();
    const b = book.bestBid();
    if (!Number.isNaN(a)) this.refAsk = a;
    if (!Number.isNaN(b)) this.refBid = b;
    const ra = this.refAsk;
    const rb = this.refBid;
    const sm = this.sampler;
    const kind = sm.draw(this.rng, this.counts, rb, ra);
    this.tMs = Math.max(this.tMs, this.clock.now()) + sm.dt * 1000;
    this.clock.set(this.tMs);
    this.sSteps++;
    switch (kind) {
      case EV_LIMIT_BUY:
        this.sLimit++;
        if (ra - sm.level - 1 >= 1) this.limit('buy', ra - sm.level - 1);
        return 0;
      case EV_LIMIT_SELL:
        this.sLimit++;
        this.limit('sell', rb + sm.level + 1);
        return 1;
      case EV_MARKET_BUY:
      case EV_MARKET_SELL: {
        const r = this.engine.submit({
          orderId: `${this.prefix}${++this.seq}`,
          owner: this.owner,
          selfTradeExempt: true,
          side: kind === EV_MARKET_BUY ? 'buy' : 'sell',
          type: 'market',
          qty: this.engine.instrument.lotsToQty(this.sizeLots),
        });
        if (r.ok) this.sMarket++;
        else this.sSkipped++;
        return kind === EV_MARKET_BUY ? 2 : 3;
      }
      case EV_CANCEL:
        if (sm.side === BUY) this.cancelAt(BUY, ra - sm.level - 1, sm.index);
        else this.cancelAt(SELL, rb + sm.level + 1, sm.index);
        return 5;
      case EV_CANCEL_DEEP:
        this.cancelDeep(sm.side, sm.side === BUY ? ra - this.K : rb + this.K, sm.index);
        return 5;
      default:
        return 5;
    }
  }

  /** Cancels the k-th flow order (in price order, lowest first) beyond `limit` on a side. */
  private cancelDeep(s: number, limit: number, k: number): void {
    const prices = [...this.at[s]!.keys()]
      .filter((p) => (s === BUY ? p < limit : p > limit))
      .sort((x, y) => x - y);
    for (const p of prices) {
      const ids = this.at[s]!.get(p)!;
      if (k < ids.length) {
        this.cancelAt(s, p, k);
        return;
      }
      k -= ids.length;
    }
  }

  private limit(side: Side, priceTicks: number): void {
    const id = `${this.prefix}${++this.seq}`;
    const r = this.engine.submit({
      orderId: id,
      owner: this.owner,
      selfTradeExempt: true,
      side,
      type: 'limit',
      price: this.engine.instrument.ticksToPrice(priceTicks),
      qty: this.engine.instrument.lotsToQty(this.sizeLots),
    });
    // a limit order placed away from the opposite best never crosses: it rests in full
    if (r.ok && this.engine.book.has(id)) this.track(id, side === 'buy' ? BUY : SELL, priceTicks);
  }

  private cancelAt(s: number, price: number, index: number): void {
    const ids = this.at[s]!.get(price);
    if (ids === undefined || index < 0 || index >= ids.length) return;
    this.sCancel++;
    this.engine.cancel(ids[index]!);
  }

  private track(id: string, s: number, p: number): void {
    let ids = this.at[s]!.get(p);
    if (ids === undefined) {
      ids = [];
      this.at[s]!.set(p, ids);
    }
    this.where.set(id, { s, p, i: ids.length });
    ids.push(id);
    this.sideCount[s]!++;
  }

  private untrack(id: string): void {
    const w = this.where.get(id);
    if (w === undefined) return;
    const ids = this.at[w.s]!.get(w.p)!;
    const last = ids.pop()!;
    if (last !== id) {
      ids[w.i] = last;
      this.where.get(last)!.i = w.i;
    }
    if (ids.length === 0) this.at[w.s]!.delete(w.p);
    this.where.delete(id);
    this.sideCount[w.s]!--;
  }

  private onEvent(e: EngineEvent): void {
    const closed = (e.type === 'fill' && e.status === 'filled') || e.type === 'canceled';
    if (closed || (e.type === 'amended' && this.where.has(e.orderId))) {
      // a flow order left the book (or someone amended it: stop tracking it)
      this.untrack(e.orderId);
    }
    if (
      closed &&
      this.forgetClosed &&
      e.orderId.startsWith(this.prefix) &&
      this.isOurs(e.orderId)
    ) {
      this.engine.forget(e.orderId);
    }
  }

  /** Whether an id is one this flow generated (prefix followed by its sequence number). */
  private isOurs(id: string): boolean {
    const n = Number(id.slice(this.prefix.length));
    return (
      Number.isSafeInteger(n) &&
      n >= 1 &&
      n <= this.seq &&
      this.engine.getOrder(id)?.owner === this.owner
    );
  }
}
