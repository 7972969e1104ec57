/**
 * Micro-prices: the imbalance-weighted mid, and the micro-price estimator of Stoikov (2018),
 * "The micro-price: a high-frequency estimator of future prices", Quantitative Finance 18(12).
 *
 * **Stoikov estimator** (Sec. 3 of the paper). The state is X = (imbalance bucket, spread in
 * ticks), imbalance I = qb / (qb + qa). From quotes sampled on a regular grid with lag `lag`,
 * record (x, dM, y): the state, the mid change in half ticks and the next state. Moves beyond
 * `maxMoveTicks` (default 1 tick) and spreads outside 1..`spreadStates` ticks are dropped. The data
 * are symmetrised (I → 1 − I, dM → −dM) as in the paper. With N_x the number of samples in state x:
 *
 * - Q_xy = P(dM = 0, Y = y | x), R1_xk = P(dM = k | x) for k ≠ 0, R2_xy = P(dM ≠ 0, Y = y | x)
 * - G¹ = (I − Q)⁻¹ R1 K  (eq. 3.5), B = (I − Q)⁻¹ R2  (eq. 3.6)
 * - G* = Σ_{i≥0} Bⁱ G¹  (Theorem 3.1), summed until the term's max-norm falls below `tolerance`
 *
 * K holds the move sizes in price units. The micro-price is mid + G*(x). Q is the paper's full
 * matrix (a spread change without a mid move is kept), not the block-diagonal approximation of
 * the public notebook. A state never observed has zero rows, so its G* is 0; their count is
 * reported in `unobservedStates`.
 *
 * **Symmetrisation** mirrors the sample, not the bucket numbers: each transition is also counted
 * with imbalances 1 − I and 1 − I' and move −dM, and the mirrored sample is bucketed by its own
 * imbalance. The two differ whenever an imbalance lies on a bucket edge, which integer lot sizes
 * make common (I = 1/2); buckets are (e_b−1, e_b], so the fitted G* is antisymmetric in the
 * bucket index only when no imbalance sits on an edge.
 *
 * **Convergence.** The series converges only when Bⁱ G¹ → 0 (Theorem 3.1 needs B∞·G¹ = 0: no
 * stationary drift of the fitted chain). Symmetrised data give exactly 0 when no imbalance sits
 * on a bucket edge, and a residue of the order of 1/N of a move (N transitions) when some do; a
 * residue up to `maxDriftTicks` (default 1e-3 ticks per move) is removed, G* = Σ Bⁱ(G¹ − B∞G¹),
 * and reported in `driftTicks`. A larger drift (unsymmetrised drifting data, a state that only
 * leads back to itself) or a series that does not meet `tolerance` within `maxIterations` is not
 * a micro-price: the fit throws, and a {@link StoikovMicroPrice} cannot be built from a state
 * whose `converged` is not `true`.
 *
 * The size-weighted mid (qa·Pb + qb·Pa)/(qb + qa) is a different, simpler quantity:
 * {@link imbalanceWeightedMid}.
 *
 * @module
 */
import { checkedInteger, type L2Snapshot, ValidationError } from '@x/core';
import {
  checkAllowLocked,
  checkPolicy,
  checkShape,
  type InvalidPolicy,
  R_EMPTY,
  R_TS,
  rejectBook,
} from './internal/book.js';
import {
  bucketEdges,
  bucketOf,
  countTransitions,
  firstOrder,
  rowStates,
  sumSeries,
  tooFewTransitions,
  transitions,
} from './internal/stoikov-fit.js';

/**
 * The imbalance-weighted mid (qa·Pb + qb·Pa) / (qb + qa): the price leans towards the side with
 * less size. Not Stoikov's micro-price (see {@link StoikovMicroPrice}).
 *
 * @param bidPrice - best bid price
 * @param bidSize - best bid size, > 0
 * @param askPrice - best ask price, > bidPrice
 * @param askSize - best ask size, > 0
 * @returns the weighted mid
 * @throws `ValidationError` on a non-finite value, a non-positive size or a crossed quote
 *
 * @example
 * ```ts
 * imbalanceWeightedMid(100, 30, 101, 10); // 100.75: more bids, price leans up
 * ```
 */
