/**
 * Queue position of our resting orders.
 *
 * - From L3 events, exactly: {@link L3QueueTracker} keeps every order's time priority and, for each
 *   tracked order, the quantity resting ahead of it at its price (strictly earlier priority) and
 *   its age.
 * - From L2 alone, estimated with the queue models backtesters use (as in hftbacktest's
 *   `RiskAdverseQueueModel` / `ProbQueueModel`): {@link L2QueuePosition}.
 * - Fill probability within a horizon and expected time to fill from the observed depletion rate
 *   at the level: {@link DepletionRate}, {@link fillProbability}, {@link expectedTimeToFill}.
 *
 * @module
 */
import {
  ConflictError,
  type L3Event,
  NotFoundError,
  type OrderId,
  type Side,
  ValidationError,
} from '@x/core';
import { checkPolicy, type InvalidPolicy } from './internal/book.js';

interface OrderRec {
  side: Side;
  price: number;
  qty: number;
  seq: number;
  sinceTs: number;
}

interface Tracked {
  id: OrderId;
  ahead: number;
  filled: number;
}

/** Options of {@link L3QueueTracker}. */
export interface L3QueueTrackerOptions {
  /**
   * `'throw'` (default) or `'skip'` for an invalid event: non-finite or negative fields, time going
   * back, an add of an id already resting, or a modify/cancel/execute of an unknown id.
   */
  readonly onInvalid?: InvalidPolicy;
}

const key = (side: Side, price: number): number => (side === 'buy' ? price : -price);

/**
 * Exact queue position from an L3 stream (price-time priority). Apply every book event in order;
 * {@link L3QueueTracker.track} an order of ours (before or after its `add`). Conventions:
 * `add` joins the back of its level; `modify` with `keptPriority` keeps the place (a size
 * reduction), otherwise the order moves to the back of its (new) level; `cancel` removes the
 * order whatever `qty` says; `execute` reduces the maker by `qty` and removes it at 0. Each event
 * costs O(1) map work plus O(tracked orders).
 *
 * @example
 * ```ts
 * const q = new L3QueueTracker();
 * q.track('my-order');
 * for (const ev of l3Events) q.apply(ev);
 * q.queueAhead('my-order'); // quantity resting ahead of it
 * ```
 */
export class L3QueueTracker {
  /** Accepted events. */
  accepted = 0;
  /** Events dropped under the `'skip'` policy. */
  skipped = 0;
  /** Time of the last accepted event. */
  lastTs = Number.NEGATIVE_INFINITY;
  readonly #orders = new Map<OrderId, OrderRec>();
  readonly #levels = new Map<number, number>();
  readonly #tracked: Tracked[] = [];
  readonly #policy: InvalidPolicy;
  #seq = 0;

  /**
   * @param options - invalid-event policy
   * @throws `ValidationError` on a bad option
   */
  constructor(options: L3QueueTrackerOptions = {}) {
    this.#policy = checkPolicy(options.onInvalid);
  }

