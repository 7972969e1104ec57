/**
 * Cancel-burst detection per side and level.
 *
 * Each channel (side × level, level 0 = the best) keeps two rates, updated at each cancel in O(1):
 * - an exponentially-weighted rate r(t) = (1/τ) Σ wᵢ e^{−(t − tᵢ)/τ} (cancels per ms, weights
 *   wᵢ = 1 or the cancelled quantity);
 * - a Hawkes-style self-exciting intensity λ(t) = μ + Σ α e^{−β(t − tᵢ)} (Hawkes 1971, eq. for the
 *   exponential kernel; parameters given, not fitted).
 *
 * **Burst rule.** At each cancel the channel's EWMA rate just after the event is compared with a
 * robust threshold from the rates observed at that channel's previous `window` cancels:
 * median + k · 1.4826 · MAD (the MAD scaled to a normal's σ), and at least `minRate`. The threshold
 * uses only past rates observed outside bursts (the current one joins the window after the test,
 * unless it is part of a burst, so a long burst does not raise its own bar). A burst starts at the
 * first cancel above the threshold and ends at the first later cancel below it, or when
 * {@link CancelBurstDetector.advance} finds the decayed rate below it; start, end, number of
 * cancels, cancelled quantity and peak rate are reported for bursts of at least `minCancels`
 * cancels (default 3). No burst is flagged before `window`
 * past rates exist.
 *
 * @module
 */
import { type L2Snapshot, type Side, ValidationError } from '@x/core';
import {
  checkAllowLocked,
  checkPolicy,
  checkShape,
  type InvalidPolicy,
  R_TS,
  rejectBook,
} from './internal/book.js';

/** A detected burst. */
export interface CancelBurst {
  /** `'buy'` (bid side) or `'sell'` (ask side). */
  readonly side: Side;
  /** Level index (0 = best). */
  readonly level: number;
  /** Time of the first cancel above the threshold (ms). */
  readonly startMs: number;
  /** Time the rate fell back below the threshold (ms). */
  readonly endMs: number;
  /** Cancels during the burst. */
  readonly cancels: number;
  /** Quantity cancelled during the burst. */
  readonly qty: number;
  /** Highest EWMA rate seen during the burst (per ms). */
  readonly peakRate: number;
}

/** Options of {@link CancelBurstDetector}. */
export interface CancelBurstOptions {
  /** Levels per side tracked (cancels at deeper levels are ignored), default 10. */
  readonly levels?: number;
  /** EWMA time constant τ in ms (default 1000). */
  readonly tauMs?: number;
  /** Weight each cancel by its quantity instead of 1 (default false). */
  readonly weightByQty?: boolean;
  /** Hawkes baseline μ per ms (default 0). */
  readonly hawkesMu?: number;
  /** Hawkes jump α per cancel (default 0.5 / tauMs). */
  readonly hawkesAlpha?: number;
  /** Hawkes decay β per ms (default 1 / tauMs). */
  readonly hawkesBeta?: number;
  /** Past rates in the robust threshold (default 100). */
  readonly window?: number;
  /** Multiple of the scaled MAD above the median (default 5). */
  readonly k?: number;
  /** Floor of the threshold, per ms (default 0). */
  readonly minRate?: number;
  /** Bursts with fewer cancels are not reported (default 3): one unlucky cancel is not a burst. */
  readonly minCancels?: number;
  /** Called when a burst ends. */
  readonly onBurst?: (burst: CancelBurst) => void;
  /** Bursts kept in {@link CancelBurstDetector.bursts} (default 1000, oldest dropped). */
  readonly keepBursts?: number;
  /**
   * `'throw'` (default) or `'skip'` for an invalid cancel or book (see `onCancel`, `onBook`):
   * skipped input changes nothing and is counted in `skipped`.
   */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book in `onBook` (default false). */
  readonly allowLocked?: boolean;
}

function checkQueryTs(ts: number): void {
  if (Number.isNaN(ts)) throw new ValidationError('ts must not be NaN', { field: 'ts', value: ts });
}

/** Reason code: a quantity-weighted cancel rate would overflow. */
const R_RATE = 'the cancel rate overflows (a cancelled quantity is too large)';