export function imbalanceWeightedMid(
  bidPrice: number,
  bidSize: number,
  askPrice: number,
  askSize: number,
): number {
  checkQuote(bidPrice, bidSize, askPrice, askSize);
  // bid + spread · I: (qa·Pb + qb·Pa)/(qb + qa) without overflow
  return bidPrice + (askPrice - bidPrice) * (bidSize / (bidSize + askSize));
}

function checkQuote(bp: number, bs: number, ap: number, as: number): void {
  if (!(Number.isFinite(bp) && Number.isFinite(ap) && bp > 0 && ap >= bp)) {
    throw new ValidationError('quote prices must be finite, > 0 and not crossed', {
      field: 'bidPrice',
      value: bp,
      details: { bidPrice: bp, askPrice: ap },
    });
  }
  if (!(bs > 0 && as > 0 && bs + as < Number.POSITIVE_INFINITY)) {
    throw new ValidationError('quote sizes must be > 0 with a finite sum', {
      field: 'bidSize',
      value: bs,
      details: { bidSize: bs, askSize: as },
    });
  }
}

/** Best quotes sampled on a regular time grid (the input of {@link fitStoikovMicroPrice}). */
export interface QuoteSeries {
  /** Best bid prices. */
  readonly bidPrice: ArrayLike<number>;
  /** Best bid sizes. */
  readonly bidSize: ArrayLike<number>;
  /** Best ask prices. */
  readonly askPrice: ArrayLike<number>;
  /** Best ask sizes. */
  readonly askSize: ArrayLike<number>;
}

/** Options of {@link fitStoikovMicroPrice}. */
export interface StoikovOptions {
  /** Tick size (required). */
  readonly tickSize: number;
  /** Number of imbalance buckets (default 10). */
  readonly imbalanceBuckets?: number;
  /** `'quantile'` (default, as in the paper) or `'uniform'` bucket edges. */
  readonly bucketing?: 'quantile' | 'uniform';
  /** Spreads of 1..spreadStates ticks are states (default 2). */
  readonly spreadStates?: number;
  /** Sampling lag in rows between a state and the next (default 1). */
  readonly lag?: number;
  /** Largest mid move kept, in ticks (default 1, the paper's choice). */
  readonly maxMoveTicks?: number;
  /** Symmetrise the data (default true, as the paper). */
  readonly symmetrize?: boolean;
  /** Stop the series when max|Bⁱ G¹| < tolerance · tick (default 1e-10). */
  readonly tolerance?: number;
  /** Cap on the number of series terms (default 10 000). */
  readonly maxIterations?: number;
  /**
   * Largest stationary mid drift per move of the fitted chain, in ticks, that is taken for the
   * sampling residue of the symmetrised sample and removed from the series (default 1e-3; see the
   * module notes). A larger drift makes the series diverge: the fit throws.
   */
  readonly maxDriftTicks?: number;
}

/** The serialisable state of a fitted {@link StoikovMicroPrice}. */
export interface StoikovMicroPriceState {
  /** Tick size. */
  readonly tickSize: number;
  /** Inner imbalance bucket edges (buckets − 1 values, ascending); bucket b is (e_b−1, e_b]. */
  readonly imbalanceEdges: readonly number[];
  /** Number of spread states. */
  readonly spreadStates: number;
  /** G* in price units, index (spreadTicks − 1) · buckets + bucket. */
  readonly adjustments: readonly number[];
  /** G¹ in price units, same layout. */
  readonly firstOrder: readonly number[];
  /** Whether the series met the tolerance: must be `true` (a non-converged state is refused). */
  readonly converged: boolean;
  /** Series terms summed. */
  readonly iterations: number;
  /** Stationary mid drift per move removed from the series, in ticks (absent: 0). */
  readonly driftTicks?: number;
  /** States with no sample. */
  readonly unobservedStates: number;
  /** Transitions used (after filtering, before symmetrisation). */
  readonly samples: number;
}

/**
 * A fitted Stoikov (2018) micro-price: mid + G*(imbalance bucket, spread), applied as an O(log B)
 * lookup without allocation. Build it with {@link fitStoikovMicroPrice}.
 */