  /**
   * Starts tracking an order (resting now, or to be added later).
   * @param orderId - the order's id
   */
  track(orderId: OrderId): void {
    if (this.#find(orderId) !== undefined) return;
    const t: Tracked = { id: orderId, ahead: 0, filled: 0 };
    const o = this.#orders.get(orderId);
    if (o !== undefined) t.ahead = this.#aheadByScan(o);
    this.#tracked.push(t);
  }

  /**
   * Stops tracking an order.
   * @param orderId - the order's id
   */
  untrack(orderId: OrderId): void {
    const i = this.#tracked.findIndex((t) => t.id === orderId);
    if (i >= 0) this.#tracked.splice(i, 1);
  }

  /**
   * Quantity resting ahead of a tracked order at its price.
   * @param orderId - a tracked order
   * @returns the quantity ahead (0 at the front)
   * @throws `NotFoundError` when the order is not tracked or not resting
   */
  queueAhead(orderId: OrderId): number {
    const t = this.#find(orderId);
    if (t === undefined || !this.#orders.has(orderId))
      throw new NotFoundError('order', String(orderId));
    return t.ahead;
  }

  /**
   * Quantity of a tracked order executed so far.
   * @param orderId - a tracked order
   * @returns the executed quantity
   * @throws `NotFoundError` when the order is not tracked
   */
  executedQty(orderId: OrderId): number {
    const t = this.#find(orderId);
    if (t === undefined) throw new NotFoundError('order', String(orderId));
    return t.filled;
  }

  /**
   * Time since the order took its current queue place (its add, or its last modify that lost
   * priority).
   * @param orderId - a resting order
   * @param nowMs - the current time in ms (default: the last event's time)
   * @returns the age in ms
   * @throws `NotFoundError` when the order is not resting
   */
  queueAge(orderId: OrderId, nowMs = this.lastTs): number {
    const o = this.#orders.get(orderId);
    if (o === undefined) throw new NotFoundError('order', String(orderId));
    return nowMs - o.sinceTs;
  }

  /**
   * Total resting quantity at a price.
   * @param side - the side
   * @param price - the price
   * @returns the quantity (0 for an empty level)
   */
  levelQty(side: Side, price: number): number {
    return this.#levels.get(key(side, price)) ?? 0;
  }

  /**
   * Whether an order is resting.
   * @param orderId - the order's id
   * @returns true when resting
   */
  has(orderId: OrderId): boolean {
    return this.#orders.has(orderId);
  }

  /**
   * Applies one L3 event.
   * @param ev - the event
   * @returns true when applied, false when skipped under the `'skip'` policy
   * @throws `ValidationError`, `NotFoundError` or `ConflictError` for an invalid
   *   event under the `'throw'` policy (state unchanged)
   */
  apply(ev: L3Event): boolean {
    const err = this.#check(ev);
    if (err !== null) {
      if (this.#policy === 'throw') throw err;
      this.skipped++;
      return false;
    }
    this.lastTs = ev.ts;
    this.accepted++;
    switch (ev.type) {
      case 'add': {
        const o: OrderRec = {
          side: ev.side,
          price: ev.price,
          qty: ev.qty,
          seq: this.#seq++,
          sinceTs: ev.ts,
        };
        const t = this.#find(ev.orderId);
        if (t !== undefined) t.ahead = this.levelQty(ev.side, ev.price);
        this.#orders.set(ev.orderId, o);
        this.#levelAdd(o.side, o.price, o.qty);
        return true;
      }
      case 'cancel': {
        const o = this.#orders.get(ev.orderId) as OrderRec;
        this.#reduceAhead(o, o.qty);
        this.#levelAdd(o.side, o.price, -o.qty);
        this.#orders.delete(ev.orderId);
        return true;
      }
      case 'execute': {
        const o = this.#orders.get(ev.makerOrderId) as OrderRec;
        const q = Math.min(ev.qty, o.qty);
        this.#reduceAhead(o, q);
        this.#levelAdd(o.side, o.price, -q);
        const self = this.#find(ev.makerOrderId);
        if (self !== undefined) self.filled += q;
        o.qty -= q;
        if (o.qty <= 0) this.#orders.delete(ev.makerOrderId);
        return true;
      }
      case 'modify': {
        const o = this.#orders.get(ev.orderId) as OrderRec;
        const keep = ev.keptPriority && ev.price === o.price && ev.qty <= o.qty;
        if (keep) {
          this.#reduceAhead(o, o.qty - ev.qty);
          this.#levelAdd(o.side, o.price, ev.qty - o.qty);
          o.qty = ev.qty;
        } else {
          this.#reduceAhead(o, o.qty);
          this.#levelAdd(o.side, o.price, -o.qty);
          const self = this.#find(ev.orderId);
          if (self !== undefined) self.ahead = this.levelQty(ev.side, ev.price);
          o.price = ev.price;
          o.qty = ev.qty;
          o.side = ev.side;
          o.seq = this.#seq++;
          o.sinceTs = ev.ts;
          this.#levelAdd(o.side, o.price, o.qty);
        }
        if (o.qty <= 0) this.#orders.delete(ev.orderId);
        return true;
      }
    }
  }

  #check(ev: L3Event): Error | null {
    if (!Number.isFinite(ev.ts) || ev.ts < this.lastTs) {
      return new ValidationError('event ts is not finite or goes back in time', {
        field: 'ts',
        value: ev.ts,
      });
    }
    if (!(Number.isFinite(ev.price) && ev.price > 0)) {
      return new ValidationError('event price must be finite and > 0', {
        field: 'price',
        value: ev.price,
      });
    }
    if (!(Number.isFinite(ev.qty) && ev.qty >= 0) || (ev.type === 'add' && ev.qty === 0)) {
      return new ValidationError('event qty must be finite and >= 0 (> 0 for an add)', {
        field: 'qty',
        value: ev.qty,
      });
    }
    if (ev.side !== 'buy' && ev.side !== 'sell') {
      return new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: ev.side });
    }
    const id = ev.type === 'execute' ? ev.makerOrderId : ev.orderId;
    const o = this.#orders.get(id);
    if (ev.type === 'add') {
      if (o !== undefined) return new ConflictError(`order ${String(id)} is already resting`);
    } else if (o === undefined) {
      return new NotFoundError('order', String(id));
    } else if (ev.type !== 'modify' && (o.side !== ev.side || o.price !== ev.price)) {
      return new ValidationError(`event side/price do not match order ${String(id)}`, {
        field: 'price',
        value: ev.price,
        details: { restingPrice: o.price, restingSide: o.side },
      });
    }
    return null;
  }

