/**
 * Queue position of our resting orders.
 *
 * - From L3 events, exactly: `L3QueueTracker` (module `l3-queue`).
 * - From L2 alone, estimated with the queue models backtesters use (as in hftbacktest's
 *   `RiskAdverseQueueModel` / `ProbQueueModel`): {@link L2QueuePosition}.
 * - Fill probability within a horizon and expected time to fill from the observed depletion rate
 *   at the level: {@link DepletionRate}, {@link fillProbability}, {@link expectedTimeToFill}.
 *
 * @module
 */
import { assertNonNegative, type QueueModel, type Side, ValidationError } from '@x/core';
import { logShare, powerShare } from './internal/queue-share.js';

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
    assertNonNegative(depth, 'depth');
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
    assertNonNegative(qty, 'qty');
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
    assertNonNegative(depth, 'depth');
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
    const p = this.#model === 1 ? powerShare(back, front, this.#n) : logShare(back, front);
    const est = front - (1 - p) * chg + Math.min(back - p * chg, 0);
    this.#front = Math.min(est, depth);
  }
}

/**
 * {@link L2QueuePosition} as core's `QueueModel`, the contract `@x/sim`'s `ReplayOrders` takes
 * for queue positions on L2 data: one estimate per resting order, named after the model
 * (`'risk-averse'`, `'power(n=2)'`, `'log'`).
 *
 * @param model - the queue model (default risk-averse)
 * @returns the model, named
 * @throws `ValidationError` on an unknown model or a power exponent <= 0
 *
 * @example
 * ```ts
 * const model = l2QueueModel({ type: 'power', n: 2 });
 * model.name; // 'power(n=2)'
 * const q = model.create({ side: 'buy', price: 100, qty: 1, depth: 50 });
 * q.onTrade(100, 60, 'sell');
 * q.filledQty; // 1
 * ```
 */
export function l2QueueModel(model: L2QueueModel = { type: 'risk-averse' }): QueueModel {
  // the constructor's checks, once, so a bad model fails here and not at the first order
  new L2QueuePosition({ side: 'buy', price: 1, qty: 1, depth: 0, model });
  const name = model.type === 'power' ? `power(n=${model.n})` : model.type;
  return {
    name,
    create: (join) => new L2QueuePosition({ ...join, model }),
  };
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
 * for (let ts = 1000; ts <= 10_000; ts += 1000) d.observe(ts, 2); // 2 lots removed every second
 * d.eventRatePerMs; d.meanSize; // ≈ 0.0011 events per ms, 2 lots each
 * fillProbability(3, d.eventRatePerMs, d.meanSize, 5_000); // ≈ 0.97: filled within 5 s behind 3 lots
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
    if (!(this.#wq + qty < Number.POSITIVE_INFINITY)) {
      throw new ValidationError('the weighted size sum overflows (qty too large)', {
        field: 'qty',
        value: qty,
      });
    }
    this.advance(ts);
    this.#w += 1;
    this.#wq += qty;
  }

  /** Whether an event has been observed over some exposure time (before, the estimates read 0). */
  get ready(): boolean {
    return this.#exposure > 0 && this.#w > 0;
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

/** Largest number of depletion events {@link fillProbability} sums over (a bounded loop). */
const MAX_EVENTS = 10_000_000;

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
 * @throws `ValidationError` on bad input, when more than 10^7 events would be needed (the sum
 *   is bounded) or when ratePerMs × horizonMs overflows
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
  if (!(k <= MAX_EVENTS)) {
    throw new ValidationError(
      `the order needs ${k} depletion events (more than ${MAX_EVENTS}): use a larger meanSize unit`,
      { field: 'ahead', value: ahead },
    );
  }
  const mu = ratePerMs * horizonMs;
  if (!Number.isFinite(mu)) {
    throw new ValidationError('ratePerMs × horizonMs overflows', { field: 'horizonMs' });
  }
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
 * @returns the expected time in ms; `undefined` when the rate is 0 (the order never fills:
 *   there is no finite expectation)
 * @throws `ValidationError` on bad input, or when the expected time overflows (a rate too small
 *   for the quantity ahead)
 */
export function expectedTimeToFill(
  ahead: number,
  ratePerMs: number,
  meanSize: number,
): number | undefined {
  checkFillArgs(ahead, ratePerMs, meanSize);
  if (ratePerMs === 0) return undefined;
  const t = eventsNeeded(ahead, meanSize) / ratePerMs;
  if (!Number.isFinite(t)) {
    throw new ValidationError('the expected time to fill overflows', {
      field: 'ratePerMs',
      value: ratePerMs,
    });
  }
  return t;
}