export class StoikovMicroPrice {
  /** Tick size. */
  readonly tickSize: number;
  /** Number of imbalance buckets. */
  readonly imbalanceBuckets: number;
  /** Number of spread states (1..spreadStates ticks). */
  readonly spreadStates: number;
  /** Inner bucket edges, ascending. */
  readonly imbalanceEdges: Float64Array;
  /** G* in price units, index (spreadTicks − 1) · buckets + bucket. */
  readonly adjustments: Float64Array;
  /** G¹ (the one-move expectation) in price units, same layout. */
  readonly firstOrder: Float64Array;
  /** Whether Σ Bⁱ G¹ met the tolerance: always `true` (a fit that did not converge throws). */
  readonly converged: true;
  /** Series terms summed. */
  readonly iterations: number;
  /** Stationary mid drift per move of the fitted chain, removed from the series, in ticks. */
  readonly driftTicks: number;
  /** States with no sample (their G* is 0). */
  readonly unobservedStates: number;
  /** Transitions used. */
  readonly samples: number;

  /**
   * @param state - a state from {@link StoikovMicroPrice.toJSON} or the fitter
   * @throws `ValidationError` on an inconsistent state, or one whose series did not converge
   *   (`converged` not `true`: such a model would price garbage)
   */
  constructor(state: StoikovMicroPriceState) {
    const nb = state.imbalanceEdges.length + 1;
    if (state.converged !== true) {
      throw new ValidationError(
        'the micro-price state did not converge: a non-converged G* is not a micro-price',
        { field: 'converged', value: state.converged },
      );
    }
    if (
      !(Number.isFinite(state.tickSize) && state.tickSize > 0) ||
      !Number.isInteger(state.spreadStates) ||
      state.spreadStates < 1 ||
      state.adjustments.length !== nb * state.spreadStates ||
      state.firstOrder.length !== nb * state.spreadStates ||
      !state.adjustments.every(Number.isFinite) ||
      !state.firstOrder.every(Number.isFinite) ||
      !state.imbalanceEdges.every((e, i, a) => e >= 0 && e <= 1 && (i === 0 || e >= a[i - 1]!))
    ) {
      throw new ValidationError('inconsistent micro-price state', { field: 'state' });
    }
    this.tickSize = state.tickSize;
    this.imbalanceBuckets = nb;
    this.spreadStates = state.spreadStates;
    this.imbalanceEdges = Float64Array.from(state.imbalanceEdges);
    this.adjustments = Float64Array.from(state.adjustments);
    this.firstOrder = Float64Array.from(state.firstOrder);
    this.converged = true;
    this.iterations = state.iterations;
    this.driftTicks = state.driftTicks ?? 0;
    this.unobservedStates = state.unobservedStates;
    this.samples = state.samples;
  }

  /**
   * The imbalance bucket of I = bidSize / (bidSize + askSize).
   * @param imbalance - I in [0, 1]
   * @returns the bucket index
   */
  bucketOf(imbalance: number): number {
    if (!(imbalance >= 0 && imbalance <= 1)) {
      throw new ValidationError('imbalance must be in [0, 1]', {
        field: 'imbalance',
        value: imbalance,
      });
    }
    return bucketOf(this.imbalanceEdges, imbalance);
  }

  /**
   * G* for a quote, in price units; 0 when the spread is not one of the fitted states (the
   * micro-price is then the mid).
   * @param bidPrice - best bid
   * @param bidSize - best bid size
   * @param askPrice - best ask
   * @param askSize - best ask size
   * @returns the adjustment to add to the mid
   * @throws `ValidationError` on an invalid quote
   */
  adjustment(bidPrice: number, bidSize: number, askPrice: number, askSize: number): number {
    checkQuote(bidPrice, bidSize, askPrice, askSize);
    return this.adj(bidPrice, bidSize, askPrice, askSize);
  }

  /**
   * The micro-price mid + G* (the mid itself for an unfitted spread).
   * @param bidPrice - best bid
   * @param bidSize - best bid size
   * @param askPrice - best ask
   * @param askSize - best ask size
   * @returns the micro-price
   * @throws `ValidationError` on an invalid quote
   */
  microPrice(bidPrice: number, bidSize: number, askPrice: number, askSize: number): number {
    checkQuote(bidPrice, bidSize, askPrice, askSize);
    return 0.5 * bidPrice + 0.5 * askPrice + this.adj(bidPrice, bidSize, askPrice, askSize);
  }

  /** @internal unchecked lookup */
  private adj(bp: number, bs: number, ap: number, as: number): number {
    const s = Math.round((ap - bp) / this.tickSize);
    if (s < 1 || s > this.spreadStates) return 0;
    const b = bucketOf(this.imbalanceEdges, bs / (bs + as));
    return this.adjustments[(s - 1) * this.imbalanceBuckets + b]!;
  }