  #find(id: OrderId): Tracked | undefined {
    const ts = this.#tracked;
    for (let i = 0; i < ts.length; i++) if (ts[i].id === id) return ts[i];
    return undefined;
  }

  #reduceAhead(o: OrderRec, q: number): void {
    const ts = this.#tracked;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      const mine = this.#orders.get(t.id);
      if (
        mine !== undefined &&
        mine !== o &&
        mine.side === o.side &&
        mine.price === o.price &&
        o.seq < mine.seq
      ) {
        t.ahead -= q;
      }
    }
  }

  #levelAdd(side: Side, price: number, q: number): void {
    const k = key(side, price);
    const v = (this.#levels.get(k) ?? 0) + q;
    if (v <= 1e-12) this.#levels.delete(k);
    else this.#levels.set(k, v);
  }

  #aheadByScan(mine: OrderRec): number {
    let a = 0;
    for (const o of this.#orders.values()) {
      if (o.side === mine.side && o.price === mine.price && o.seq < mine.seq) a += o.qty;
    }
    return a;
  }
}

/** Queue model of {@link L2QueuePosition}. */
export type L2QueueModel =
  | {
      /** Trades advance us; cancels are assumed to come from the back. */
      readonly type: 'risk-averse';
    }
  | {
      /** Probabilistic split with f(x) = xⁿ. */
      readonly type: 'power';
      /** The exponent n (> 0). */
      readonly n: number;
    }
  | {
      /** Probabilistic split with f(x) = log(1 + x). */
      readonly type: 'log';
    };

/** Options of {@link L2QueuePosition}. */
export interface L2QueuePositionOptions {
  /** Our order's side. */
  readonly side: Side;
  /** Our order's price. */
  readonly price: number;
  /** Our order's quantity (> 0). */
  readonly qty: number;
  /** The level's visible depth when we joined (excluding our order): we start at the back. */
  readonly depth: number;
  /** The queue model (default risk-averse). */
  readonly model?: L2QueueModel;
}

