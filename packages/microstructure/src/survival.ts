/**
 * Survival of the top of the book: how long each best bid and best ask price level stays the
 * best before it is depleted or improved, with a running Kaplan–Meier estimate (Kaplan & Meier
 * 1958, "Nonparametric estimation from incomplete observations", JASA 53, eq. for the
 * product-limit estimator Ŝ(t) = Π_{t_i ≤ t} (1 − d_i / n_i)).
 *
 * @module
 */
import { type L2Snapshot, ValidationError } from '@x/core';
import {
  checkAllowLocked,
  checkPolicy,
  checkShape,
  type InvalidPolicy,
  R_TS,
  throwBookError,
} from './internal/book.js';
import { DurationCounts } from './internal/duration-counts.js';

/** Input of `KaplanMeier.append`: a duration passed without crossing a call as a double. */
const durationIn = new Float64Array(1);
/** Adds the observed duration in `durationIn[0]` to a curve (set in KaplanMeier's static block). */
let addLifetime: (km: KaplanMeier) => void = () => {};

/** A Kaplan–Meier curve at its distinct event times. */
export interface SurvivalCurve {
  /** Distinct times with at least one observed event, ascending. */
  readonly times: Float64Array;
  /** Ŝ(t) just after each time. */
  readonly survival: Float64Array;
  /** n_i, subjects at risk just before each time (durations >= t_i). */
  readonly atRisk: Float64Array;
  /** d_i, observed events at each time. */
  readonly events: Float64Array;
  /** Discrete hazard d_i / n_i at each time. */
  readonly hazard: Float64Array;
  /** Nelson–Aalen cumulative hazard Σ d_j / n_j up to each time. */
  readonly cumulativeHazard: Float64Array;
}

/** Options of {@link KaplanMeier}. */
export interface KaplanMeierOptions {
  /**
   * Keep only the most recent this many observations (a sliding window: the oldest is dropped
   * when a new one arrives). Default `Infinity`: every observation is kept (memory grows with the
   * number of distinct durations, not with the number of observations).
   */
  readonly maxObservations?: number;
}

/**
 * Kaplan–Meier product-limit estimator over right-censored durations, optionally over a sliding
 * window of the last `maxObservations` (see {@link KaplanMeierOptions}; unbounded by default).
 * The counts per distinct duration are maintained incrementally (O(1) amortised per observation,
 * merged in O(D + p log p) when read), so a query walks the D distinct durations and never sorts
 * every observation. Ties: events at a time t count as happening before censorings at t (the
 * usual convention, as statsmodels and R's survival do).
 *
 * @example
 * ```ts
 * const km = new KaplanMeier();
 * km.add(3); km.add(5, false); km.add(7);
 * km.curve().survival; // [2/3, 0]
 * km.median(); // 7
 * const recent = new KaplanMeier({ maxObservations: 10_000 }); // the last 10,000 only
 * ```
 */
export class KaplanMeier {
  static {
    addLifetime = (km) => km.append(true);
  }
  /** The window size (`Infinity`: unbounded). */
  readonly maxObservations: number;
  private readonly counts = new DurationCounts();
  // the window's observations in arrival order (only when bounded), a ring of cap entries
  private t = new Float64Array(0);
  private e = new Uint8Array(0);
  private head = 0;
  private n = 0;

  /**
   * @param options - the sliding window, if any
   * @throws `ValidationError` when maxObservations is not an integer >= 1 or Infinity
   */
  constructor(options: KaplanMeierOptions = {}) {
    const cap = options.maxObservations ?? Number.POSITIVE_INFINITY;
    if (!(cap === Number.POSITIVE_INFINITY || (Number.isInteger(cap) && cap >= 1))) {
      throw new ValidationError('maxObservations must be an integer >= 1 or Infinity', {
        field: 'maxObservations',
        value: cap,
      });
    }
    this.maxObservations = cap;
  }

  /** Number of observations held (at most `maxObservations`). */
  get size(): number {
    return this.n;
  }