  /**
   * G* without validating the quote: for callers that already checked it (sizes > 0, not
   * crossed). Never allocates.
   * @param bidPrice - best bid
   * @param bidSize - best bid size, > 0
   * @param askPrice - best ask
   * @param askSize - best ask size, > 0
   * @returns the adjustment to add to the mid
   */
  adjustmentUnchecked(
    bidPrice: number,
    bidSize: number,
    askPrice: number,
    askSize: number,
  ): number {
    return this.adj(bidPrice, bidSize, askPrice, askSize);
  }

  /**
   * The serialisable state (JSON-safe).
   * @returns the state, accepted by the constructor
   */
  toJSON(): StoikovMicroPriceState {
    return {
      tickSize: this.tickSize,
      imbalanceEdges: Array.from(this.imbalanceEdges),
      spreadStates: this.spreadStates,
      adjustments: Array.from(this.adjustments),
      firstOrder: Array.from(this.firstOrder),
      converged: this.converged,
      iterations: this.iterations,
      driftTicks: this.driftTicks,
      unobservedStates: this.unobservedStates,
      samples: this.samples,
    };
  }
}

/**
 * Fits the Stoikov (2018) micro-price on regularly sampled best quotes: discretises imbalance and
 * spread, estimates Q, R1, R2 from the transitions, and sums G* = Σ Bⁱ G¹ (see the module notes).
 * Rows with an empty side, a crossed quote or a non-finite value are not states: transitions
 * from or to them are dropped.
 *
 * @param quotes - best quotes on a regular grid
 * @param options - tick size, buckets, spread states, lag, tolerance
 * @returns the fitted micro-price
 * @throws `ValidationError` on bad options, too little data, or a singular I − Q (some state
 *   never leads to a mid move: use fewer buckets or more data)
 *
 * @example
 * ```ts
 * // 20 000 one-tick quotes whose next mid move follows the imbalance I = bid / (bid + ask)
 * const n = 20_000;
 * const rng = Rng.fromSeed(1);
 * const [bidPrice, bidSize, askPrice, askSize] = [0, 1, 2, 3].map(() => new Float64Array(n));
 * const quotes = { bidPrice, bidSize, askPrice, askSize };
 * for (let i = 0, bid = 100; i < n; i++) {
 *   const imb = rng.float();
 *   quotes.bidPrice[i] = bid; quotes.askPrice[i] = bid + 0.01;
 *   quotes.bidSize[i] = 100 * imb; quotes.askSize[i] = 100 * (1 - imb);
 *   if (rng.float() < 0.3) bid += rng.float() < imb ? 0.01 : -0.01;
 * }
 * const mp = fitStoikovMicroPrice(quotes, { tickSize: 0.01, imbalanceBuckets: 5 });
 * mp.microPrice(100, 30, 100.01, 10); // ≈ 100.0062 > mid: the bid is heavier
 * ```
 */
export function fitStoikovMicroPrice(
  quotes: QuoteSeries,
  options: StoikovOptions,
): StoikovMicroPrice {
  const o = resolveStoikov(options);
  const { tick, nb, ns, lag, sym } = o;
  const { bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as } = quotes;
  const n = bp.length;
  if (bs.length !== n || ap.length !== n || as.length !== n) {
    throw new ValidationError('quote arrays must have equal lengths', { field: 'quotes' });
  }
  const maxHalf = 2 * o.maxMove;
  const st = rowStates(quotes, tick, ns);
  const from = transitions(quotes, st, lag, tick, maxHalf);
  if (from.length < 2) throw tooFewTransitions(quotes, tick, ns, from.length);
  const edges = bucketEdges(st.imb, from, nb, sym, o.uniform);
  const counts = countTransitions(quotes, st, from, edges, lag, tick, maxHalf, sym, ns);
  const fo = firstOrder(counts, tick);
  if (fo === null) {
    throw new ValidationError(
      'I − Q is singular: some state never leads to a mid move; use fewer buckets or more data',
      { field: 'quotes' },
    );
  }
  const series = sumSeries(fo.B, fo.g1, o.tol * tick, o.maxIt, o.maxDrift * tick);
  if (!series.converged) {
    const drift = series.drift / tick;
    throw new ValidationError(
      `the G* series did not converge (stationary drift ${drift} ticks per move, maxDriftTicks ${o.maxDrift}; ${series.iterations} terms): Stoikov (2018) needs B∞·G¹ = 0, which fails when the data drift (symmetrize them) or a state only leads back to itself; no micro-price is defined`,
      { field: 'quotes', details: { iterations: series.iterations, driftTicks: drift } },
    );
  }
  return new StoikovMicroPrice({
    tickSize: tick,
    imbalanceEdges: Array.from(edges),
    spreadStates: ns,
    adjustments: Array.from(series.g),
    firstOrder: Array.from(fo.g1),
    converged: true,
    iterations: series.iterations,
    driftTicks: series.drift / tick,
    unobservedStates: fo.unobserved,
    samples: from.length,
  });
}