/**
 * Estimated queue position of one of our orders from L2 depth and trades (the depth seen in
 * market data excludes our order).
 *
 * - `risk-averse`: a trade at our price reduces the quantity ahead; a depth decrease sets
 *   ahead = min(ahead, new depth), i.e. cancels are assumed to come from the back.
 * - `power` / `log` (probabilistic): a depth decrease net of the trades since the last depth
 *   update, chg, is split between the front and the back of the queue with
 *   p = f(back)/(f(back) + f(front)), f(x) = xⁿ or log(1 + x):
 *   front' = front − (1 − p)·chg + min(back − p·chg, 0), then min(front', new depth).
 *   Trades are counted once: the depth drop a trade causes is netted out.
 *
 * A depth increase never moves us (new orders join behind). A trade at our price by an aggressor
 * of the opposite side reduces the quantity ahead; a trade *through* our price (a sell below our
 * bid, a buy above our ask) means the level was swept and our order is filled.
 *
 * @example
 * ```ts
 * const q = new L2QueuePosition({ side: 'buy', price: 100, qty: 1, depth: 50, model: { type: 'power', n: 2 } });
 * q.onDepth(40); q.onTrade(100, 5, 'sell');
 * q.queueAhead; q.filledQty;
 * ```
 */
export class L2QueuePosition {
  /** Our order's side. */
  readonly side: Side;
  /** Our order's price. */
  readonly price: number;
  /** Our order's quantity. */
  readonly qty: number;
  readonly #model: 0 | 1 | 2;
  readonly #n: number;
  #front: number;
  #depth: number;
  #cumTrade = 0;

  /**
   * @param options - our order, the depth when it joined, the model
   * @throws `ValidationError` on bad options
   */
  constructor(options: L2QueuePositionOptions) {
    const { side, price, qty, depth } = options;
    if (side !== 'buy' && side !== 'sell') {
      throw new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: side });
    }
    if (!(Number.isFinite(price) && price > 0)) {
      throw new ValidationError('price must be finite and > 0', { field: 'price', value: price });
    }
    if (!(Number.isFinite(qty) && qty > 0)) {
      throw new ValidationError('qty must be finite and > 0', { field: 'qty', value: qty });
    }
    checkQty(depth, 'depth');
    const m = options.model ?? { type: 'risk-averse' };
    if (m.type === 'power') {
      if (!(Number.isFinite(m.n) && m.n > 0)) {
        throw new ValidationError('power model needs n > 0', { field: 'model.n', value: m.n });
      }
      this.#model = 1;
      this.#n = m.n;
    } else if (m.type === 'log') {
      this.#model = 2;
      this.#n = 0;
    } else if (m.type === 'risk-averse') {
      this.#model = 0;
      this.#n = 0;
    } else {
      throw new ValidationError('unknown queue model', { field: 'model', value: m });
    }
    this.side = side;
    this.price = price;
    this.qty = qty;
    this.#front = depth;
    this.#depth = depth;
  }

  /** Estimated quantity ahead of our order (>= 0). */
  get queueAhead(): number {
    return Math.max(this.#front, 0);
  }

  /** Estimated quantity of our order filled, in [0, qty]. */
  get filledQty(): number {
    return this.#front >= 0 ? 0 : Math.min(this.qty, -this.#front);
  }

  /** Whether the whole order is estimated filled. */
  get filled(): boolean {
    return this.filledQty >= this.qty;
  }

  /**
   * A trade print.
   * @param price - trade price
   * @param qty - traded quantity (> 0)
   * @param aggressor - side of the liquidity taker
   * @throws `ValidationError` on a non-finite or negative value
   */
  onTrade(price: number, qty: number, aggressor: Side): void {
    checkQty(qty, 'qty');
    if (!Number.isFinite(price)) {
      throw new ValidationError('price must be finite', { field: 'price', value: price });
    }
    if (aggressor === this.side) return; // same-side aggressor does not take our side
    const isBid = this.side === 'buy';
    if (price === this.price) {
      this.#front -= qty;
      this.#cumTrade += qty;
    } else if (isBid ? price < this.price : price > this.price) {
      this.#front = -this.qty; // swept through our price
    }
  }

  /**
   * The level's new visible depth (excluding our order).
   * @param depth - new depth at our price, >= 0
   * @throws `ValidationError` on a non-finite or negative value
   */
  onDepth(depth: number): void {
    checkQty(depth, 'depth');
    const prev = this.#depth;
    this.#depth = depth;
    if (this.#front < 0) {
      this.#cumTrade = 0;
      return;
    }
    if (this.#model === 0) {
      this.#front = Math.min(this.#front, depth);
      this.#cumTrade = 0;
      return;
    }
    const chg = prev - depth - this.#cumTrade;
    this.#cumTrade = 0;
    if (chg <= 0) {
      this.#front = Math.min(this.#front, depth);
      return;
    }
    const front = this.#front;
    const back = Math.max(prev - front, 0);
    const fb = this.#f(back);
    const ff = this.#f(front);
    const p = fb + ff > 0 ? fb / (fb + ff) : 1;
    const est = front - (1 - p) * chg + Math.min(back - p * chg, 0);
    this.#front = Math.min(est, depth);
  }

  #f(x: number): number {
    return this.#model === 1 ? x ** this.#n : Math.log1p(x);
  }
}