  /**
   * Adds a duration (dropping the oldest one when the window is full).
   * @param duration - the duration (finite, >= 0)
   * @param observed - true for an observed event, false for a right-censored one (default true)
   * @throws `ValidationError` on a negative or non-finite duration
   */
  add(duration: number, observed = true): void {
    durationIn[0] = duration;
    this.append(observed);
  }

  /** The body of `add`; the duration comes through `durationIn` so no double crosses the call. */
  private append(observed: boolean): void {
    const duration = durationIn[0]!;
    if (!(Number.isFinite(duration) && duration >= 0)) {
      throw new ValidationError('duration must be finite and >= 0', {
        field: 'duration',
        value: duration,
      });
    }
    this.counts.add(duration, observed);
    const cap = this.maxObservations;
    if (cap === Number.POSITIVE_INFINITY) {
      this.n++;
      return;
    }
    if (this.n === cap) {
      // the window is full: the oldest observation leaves
      const h = this.head;
      this.counts.remove(this.t[h]!, this.e[h] === 1);
      this.t[h] = duration;
      this.e[h] = observed ? 1 : 0;
      this.head = (h + 1) % cap;
      return;
    }
    if (this.n === this.t.length) {
      const size = Math.min(cap, Math.max(64, this.n * 2));
      const t = new Float64Array(size);
      t.set(this.t);
      this.t = t;
      const e = new Uint8Array(size);
      e.set(this.e);
      this.e = e;
    }
    this.t[this.n] = duration;
    this.e[this.n] = observed ? 1 : 0;
    this.n++;
  }

  /** Removes every observation. */
  clear(): void {
    this.counts.clear();
    this.n = 0;
    this.head = 0;
  }

  /**
   * The curve, optionally with extra censored durations that are not stored (e.g. the level
   * still alive).
   * @param extraCensored - durations censored now
   * @returns the Kaplan–Meier curve at the distinct event times
   * @throws `ValidationError` on a negative or non-finite extra duration
   */
  curve(extraCensored: readonly number[] = []): SurvivalCurve {
    const times: number[] = [];
    const surv: number[] = [];
    const risk: number[] = [];
    const evs: number[] = [];
    const hz: number[] = [];
    const ch: number[] = [];
    let h = 0;
    this.walk(extraCensored, (t, d, atRisk, s) => {
      h += d / atRisk;
      times.push(t);
      surv.push(s);
      risk.push(atRisk);
      evs.push(d);
      hz.push(d / atRisk);
      ch.push(h);
      return false;
    });
    return {
      times: Float64Array.from(times),
      survival: Float64Array.from(surv),
      atRisk: Float64Array.from(risk),
      events: Float64Array.from(evs),
      hazard: Float64Array.from(hz),
      cumulativeHazard: Float64Array.from(ch),
    };
  }

  /**
   * Visits the event times in order with (t, d_i, n_i, Ŝ(t)); stops when `visit` returns true.
   */
  private walk(
    extraCensored: readonly number[],
    visit: (t: number, d: number, atRisk: number, s: number) => boolean,
  ): void {
    const extra = Float64Array.from(extraCensored);
    for (const d of extra) {
      if (!(Number.isFinite(d) && d >= 0)) {
        throw new ValidationError('censored durations must be finite and >= 0', {
          field: 'extraCensored',
          value: d,
        });
      }
    }
    extra.sort();
    const c = this.counts;
    c.flush();
    let atRisk = this.n + extra.length;
    let s = 1;
    let i = 0;
    let x = 0;
    while (i < c.size || x < extra.length) {
      const t =
        i < c.size && (x >= extra.length || c.times[i]! <= extra[x]!) ? c.times[i]! : extra[x]!;
      let d = 0;
      let leaving = 0;
      if (i < c.size && c.times[i] === t) {
        d = c.events[i]!;
        leaving = c.total[i]!;
        i++;
      }
      for (; x < extra.length && extra[x] === t; x++) leaving++;
      if (d > 0) {
        s *= 1 - d / atRisk;
        if (visit(t, d, atRisk, s)) return;
      }
      atRisk -= leaving;
    }
  }