function resolveStoikov(options: StoikovOptions) {
  const tick = options.tickSize;
  if (!(Number.isFinite(tick) && tick > 0)) {
    throw new ValidationError('tickSize must be finite and > 0', {
      field: 'tickSize',
      value: tick,
    });
  }
  const tol = options.tolerance ?? 1e-10;
  if (!(Number.isFinite(tol) && tol > 0)) {
    throw new ValidationError('tolerance must be finite and > 0', {
      field: 'tolerance',
      value: tol,
    });
  }
  const bucketing = options.bucketing ?? 'quantile';
  if (bucketing !== 'quantile' && bucketing !== 'uniform') {
    throw new ValidationError("bucketing must be 'quantile' or 'uniform'", {
      field: 'bucketing',
      value: bucketing,
    });
  }
  const sym = options.symmetrize ?? true;
  if (typeof sym !== 'boolean') {
    throw new ValidationError('symmetrize must be a boolean', { field: 'symmetrize', value: sym });
  }
  const maxDrift = options.maxDriftTicks ?? 1e-3;
  if (!(Number.isFinite(maxDrift) && maxDrift >= 0)) {
    throw new ValidationError('maxDriftTicks must be finite and >= 0', {
      field: 'maxDriftTicks',
      value: maxDrift,
    });
  }
  return {
    tick,
    maxDrift,
    nb: checkedInteger(options.imbalanceBuckets ?? 10, 'imbalanceBuckets'),
    ns: checkedInteger(options.spreadStates ?? 2, 'spreadStates'),
    lag: checkedInteger(options.lag ?? 1, 'lag'),
    maxMove: checkedInteger(options.maxMoveTicks ?? 1, 'maxMoveTicks'),
    sym,
    tol,
    maxIt: checkedInteger(options.maxIterations ?? 10_000, 'maxIterations'),
    uniform: bucketing === 'uniform',
  };
}

/** Options of {@link MicroPriceTracker}. */
export interface MicroPriceTrackerOptions {
  /** A fitted Stoikov model; without it the tracked price is the imbalance-weighted mid. */
  readonly model?: StoikovMicroPrice;
  /** Momentum horizons in accepted updates (default [1, 10, 100]). */
  readonly horizons?: readonly number[];
  /** Momentum horizons in milliseconds (default none): price now − the price in force h ms ago. */
  readonly horizonsMs?: readonly number[];
  /** EWMA weight of the newest momentum, in (0, 1] (default 0.05). */
  readonly ewmaAlpha?: number;
  /** `'throw'` (default) or `'skip'` on an invalid book or one with an empty side. */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book (default false). */
  readonly allowLocked?: boolean;
}

/**
 * Streaming micro-price and its momentum. Per accepted book: the imbalance-weighted mid, the
 * Stoikov micro-price (when a model is given), the tracked price's change over each horizon
 * (0 until the horizon has filled) and an EWMA of each; optionally the same over time horizons
 * (`horizonsMs`: the tracked price now minus the price in force h ms earlier, i.e. of the last
 * book at or before ts − h; 0 until the stream is h ms old). O(levels + horizons) amortised; no
 * allocation except the time-horizon history doubling when full (amortised).
 *
 * A book with an empty side has no micro-price: it is invalid for this tracker (policy applies).
 *
 * @example
 * ```ts
 * const book = createL2Snapshot(2); // bids 30 @ 100, 10 @ 99.99; asks 10 @ 100.01, 50 @ 100.02
 * book.bidPrice.set([100, 99.99]); book.bidSize.set([30, 10]);
 * book.askPrice.set([100.01, 100.02]); book.askSize.set([10, 50]);
 * // no `model`: the imbalance-weighted mid (pass one from fitStoikovMicroPrice for Stoikov's)
 * const mp = new MicroPriceTracker({ horizons: [1, 50] });
 * mp.update(book);
 * mp.price; // 100.0075
 * book.bidSize[0] = 5;
 * mp.update(book);
 * mp.price; // ≈ 100.0033
 * mp.momentum[0]; // ≈ -0.0042, the change over 1 update (momentum[1], over 50, is still 0)
 * mp.momentumEwma[0];
 * ```
 */