function posInt(v: number | undefined, def: number, field: string, min: number): number {
  const x = v ?? def;
  if (!(Number.isInteger(x) && x >= min)) {
    throw new ValidationError(`${field} must be an integer >= ${min}`, { field, value: x });
  }
  return x;
}

function num(
  v: number | undefined,
  def: number,
  field: string,
  min: number,
  strict = false,
): number {
  const x = v ?? def;
  if (!Number.isFinite(x) || (strict ? !(x > min) : !(x >= min))) {
    throw new ValidationError(`${field} must be finite and ${strict ? '>' : '>='} ${min}`, {
      field,
      value: x,
    });
  }
  return x;
}

/**
 * Streaming cancel-rate estimator and burst detector (see the module notes). O(window) per cancel
 * (sorted-window update and MAD by a merge), no allocation except when a burst is reported.
 *
 * @example
 * ```ts
 * const d = new CancelBurstDetector({ tauMs: 500, k: 6, window: 10, onBurst: (b) => console.log(b) });
 * for (let ts = 0; ts < 3000; ts += 100) d.onCancel(ts, 'buy', 0, 1); // calm: one per 100 ms
 * for (let ts = 3000; ts < 3010; ts++) d.onCancel(ts, 'buy', 0, 1); // 10 cancels in 10 ms
 * d.rate('buy', 0); d.intensity('buy', 0); // per ms, at the last cancel
 * d.advance(6000); // the rate has decayed: the burst ends and onBurst is called
 * d.bursts[0]?.startMs; // 3001 (9 cancels in the burst)
 * ```
 */
export class CancelBurstDetector {
  /** Levels per side. */
  readonly levels: number;
  /** Completed bursts, oldest first. */
  readonly bursts: CancelBurst[] = [];
  /** Cancels accepted. */
  accepted = 0;
  /** Cancels and books dropped under the `'skip'` policy. */
  skipped = 0;
  private readonly policy: InvalidPolicy;
  private readonly allowLocked: boolean;
  private readonly tau: number;
  private readonly byQty: boolean;
  private readonly mu: number;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly win: number;
  private readonly k: number;
  private readonly min: number;
  private readonly onBurst: ((b: CancelBurst) => void) | undefined;
  private readonly keep: number;
  private readonly minCancels: number;
  // per channel state, channel = side * levels + level
  private readonly ewma: Float64Array;
  private readonly hawkes: Float64Array;
  private readonly last: Float64Array;
  private readonly ring: Float64Array; // channels × window, insertion order
  private readonly sorted: Float64Array; // channels × window, ascending
  private readonly count: Int32Array;
  private readonly pos: Int32Array;
  private readonly burstOn: Uint8Array;
  private readonly bStart: Float64Array;
  private readonly bCancels: Float64Array;
  private readonly bQty: Float64Array;
  private readonly bPeak: Float64Array;
  private readonly thr: Float64Array;
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly io = new Float64Array(2);
  // onBook: the previous book's first `levels` levels, [bid price, bid size, ask price, ask size]
  private readonly prevBook: Float64Array;
  private bookLevels = -1;