  /**
   * The p-quantile of the survival time: the smallest event time t with Ŝ(t) ≤ 1 − p.
   * @param p - in (0, 1), 0.5 for the median
   * @param extraCensored - durations censored now
   * @returns the quantile, or `undefined` when Ŝ never falls to 1 − p (too much censoring)
   * @throws `ValidationError` when p is not in (0, 1)
   */
  quantile(p: number, extraCensored: readonly number[] = []): number | undefined {
    if (!(p > 0 && p < 1))
      throw new ValidationError('p must be in (0, 1)', { field: 'p', value: p });
    let q: number | undefined;
    this.walk(extraCensored, (t, _d, _n, s) => {
      if (s <= 1 - p + 1e-12) q = t;
      return q !== undefined;
    });
    return q;
  }

  /**
   * The median survival time (see {@link KaplanMeier.quantile}).
   * @param extraCensored - durations censored now
   * @returns the median, or `undefined` when Ŝ stays above 1/2
   */
  median(extraCensored: readonly number[] = []): number | undefined {
    return this.quantile(0.5, extraCensored);
  }
}

/** How a best level ended. */
export type LevelEnd = 'depleted' | 'improved';

/** Options of {@link TopOfBookSurvival}. */
export interface TopOfBookSurvivalOptions {
  /** `'throw'` (default) or `'skip'` on an invalid book. */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book (default false). */
  readonly allowLocked?: boolean;
  /**
   * Lifetimes kept per side for Kaplan–Meier: a sliding window over the most recent ones
   * (default 100,000, so a stream that runs for days holds bounded memory; `Infinity` keeps every
   * lifetime).
   */
  readonly maxLifetimes?: number;
}

/**
 * Lifetimes of the best bid and best ask price levels. A level is born when a price becomes the
 * best on its side, and dies when the best price on that side changes: **improved** when a
 * better price appears (bid up, ask down), **depleted** when the level is consumed or cancelled
 * so the best retreats (bid down, ask up) or the side empties. Its lifetime is death ts − birth ts.
 * A size change at the same price is not a death. The level alive now is right-censored at the
 * query time in {@link TopOfBookSurvival.curve}. Invalid books follow the policy (skipped books
 * change nothing). Per update O(1) amortised, no allocation beyond amortised storage growth.
 *
 * @example
 * ```ts
 * import { OrderFlowGenerator, cst2010Rates } from '@x/sim';
 *
 * const gen = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(5) });
 * const books = gen.l2Snapshots(5, { count: 5000 });
 * const s = new TopOfBookSurvival();
 * for (const book of books) s.update(book);
 * s.median('buy'); // median life of a best bid, in ms
 * s.curve('sell').survival;
 * ```
 */
export class TopOfBookSurvival {
  /** Lifetimes of best-bid levels that ended (the last `maxLifetimes`). */
  readonly bid: KaplanMeier;
  /** Lifetimes of best-ask levels that ended (the last `maxLifetimes`). */
  readonly ask: KaplanMeier;
  /** Ends by cause, per side: [bid depleted, bid improved, ask depleted, ask improved]. */
  readonly endCounts = new Float64Array(4);
  /** Accepted books. */
  accepted = 0;
  /** Skipped books. */
  skipped = 0;
  /** Time of the last accepted book. */
  lastTs = Number.NEGATIVE_INFINITY;
  private readonly policy: InvalidPolicy;
  private readonly locked: boolean;
  private levels = -1;
  private bidPx = Number.NaN; // NaN: no level alive
  private bidBorn = 0;
  private askPx = Number.NaN;
  private askBorn = 0;