function checkQty(v: number, field: string): void {
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new ValidationError(`${field} must be finite and >= 0`, { field, value: v });
  }
}

/** Options of {@link DepletionRate}. */
export interface DepletionRateOptions {
  /** Time constant τ of the exponential forgetting, in ms (> 0). */
  readonly tauMs: number;
}

/**
 * Observed depletion of a price level: an exponentially-weighted estimate of the rate of
 * depletion events (trades and cancels that reduce the level) and of their mean size. Each
 * observation decays the past by exp(−Δt/τ): rate ≈ (Σ w_i) / (Σ of weighted exposure time).
 * O(1), no allocation.
 *
 * @example
 * ```ts
 * const d = new DepletionRate({ tauMs: 60_000 });
 * d.observe(ts, qtyRemoved);
 * fillProbability(ahead, d.eventRatePerMs, d.meanSize, 5_000);
 * ```
 */
export class DepletionRate {
  readonly #tau: number;
  #last = Number.NaN;
  #w = 0; // weighted event count
  #wq = 0; // weighted size sum
  #exposure = 0; // weighted exposure time

  /**
   * @param options - the time constant
   * @throws `ValidationError` when tauMs is not finite and > 0
   */
  constructor(options: DepletionRateOptions) {
    if (!(Number.isFinite(options.tauMs) && options.tauMs > 0)) {
      throw new ValidationError('tauMs must be finite and > 0', {
        field: 'tauMs',
        value: options.tauMs,
      });
    }
    this.#tau = options.tauMs;
  }