  /**
   * @param options - rates, threshold and reporting options
   * @throws `ValidationError` on bad options
   */
  constructor(options: CancelBurstOptions = {}) {
    const levels = options.levels ?? 10;
    if (!Number.isInteger(levels) || levels < 1) {
      throw new ValidationError('levels must be an integer >= 1', {
        field: 'levels',
        value: levels,
      });
    }
    const w = options.window ?? 100;
    if (!Number.isInteger(w) || w < 3) {
      throw new ValidationError('window must be an integer >= 3', { field: 'window', value: w });
    }
    this.levels = levels;
    this.tau = num(options.tauMs, 1000, 'tauMs', 0, true);
    if (!Number.isFinite(1 / this.tau)) {
      throw new ValidationError('tauMs is too small', { field: 'tauMs', value: this.tau });
    }
    this.byQty = options.weightByQty === true;
    this.mu = num(options.hawkesMu, 0, 'hawkesMu', 0);
    this.alpha = num(options.hawkesAlpha, 0.5 / this.tau, 'hawkesAlpha', 0);
    this.beta = num(options.hawkesBeta, 1 / this.tau, 'hawkesBeta', 0, true);
    this.win = w;
    this.k = num(options.k, 5, 'k', 0);
    this.min = num(options.minRate, 0, 'minRate', 0);
    if (options.onBurst !== undefined && typeof options.onBurst !== 'function') {
      throw new ValidationError('onBurst must be a function', { field: 'onBurst' });
    }
    if (options.weightByQty !== undefined && typeof options.weightByQty !== 'boolean') {
      throw new ValidationError('weightByQty must be a boolean', {
        field: 'weightByQty',
        value: options.weightByQty,
      });
    }
    this.onBurst = options.onBurst;
    this.keep = posInt(options.keepBursts, 1000, 'keepBursts', 0);
    this.minCancels = posInt(options.minCancels, 3, 'minCancels', 1);
    this.policy = checkPolicy(options.onInvalid);
    this.allowLocked = checkAllowLocked(options.allowLocked);
    const c = 2 * levels;
    this.ewma = new Float64Array(c);
    this.hawkes = new Float64Array(c);
    this.last = new Float64Array(c).fill(Number.NaN);
    this.ring = new Float64Array(c * w);
    this.sorted = new Float64Array(c * w);
    this.count = new Int32Array(c);
    this.pos = new Int32Array(c);
    this.burstOn = new Uint8Array(c);
    this.bStart = new Float64Array(c);
    this.bCancels = new Float64Array(c);
    this.bQty = new Float64Array(c);
    this.bPeak = new Float64Array(c);
    this.thr = new Float64Array(c);
    this.prevBook = new Float64Array(4 * levels);
  }