  /**
   * @param options - invalid-book policy
   * @throws `ValidationError` on a bad option
   */
  constructor(options: TopOfBookSurvivalOptions = {}) {
    this.policy = checkPolicy(options.onInvalid);
    this.locked = checkAllowLocked(options.allowLocked);
    const cap = options.maxLifetimes ?? 100_000;
    this.bid = new KaplanMeier({ maxObservations: cap });
    this.ask = new KaplanMeier({ maxObservations: cap });
  }

  /**
   * Consumes one book.
   * @param book - the book
   * @returns true when accepted
   * @throws `ValidationError` on an invalid book under the `'throw'` policy
   */
  update(book: L2Snapshot): boolean {
    const n = this.levels < 0 ? book.bidPrice.length : this.levels;
    const reason =
      book.ts >= this.lastTs && book.ts !== Number.POSITIVE_INFINITY
        ? checkShape(book, n, this.locked)
        : R_TS;
    if (reason !== null) {
      if (this.policy === 'throw') {
        throwBookError(reason, book, n, this.lastTs, this.locked);
      }
      this.skipped++;
      return false;
    }
    this.levels = n;
    const ts = book.ts;
    this.lastTs = ts;
    this.accepted++;
    const bid = book.bidSize[0]! > 0 ? book.bidPrice[0]! : Number.NaN;
    const ask = book.askSize[0]! > 0 ? book.askPrice[0]! : Number.NaN;
    if (bid !== this.bidPx && !(Number.isNaN(bid) && Number.isNaN(this.bidPx))) {
      if (!Number.isNaN(this.bidPx)) {
        const improved = !Number.isNaN(bid) && bid > this.bidPx;
        durationIn[0] = ts - this.bidBorn;
        addLifetime(this.bid);
        this.endCounts[improved ? 1 : 0]!++;
      }
      this.bidPx = bid;
      this.bidBorn = ts;
    }
    if (ask !== this.askPx && !(Number.isNaN(ask) && Number.isNaN(this.askPx))) {
      if (!Number.isNaN(this.askPx)) {
        const improved = !Number.isNaN(ask) && ask < this.askPx;
        durationIn[0] = ts - this.askBorn;
        addLifetime(this.ask);
        this.endCounts[improved ? 3 : 2]!++;
      }
      this.askPx = ask;
      this.askBorn = ts;
    }
    return true;
  }

  /**
   * Age of the level alive on a side.
   * @param side - `'buy'` for the best bid, `'sell'` for the best ask
   * @param nowMs - the current time (default: the last book's)
   * @returns its age in ms, or `undefined` when the side is empty
   */
  currentAge(side: 'buy' | 'sell', nowMs = this.lastTs): number | undefined {
    const px = side === 'buy' ? this.bidPx : this.askPx;
    if (Number.isNaN(px)) return undefined;
    if (!Number.isFinite(nowMs)) {
      throw new ValidationError('nowMs must be finite', { field: 'nowMs', value: nowMs });
    }
    return Math.max(0, nowMs - (side === 'buy' ? this.bidBorn : this.askBorn));
  }

  /**
   * The Kaplan–Meier curve of a side, with the level alive now right-censored at `nowMs`.
   * @param side - `'buy'` or `'sell'`
   * @param nowMs - the censoring time (default: the last book's)
   * @returns the curve
   */
  curve(side: 'buy' | 'sell', nowMs = this.lastTs): SurvivalCurve {
    const km = side === 'buy' ? this.bid : this.ask;
    const age = this.currentAge(side, nowMs);
    return km.curve(age === undefined ? [] : [age]);
  }

  /**
   * Median lifetime of a side's best level (alive level censored at `nowMs`).
   * @param side - `'buy'` or `'sell'`
   * @param nowMs - the censoring time (default: the last book's)
   * @returns the median in ms, or `undefined` if not reached
   */
  median(side: 'buy' | 'sell', nowMs = this.lastTs): number | undefined {
    const km = side === 'buy' ? this.bid : this.ask;
    const age = this.currentAge(side, nowMs);
    return km.median(age === undefined ? [] : [age]);
  }
}