  /**
   * Starts the observation clock (optional; the first event starts it otherwise).
   * @param ts - time in ms
   */
  start(ts: number): void {
    if (!Number.isFinite(ts))
      throw new ValidationError('ts must be finite', { field: 'ts', value: ts });
    if (Number.isNaN(this.#last)) {
      this.#last = ts;
    }
  }

  /**
   * Records time passing without an event (so that quiet periods lower the rate).
   * @param ts - time in ms, non-decreasing
   * @throws `ValidationError` when ts is not finite or goes back
   */
  advance(ts: number): void {
    if (Number.isNaN(this.#last)) {
      this.start(ts);
      return;
    }
    if (!(Number.isFinite(ts) && ts >= this.#last)) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    const dt = ts - this.#last;
    const d = Math.exp(-dt / this.#tau);
    // exposure accumulates ∫ e^{-(ts - s)/τ} ds over (last, ts]
    this.#exposure = this.#exposure * d + this.#tau * (1 - d);
    this.#w *= d;
    this.#wq *= d;
    this.#last = ts;
  }

  /**
   * Records a depletion event.
   * @param ts - time in ms, non-decreasing
   * @param qty - quantity removed from the level (> 0)
   * @throws `ValidationError` on bad input
   */
  observe(ts: number, qty: number): void {
    if (!(Number.isFinite(qty) && qty > 0)) {
      throw new ValidationError('qty must be finite and > 0', { field: 'qty', value: qty });
    }
    this.advance(ts);
    this.#w += 1;
    this.#wq += qty;
  }

  /** Estimated depletion events per ms (0 before any exposure). */
  get eventRatePerMs(): number {
    return this.#exposure > 0 ? this.#w / this.#exposure : 0;
  }

  /** Estimated mean size of a depletion event (0 before any event). */
  get meanSize(): number {
    return this.#w > 0 ? this.#wq / this.#w : 0;
  }
}

function eventsNeeded(ahead: number, meanSize: number): number {
  // our order is reached once the depletion exceeds the quantity ahead
  return Math.floor(ahead / meanSize) + 1;
}

function checkFillArgs(ahead: number, rate: number, meanSize: number): void {
  if (!(Number.isFinite(ahead) && ahead >= 0)) {
    throw new ValidationError('ahead must be finite and >= 0', { field: 'ahead', value: ahead });
  }
  if (!(Number.isFinite(rate) && rate >= 0)) {
    throw new ValidationError('rate must be finite and >= 0', { field: 'rate', value: rate });
  }
  if (!(Number.isFinite(meanSize) && meanSize > 0)) {
    throw new ValidationError('meanSize must be finite and > 0', {
      field: 'meanSize',
      value: meanSize,
    });
  }
}

/**
 * Probability that our order starts filling within `horizonMs`, when depletion events of size
 * `meanSize` arrive as a Poisson process of rate `ratePerMs` (the queue-depletion model of Cont,
 * Stoikov & Talreja 2010, with unit events rescaled to the mean size): we need
 * k = ⌊ahead / meanSize⌋ + 1 events, so P = P(N(h) ≥ k) = 1 − Σ_{j<k} e^{−λh}(λh)^j / j!.
 *
 * @param ahead - quantity ahead of us (>= 0)
 * @param ratePerMs - depletion events per ms (>= 0)
 * @param meanSize - mean quantity per depletion event (> 0)
 * @param horizonMs - horizon in ms (>= 0)
 * @returns the probability in [0, 1]
 * @throws `ValidationError` on bad input
 */
export function fillProbability(
  ahead: number,
  ratePerMs: number,
  meanSize: number,
  horizonMs: number,
): number {
  checkFillArgs(ahead, ratePerMs, meanSize);
  if (!(Number.isFinite(horizonMs) && horizonMs >= 0)) {
    throw new ValidationError('horizonMs must be finite and >= 0', {
      field: 'horizonMs',
      value: horizonMs,
    });
  }
  const k = eventsNeeded(ahead, meanSize);
  const mu = ratePerMs * horizonMs;
  if (mu === 0) return 0;
  // Σ_{j<k} Poisson pmf, summed in log space for stability
  let logTerm = -mu;
  let cdf = Math.exp(logTerm);
  for (let j = 1; j < k; j++) {
    logTerm += Math.log(mu) - Math.log(j);
    cdf += Math.exp(logTerm);
    if (j > mu && Math.exp(logTerm) < 1e-17 * cdf) break;
  }
  const p = 1 - cdf;
  return Math.min(Math.max(p, 0), 1);
}

/**
 * Expected time until our order starts filling under the model of {@link fillProbability}:
 * k / rate with k = ⌊ahead / meanSize⌋ + 1 (the mean of a Gamma(k, rate) waiting time).
 *
 * @param ahead - quantity ahead of us (>= 0)
 * @param ratePerMs - depletion events per ms (>= 0)
 * @param meanSize - mean quantity per depletion event (> 0)
 * @returns the expected time in ms; `Infinity` when the rate is 0 (never fills)
 * @throws `ValidationError` on bad input
 */
export function expectedTimeToFill(ahead: number, ratePerMs: number, meanSize: number): number {
  checkFillArgs(ahead, ratePerMs, meanSize);
  if (ratePerMs === 0) return Number.POSITIVE_INFINITY;
  return eventsNeeded(ahead, meanSize) / ratePerMs;
}