  private channel(side: Side, level: number): number {
    if (side !== 'buy' && side !== 'sell') {
      throw new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: side });
    }
    if (!Number.isInteger(level) || level < 0) {
      throw new ValidationError('level must be an integer >= 0', { field: 'level', value: level });
    }
    return (side === 'buy' ? 0 : this.levels) + level;
  }

  /**
   * Records a cancel.
   * @param ts - time in ms, non-decreasing across all channels
   * @param side - side of the cancelled order
   * @param level - its level (0 = best); levels beyond `levels` are ignored
   * @param qty - cancelled quantity (> 0)
   * @returns true when this cancel is inside a burst (false when skipped)
   * @throws `ValidationError` on bad input under the `'throw'` policy (nothing is recorded); a
   *   quantity whose weight would overflow the rates is bad input
   */
  onCancel(ts: number, side: Side, level: number, qty: number): boolean {
    let err: ValidationError | null = null;
    if (!(Number.isFinite(ts) && ts >= this.lastTs)) {
      err = new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    } else if (!(Number.isFinite(qty) && qty > 0)) {
      err = new ValidationError('qty must be finite and > 0', { field: 'qty', value: qty });
    } else if (side !== 'buy' && side !== 'sell') {
      err = new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: side });
    } else if (!(Number.isInteger(level) && level >= 0)) {
      err = new ValidationError('level must be an integer >= 0', { field: 'level', value: level });
    }
    const io = this.io;
    io[0] = ts;
    io[1] = qty;
    const ch = err === null ? (side === 'buy' ? 0 : this.levels) + level : 0;
    if (err === null && level < this.levels && !this.fits(ch)) {
      err = new ValidationError('the cancel rate overflows (qty too large)', {
        field: 'qty',
        value: qty,
      });
    }
    if (err !== null) {
      if (this.policy === 'throw') throw err;
      this.skipped++;
      return false;
    }
    this.lastTs = ts;
    if (level >= this.levels) return false;
    return this.record(ch);
  }

  /** Whether every cancel `onBook` would read off `book` fits (quantity-weighted rates). */
  private bookFits(book: L2Snapshot, m: number): boolean {
    if (this.bookLevels < 0) return true;
    const prev = this.prevBook;
    const io = this.io;
    for (let k = 0; k < m; k++) {
      const j = 4 * k;
      const qb = book.bidSize[k]!;
      io[1] = prev[j + 1]! - qb;
      if (qb > 0 && book.bidPrice[k] === prev[j] && qb < prev[j + 1]! && !this.fits(k))
        return false;
      const qa = book.askSize[k]!;
      io[1] = prev[j + 3]! - qa;
      if (
        qa > 0 &&
        book.askPrice[k] === prev[j + 2] &&
        qa < prev[j + 3]! &&
        !this.fits(this.levels + k)
      ) {
        return false;
      }
    }
    return true;
  }

  /** Whether channel `ch` can take the cancel in `io` without a rate overflowing. */
  private fits(ch: number): boolean {
    const wgt = this.byQty ? this.io[1]! : 1;
    return (
      this.ewma[ch]! + wgt / this.tau < Number.POSITIVE_INFINITY &&
      this.hawkes[ch]! + this.alpha * wgt < Number.POSITIVE_INFINITY
    );
  }

  /**
   * Reads cancels off consecutive L2 books, for feeds without L3 events: at each of the first
   * `levels` levels (m-th non-empty level of `L2Snapshot`) whose price is unchanged from the
   * previous accepted book, a size that decreased but stayed > 0 counts as one cancel of the
   * decrease, stamped `book.ts`. This is a proxy: an L2 book cannot tell a cancel from an
   * execution (subtract trades upstream if that matters), and a level that vanished or moved is
   * not counted. The first book only sets the reference. No number crosses a call boundary on this
   * path, so it does not allocate.
   * @param book - the book after the update (not retained; validated like every streaming
   *   calculator's input: finite, sorted, non-negative sizes, not crossed, time not going back,
   *   the same number of levels each time)
   * @returns how many cancels were recorded (0 for a skipped book)
   * @throws `ValidationError` on an invalid book under the `'throw'` policy (the reference book
   *   is kept; under `'skip'` the book is dropped and counted in `skipped`)
   */
  onBook(book: L2Snapshot): number {
    const n = this.bookLevels < 0 ? book.bidPrice.length : this.bookLevels;
    const ts = book.ts;
    let reason =
      ts >= this.lastTs && ts !== Number.POSITIVE_INFINITY
        ? checkShape(book, n, this.allowLocked)
        : R_TS;
    if (reason === null && this.byQty && !this.bookFits(book, Math.min(n, this.levels))) {
      reason = R_RATE;
    }
    if (reason !== null) {
      rejectBook(this.policy, reason, book, n, this.lastTs, this.allowLocked);
      this.skipped++;
      return 0;
    }
    this.lastTs = ts;
    const m = Math.min(n, this.levels);
    const prev = this.prevBook;
    const bp = book.bidPrice;
    const bs = book.bidSize;
    const ap = book.askPrice;
    const as = book.askSize;
    let count = 0;
    if (this.bookLevels >= 0) {
      const io = this.io;
      io[0] = ts;
      for (let k = 0; k < m; k++) {
        const j = 4 * k;
        const qb = bs[k]!;
        if (qb > 0 && bp[k] === prev[j] && qb < prev[j + 1]!) {
          io[1] = prev[j + 1]! - qb;
          this.record(k);
          count++;
        }
        const qa = as[k]!;
        if (qa > 0 && ap[k] === prev[j + 2] && qa < prev[j + 3]!) {
          io[1] = prev[j + 3]! - qa;
          this.record(this.levels + k);
          count++;
        }
      }
    }
    for (let k = 0; k < m; k++) {
      const j = 4 * k;
      prev[j] = bp[k]!;
      prev[j + 1] = bs[k]!;
      prev[j + 2] = ap[k]!;
      prev[j + 3] = as[k]!;
    }
    this.bookLevels = n;
    return count;
  }

  /**
   * Records one cancel on channel `ch` at time `io[0]` with quantity `io[1]` (already
   * validated). The numbers travel through `io` so that no double crosses this call.
   */
  private record(ch: number): boolean {
    const ts = this.io[0]!;
    const qty = this.io[1]!;
    this.accepted++;
    // decay inline (no private call with a double argument: V8 would box it)
    const lastCh = this.last[ch]!;
    if (!Number.isNaN(lastCh)) {
      const dt = ts - lastCh;
      this.ewma[ch]! *= Math.exp(-dt / this.tau);
      this.hawkes[ch]! *= Math.exp(-this.beta * dt);
    }
    this.last[ch] = ts;
    const wgt = this.byQty ? qty : 1;
    const r = this.ewma[ch]! + wgt / this.tau;
    this.ewma[ch] = r;
    this.hawkes[ch]! += this.alpha * wgt;
    // threshold from past rates only
    const n = this.count[ch]!;
    let above = false;
    if (n >= this.win) {
      this.updateThreshold(ch); // writes thr[ch]
      const thr = this.thr[ch]!;
      above = r > thr;
    }
    if (this.burstOn[ch] === 1) {
      if (above) {
        this.bCancels[ch]!++;
        this.bQty[ch]! += qty;
        if (r > this.bPeak[ch]!) this.bPeak[ch] = r;
      } else this.end(ch, ts);
    } else if (above) {
      this.burstOn[ch] = 1;
      this.bStart[ch] = ts;
      this.bCancels[ch] = 1;
      this.bQty[ch] = qty;
      this.bPeak[ch] = r;
    }
    // the baseline learns from quiet periods only, so a long burst does not raise its own bar
    if (this.burstOn[ch] === 0) this.push(ch);
    return this.burstOn[ch] === 1;
  }

  /**
   * Lets time pass: ends bursts whose decayed rate fell below their threshold by `ts`.
   * @param ts - time in ms, non-decreasing
   * @throws `ValidationError` when ts is not finite or goes back
   */
  advance(ts: number): void {
    if (!(Number.isFinite(ts) && ts >= this.lastTs)) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    this.lastTs = ts;
    for (let ch = 0; ch < this.burstOn.length; ch++) {
      if (this.burstOn[ch] === 0) continue;
      // EWMA decays as r·e^{-dt/τ}: time at which it crosses the threshold
      const r0 = this.ewma[ch]!;
      const thr = this.thr[ch]!;
      const cross = thr > 0 ? this.last[ch]! + this.tau * Math.log(r0 / thr) : ts;
      if (cross <= ts) this.end(ch, Math.max(cross, this.bStart[ch]!));
    }
  }

  /**
   * The EWMA cancel rate of a channel at `ts` (per ms).
   * @param side - the side
   * @param level - the level
   * @param ts - time in ms (default: the last event's)
   * @returns the rate
   */
  rate(side: Side, level: number, ts = this.lastTs): number {
    const ch = this.channel(side, level);
    checkQueryTs(ts);
    if (level >= this.levels || Number.isNaN(this.last[ch])) return 0;
    return this.ewma[ch]! * Math.exp(-Math.max(0, ts - this.last[ch]!) / this.tau);
  }

  /**
   * The Hawkes intensity λ(ts) = μ + excitation of a channel (per ms).
   * @param side - the side
   * @param level - the level
   * @param ts - time in ms (default: the last event's)
   * @returns the intensity
   */
  intensity(side: Side, level: number, ts = this.lastTs): number {
    const ch = this.channel(side, level);
    checkQueryTs(ts);
    if (level >= this.levels || Number.isNaN(this.last[ch])) return this.mu;
    return this.mu + this.hawkes[ch]! * Math.exp(-this.beta * Math.max(0, ts - this.last[ch]!));
  }

  /**
   * Whether a channel's threshold is warmed up: `window` past rates observed (before, no burst
   * can be flagged and {@link CancelBurstDetector.threshold} reads 0, which is not a threshold).
   * @param side - the side
   * @param level - the level
   * @returns true once the channel's window has filled
   */
  ready(side: Side, level: number): boolean {
    const ch = this.channel(side, level);
    return level < this.levels && this.count[ch]! >= this.win;
  }

  /**
   * The current burst threshold of a channel (0 until the window has filled: see
   * {@link CancelBurstDetector.ready}).
   * @param side - the side
   * @param level - the level
   * @returns the threshold per ms
   */
  threshold(side: Side, level: number): number {
    const ch = this.channel(side, level);
    return level >= this.levels ? 0 : this.thr[ch]!;
  }

  /**
   * Whether a channel is in a burst.
   * @param side - the side
   * @param level - the level
   * @returns true inside a burst
   */
  inBurst(side: Side, level: number): boolean {
    const ch = this.channel(side, level);
    return level < this.levels && this.burstOn[ch] === 1;
  }

  private end(ch: number, ts: number): void {
    this.burstOn[ch] = 0;
    if (this.bCancels[ch]! < this.minCancels) return;
    const b: CancelBurst = {
      side: ch < this.levels ? 'buy' : 'sell',
      level: ch % this.levels,
      startMs: this.bStart[ch]!,
      endMs: ts,
      cancels: this.bCancels[ch]!,
      qty: this.bQty[ch]!,
      peakRate: this.bPeak[ch]!,
    };
    if (this.keep > 0) {
      this.bursts.push(b);
      if (this.bursts.length > this.keep) this.bursts.shift();
    }
    this.onBurst?.(b);
  }

  /**
   * Adds the channel's current rate to its window (ring + sorted copy), evicting the oldest when
   * full: the oldest value and the new value's place are found by binary search, and the values
   * between them move by one place in one `copyWithin`.
   */
  private push(ch: number): void {
    const r = this.ewma[ch]!;
    const w = this.win;
    const base = ch * w;
    const s = this.sorted;
    const n = this.count[ch]!;
    const pos = this.pos[ch]!;
    if (n === w) {
      // the oldest value's index (any copy of an equal value will do: the values are the same)
      const i = lowerBound(s, base, base + w, this.ring[base + pos]!);
      // where r goes once the oldest is out
      const j = lowerBound(s, base, base + w, r);
      if (j > i) {
        // values in (i, j) move one place left; r lands just before the first value >= r
        s.copyWithin(i, i + 1, j);
        s[j - 1] = r;
      } else {
        // values in [j, i) move one place right
        s.copyWithin(j + 1, j, i);
        s[j] = r;
      }
    } else {
      const j = lowerBound(s, base, base + n, r);
      s.copyWithin(j + 1, j, base + n);
      s[j] = r;
      this.count[ch] = n + 1;
    }
    this.ring[base + pos] = r;
    this.pos[ch] = pos + 1 === w ? 0 : pos + 1;
  }

  /**
   * Writes max(median + k·1.4826·MAD of the channel's full window, minRate) into thr[ch]. The
   * absolute deviations from the median are two sorted runs (left of the median, read outwards,
   * and right of it), so their order statistics come from a binary search over the split between
   * the runs: O(log window) per cancel.
   */
  private updateThreshold(ch: number): void {
    const w = this.win;
    const base = ch * w;
    const s = this.sorted;
    const h2 = w >> 1;
    const med = (w & 1) === 1 ? s[base + h2]! : 0.5 * (s[base + h2 - 1]! + s[base + h2]!);
    const l0 = base + ((w - 1) >> 1); // the left run starts here and goes down
    const nl = ((w - 1) >> 1) + 1;
    const nr = w - nl;
    const m2 = kthDeviation(s, l0, nl, nr, med, h2);
    const mad = (w & 1) === 1 ? m2 : 0.5 * (kthDeviation(s, l0, nl, nr, med, h2 - 1) + m2);
    this.thr[ch] = Math.max(med + this.k * 1.4826 * mad, this.min);
  }
}