export class MicroPriceTracker {
  /** The tracked price of the last accepted book (Stoikov if a model is set, else weighted mid). */
  price = 0;
  /** Imbalance-weighted mid of the last accepted book. */
  weightedMid = 0;
  /** Mid of the last accepted book. */
  mid = 0;
  /** Horizons in updates. */
  readonly horizons: readonly number[];
  /** price − price h updates ago, per horizon (0 until filled). */
  readonly momentum: Float64Array;
  /** EWMA of each momentum. */
  readonly momentumEwma: Float64Array;
  /** Time horizons in ms. */
  readonly horizonsMs: readonly number[];
  /** price − price in force h ms ago, per time horizon (0 until the stream is h ms old). */
  readonly momentumMs: Float64Array;
  /** EWMA of each time-horizon momentum. */
  readonly momentumMsEwma: Float64Array;
  /**
   * Per update horizon: 1 once h updates have been seen (the momentum is real), 0 while it warms
   * up and reads 0.
   */
  readonly momentumReady: Uint8Array;
  /** Per time horizon: 1 once the stream is h ms old, 0 while `momentumMs` warms up. */
  readonly momentumMsReady: Uint8Array;
  /** Accepted updates. */
  accepted = 0;
  /** Skipped updates. */
  skipped = 0;
  /** Reason of the last skipped update, or `null`. */
  lastSkipReason: string | null = null;
  private readonly locked: boolean;
  private readonly fitted: StoikovMicroPrice | null;
  private readonly ring: Float64Array;
  // time-horizon history: (ts, price) of accepted books, absolute indices [hHead, hEnd)
  private hTs = new Float64Array(64);
  private hPx = new Float64Array(64);
  private hHead = 0;
  private hEnd = 0;
  private readonly hIdx: Float64Array; // per time horizon: absolute index of the price in force, or -1
  private readonly alpha: number;
  private readonly policy: InvalidPolicy;
  private levels = -1;
  private lastTs = Number.NEGATIVE_INFINITY;

  /**
   * @param options - model, horizons, EWMA weight, invalid-input policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: MicroPriceTrackerOptions = {}) {
    const hs = options.horizons ?? [1, 10, 100];
    for (const h of hs) checkedInteger(h, 'horizons[]');
    const alpha = options.ewmaAlpha ?? 0.05;
    if (!(alpha > 0 && alpha <= 1)) {
      throw new ValidationError('ewmaAlpha must be in (0, 1]', {
        field: 'ewmaAlpha',
        value: alpha,
      });
    }
    this.horizons = Object.freeze([...hs]);
    this.momentum = new Float64Array(hs.length);
    this.momentumEwma = new Float64Array(hs.length);
    this.ring = new Float64Array(Math.max(1, ...hs) + 1);
    const hms = options.horizonsMs ?? [];
    for (const h of hms) {
      if (!(Number.isFinite(h) && h > 0)) {
        throw new ValidationError('horizonsMs[] must be finite and > 0', {
          field: 'horizonsMs[]',
          value: h,
        });
      }
    }
    this.horizonsMs = Object.freeze([...hms]);
    this.momentumMs = new Float64Array(hms.length);
    this.momentumMsEwma = new Float64Array(hms.length);
    this.hIdx = new Float64Array(hms.length).fill(-1);
    this.alpha = alpha;
    if (options.model !== undefined && !(options.model instanceof StoikovMicroPrice)) {
      throw new ValidationError('model must be a StoikovMicroPrice', { field: 'model' });
    }
    this.fitted = options.model ?? null;
    this.policy = checkPolicy(options.onInvalid);
    this.locked = checkAllowLocked(options.allowLocked);
    this.momentumReady = new Uint8Array(hs.length);
    this.momentumMsReady = new Uint8Array(hms.length);
  }

  /** Whether a book has been accepted (before, `price`, `mid` and `weightedMid` read 0). */
  get ready(): boolean {
    return this.accepted > 0;
  }