/** The first index in [lo, hi) of ascending `s` whose value is >= x (hi when none). */
function lowerBound(s: Float64Array, lo: number, hi: number, x: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (s[mid]! < x) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * The c-th smallest (0-based) of the absolute deviations from `med` of a sorted window split at
 * `l0`: the left run med − s[l0 − i] (i < nl) and the right run s[l0 + 1 + j] − med (j < nr), both
 * ascending. Binary search over how many of the c + 1 smallest come from the left run.
 */
function kthDeviation(
  s: Float64Array,
  l0: number,
  nl: number,
  nr: number,
  med: number,
  c: number,
): number {
  let lo = Math.max(0, c + 1 - nr);
  let hi = Math.min(c + 1, nl);
  while (lo < hi) {
    const i = (lo + hi) >>> 1; // take i from the left run, c + 1 − i from the right
    // left[i] < right[c − i]: the (i+1)-th left deviation belongs among the c + 1 smallest
    if (med - s[l0 - i]! < s[l0 + 1 + c - i]! - med) lo = i + 1;
    else hi = i;
  }
  const j = c + 1 - lo;
  const a = lo > 0 ? med - s[l0 - lo + 1]! : Number.NEGATIVE_INFINITY;
  const b = j > 0 ? s[l0 + j]! - med : Number.NEGATIVE_INFINITY;
  return Math.max(a, b);
}