  /**
   * Consumes one book.
   * @param book - the book
   * @returns true when accepted
   * @throws `ValidationError` on an invalid book under the `'throw'` policy
   */
  update(book: L2Snapshot): boolean {
    const n = this.levels < 0 ? book.bidPrice.length : this.levels;
    let reason =
      book.ts >= this.lastTs && book.ts !== Number.POSITIVE_INFINITY
        ? checkShape(book, n, this.locked)
        : R_TS;
    if (reason === null && !(book.bidSize[0]! > 0 && book.askSize[0]! > 0)) reason = R_EMPTY;
    if (reason !== null) {
      if (this.policy === 'throw' && reason === R_EMPTY) {
        throw new ValidationError('a book with an empty side has no micro-price', {
          field: 'book',
        });
      }
      rejectBook(this.policy, reason, book, n, this.lastTs, this.locked);
      this.skipped++;
      this.lastSkipReason = reason;
      return false;
    }
    this.levels = n;
    this.lastTs = book.ts;
    const bp = book.bidPrice[0]!;
    const bs = book.bidSize[0]!;
    const ap = book.askPrice[0]!;
    const as = book.askSize[0]!;
    this.mid = 0.5 * bp + 0.5 * ap;
    this.weightedMid = bp + (ap - bp) * (bs / (bs + as));
    // Stoikov lookup inlined (no call with double arguments: nothing to box)
    let p = this.weightedMid;
    const model = this.fitted;
    if (model !== null) {
      const st = Math.round((ap - bp) / model.tickSize);
      let g = 0;
      if (st >= 1 && st <= model.spreadStates) {
        const x = bs / (bs + as);
        const e = model.imbalanceEdges;
        let lo = 0;
        let hi = e.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (x <= e[mid]!) hi = mid;
          else lo = mid + 1;
        }
        g = model.adjustments[(st - 1) * model.imbalanceBuckets + lo]!;
      }
      p = this.mid + g;
    }
    this.price = p;
    const ring = this.ring;
    const len = ring.length;
    const k = this.accepted;
    ring[k % len] = p;
    this.accepted = k + 1;
    const a = this.alpha;
    for (let i = 0; i < this.horizons.length; i++) {
      const h = this.horizons[i]!;
      const mom = k >= h ? p - ring[(k - h) % len]! : 0;
      this.momentum[i] = mom;
      this.momentumReady[i] = k >= h ? 1 : 0;
      this.momentumEwma[i] = k === 0 ? mom : (1 - a) * this.momentumEwma[i]! + a * mom;
    }
    const nh = this.horizonsMs.length;
    if (nh > 0) {
      const ts = book.ts;
      // append (ts, p) to the history, doubling it when full
      if (this.hEnd - this.hHead === this.hTs.length) this.growHistory();
      const cap = this.hTs.length;
      this.hTs[this.hEnd % cap] = ts;
      this.hPx[this.hEnd % cap] = p;
      this.hEnd++;
      let oldest = this.hEnd - 1;
      for (let i = 0; i < nh; i++) {
        const cut = ts - this.horizonsMs[i]!;
        let j = this.hIdx[i]!;
        if (j < this.hHead) j = -1;
        // advance to the last entry stamped at or before ts - h
        let next = j < 0 ? this.hHead : j + 1;
        while (next < this.hEnd && this.hTs[next % cap]! <= cut) {
          j = next;
          next++;
        }
        this.hIdx[i] = j;
        const mom = j < 0 ? 0 : p - this.hPx[j % cap]!;
        this.momentumMs[i] = mom;
        this.momentumMsReady[i] = j < 0 ? 0 : 1;
        this.momentumMsEwma[i] = k === 0 ? mom : (1 - a) * this.momentumMsEwma[i]! + a * mom;
        if (j >= 0 && j < oldest) oldest = j;
        else if (j < 0) oldest = this.hHead;
      }
      // entries before the oldest one still in force are no longer needed
      this.hHead = oldest;
    }
    return true;
  }

  private growHistory(): void {
    const cap = this.hTs.length;
    const ts = new Float64Array(cap * 2);
    const px = new Float64Array(cap * 2);
    for (let j = this.hHead; j < this.hEnd; j++) {
      ts[j % (cap * 2)] = this.hTs[j % cap]!;
      px[j % (cap * 2)] = this.hPx[j % cap]!;
    }
    this.hTs = ts;
    this.hPx = px;
  }
}
