/**
 * Depth imbalance and liquidity ratios of an L2 book.
 *
 * **Depth imbalance** over the first k levels (m-th non-empty level convention of
 * `L2Snapshot`), with level weights w_j (default 1; or w_j = exp(−decay·j), j = 0 at the best):
 * ρ = (Σ w_j qb_j − Σ w_j qa_j) / (Σ w_j qb_j + Σ w_j qa_j), in [−1, 1]; the top-of-book
 * imbalance is k = 1 (the volume imbalance of Cartea, Jaimungal & Penalva, "Algorithmic and
 * High-Frequency Trading", 2015; Cao, Hansch & Wang 2009 for depth beyond the best). Empty levels count 0; an empty side gives
 * ±1; an empty book gives 0. With `decayPerTick` λ each level's weight is also multiplied by
 * exp(−λ·d), d its distance in ticks from the best price of its own side.
 *
 * **Liquidity ratio**: the depth within a band of ±`bandTicks`·tick around the mid, divided by the
 * quoted spread (in price), and the variant per tick of spread (depth / (spread / tick)). It needs
 * a two-sided book; a one-sided book gives 0 with `twoSided` false.
 *
 * @module
 */
import {
  askSideValid,
  bidSideValid,
  L2_MAX_BOOK_SIZE,
  type L2Rows,
  type L2Snapshot,
  ValidationError,
} from '@x/core';
import { imbalanceRowsWasm } from './internal/batch-wasm.js';
import {
  checkAllowLocked,
  checkBook,
  checkPolicy,
  checkShape,
  type InvalidPolicy,
  R_SIZE,
  R_TS,
  throwBookError,
} from './internal/book.js';
import { checkRows } from './ofi-batch.js';

/** Reason code: the weighted depth of the book overflows. */
const R_WEIGHTED = 'the weighted depth overflows';
/** Reason code: the liquidity ratio (band depth / spread) overflows. */
const R_RATIO = 'the liquidity ratio (band depth / spread) overflows';

/** Options of the imbalance functions and {@link BookFeatures}. */
export interface ImbalanceOptions {
  /** k, levels in the multi-level imbalance (default 5). */
  readonly levels?: number;
  /** Explicit weights of levels 0..k−1 (finite, >= 0). Overrides `decay`. */
  readonly weights?: ArrayLike<number>;
  /** Exponential decay per level: w_j = exp(−decay·j) (default 0: equal weights). */
  readonly decay?: number;
  /**
   * Exponential decay by price distance, per tick: each level's weight is further multiplied by
   * exp(−decayPerTick·d), d = the level's distance in ticks from the best price of its own side
   * (default 0: none). Needs `tickSize`.
   */
  readonly decayPerTick?: number;
  /** Tick size, required with `decayPerTick`. */
  readonly tickSize?: number;
}

/** [decayPerTick, tickSize] for the kernels (a typed array: no number crosses a call). */
function resolveDistanceDecay(o: ImbalanceOptions): Float64Array {
  const lam = o.decayPerTick ?? 0;
  if (!(Number.isFinite(lam) && lam >= 0)) {
    throw new ValidationError('decayPerTick must be finite and >= 0', {
      field: 'decayPerTick',
      value: lam,
    });
  }
  const tick = o.tickSize ?? Number.NaN;
  if (lam > 0 && !(Number.isFinite(tick) && tick > 0)) {
    throw new ValidationError('decayPerTick needs a finite tickSize > 0', {
      field: 'tickSize',
      value: o.tickSize,
    });
  }
  return new Float64Array([lam, lam > 0 ? tick : 1]);
}

/**
 * Weighted depth of both sides of the book at row offset `off` into `out[0]` (bid), `out[1]`
 * (ask): Σ w_j·q_j, times exp(−λ·d_j) when λ = decay[0] > 0 (d_j in ticks from the side's best).
 * @internal
 */
function weightedDepths(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  off: number,
  n: number,
  w: Float64Array,
  decay: Float64Array,
  out: Float64Array,
): void {
  const k = Math.min(n, w.length);
  const lam = decay[0]!;
  let vb = 0;
  let va = 0;
  if (lam > 0) {
    const perPrice = lam / decay[1]!;
    const bb = bp[off]!;
    const ba = ap[off]!;
    for (let j = 0; j < k; j++) {
      const qb = bs[off + j]!;
      const qa = as[off + j]!;
      if (qb > 0) vb += w[j]! * qb * Math.exp(-perPrice * (bb - bp[off + j]!));
      if (qa > 0) va += w[j]! * qa * Math.exp(-perPrice * (ap[off + j]! - ba));
    }
  } else {
    for (let j = 0; j < k; j++) {
      vb += w[j]! * bs[off + j]!;
      va += w[j]! * as[off + j]!;
    }
  }
  out[0] = vb;
  out[1] = va;
}

function resolveWeights(o: ImbalanceOptions): Float64Array {
  const k = o.levels ?? o.weights?.length ?? 5;
  if (!Number.isInteger(k) || k < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: k });
  }
  const w = new Float64Array(k);
  if (o.weights !== undefined) {
    if (o.weights.length < k) {
      throw new ValidationError(`weights must have ${k} elements`, {
        field: 'weights',
        value: o.weights.length,
      });
    }
    for (let j = 0; j < k; j++) {
      const v = o.weights[j]!;
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new ValidationError(`weights[${j}] must be finite and >= 0`, {
          field: `weights[${j}]`,
          value: v,
        });
      }
      w[j] = v;
    }
  } else {
    const d = o.decay ?? 0;
    if (!(Number.isFinite(d) && d >= 0)) {
      throw new ValidationError('decay must be finite and >= 0', { field: 'decay', value: d });
    }
    for (let j = 0; j < k; j++) w[j] = Math.exp(-d * j);
  }
  return w;
}

/**
 * Weighted depth imbalance of one book over its first k levels (see the module notes).
 * @param book - the book (validated)
 * @param options - levels, weights or decay
 * @returns ρ in [−1, 1]
 * @throws `ValidationError` on an invalid book or bad options
 *
 * @example
 * ```ts
 * const book = createL2Snapshot(2); // bids 30 @ 100, 10 @ 99.99; asks 10 @ 100.01, 50 @ 100.02
 * book.bidPrice.set([100, 99.99]); book.bidSize.set([30, 10]);
 * book.askPrice.set([100.01, 100.02]); book.askSize.set([10, 50]);
 * depthImbalance(book, { levels: 1 }); // 0.5: top of book, (30 − 10) / 40
 * depthImbalance(book, { levels: 2 }); // -0.2: (40 − 60) / 100
 * depthImbalance(book, { levels: 2, decay: 0.5 }); // ≈ -0.056: exponentially decaying weights
 * ```
 */
export function depthImbalance(book: L2Snapshot, options: ImbalanceOptions = {}): number {
  const w = resolveWeights(options);
  const decay = resolveDistanceDecay(options);
  const n = book.bidPrice.length;
  const reason = checkBook(book, n, Number.NEGATIVE_INFINITY, true);
  if (reason !== null) throwBookError(reason, book, n, Number.NEGATIVE_INFINITY, true);
  const v = new Float64Array(2);
  weightedDepths(book.bidPrice, book.bidSize, book.askPrice, book.askSize, 0, n, w, decay, v);
  const sum = v[0]! + v[1]!;
  return sum > 0 ? (v[0]! - v[1]!) / sum : 0;
}

/**
 * Depth imbalance of every row of a batch (the same numbers as {@link BookFeatures} on each
 * row). Without `decayPerTick` only sizes are read, and every size is checked (finite, >= 0):
 * an invalid row throws (`ValidationError` with `details.row` and `details.level`). With
 * `decayPerTick` prices are read too and each row is checked as a whole book (not for crossing).
 * Without `decayPerTick` it runs on a WebAssembly SIMD kernel where the runtime has one (bit for
 * bit the same numbers and errors as the JavaScript kernel, which runs otherwise).
 * @param rows - the books
 * @param options - levels, weights or decay
 * @returns ρ per row
 * @throws `ValidationError` on a bad shape, options or row (without `decayPerTick`: the first
 *   size that is not finite and >= 0, with `details.row` and `details.level`; or a row whose
 *   weighted depth overflows to ∞)
 */
export function depthImbalanceBatch(rows: L2Rows, options: ImbalanceOptions = {}): Float64Array {
  const w = resolveWeights(options);
  const decay = resolveDistanceDecay(options);
  checkRows(rows);
  const { rows: r, levels: n, bidSize: bs, askSize: as } = rows;
  const out = new Float64Array(r);
  if (decay[0]! > 0) {
    // distance weights read prices: every row is validated as a whole book
    const { bidPrice: bp, askPrice: ap } = rows;
    const v = new Float64Array(2);
    for (let i = 0; i < r; i++) {
      const off = i * n;
      if (!bidSideValid(bp, bs, off, n) || !askSideValid(ap, as, off, n)) {
        throw new ValidationError(`row ${i}: invalid L2 book`, {
          field: 'book',
          details: { row: i },
        });
      }
      checkRowTotal(bs, as, i, n);
      weightedDepths(bp, bs, ap, as, off, n, w, decay, v);
      out[i] = rowImbalance(v[0]!, v[1]!, i);
    }
    return out;
  }
  const k = Math.min(n, w.length);
  // the WebAssembly SIMD kernel when it runs here (bit-identical results, the same errors)
  if (imbalanceRowsWasm(bs, as, r, n, w, k, out, (i) => sizeRowImbalance(bs, as, i, n, w, k))) {
    return out;
  }
  const INF = Number.POSITIVE_INFINITY;
  const abs = Math.abs;
  const lim = L2_MAX_BOOK_SIZE / n;
  // with every weight > 0 the size bound follows from the weighted sums: Σ_j<k q_j ≤ s / wMin
  let wMin = Number.POSITIVE_INFINITY;
  for (let j = 0; j < k; j++) wMin = Math.min(wMin, w[j]!);
  const perLevel = !(wMin > 0);
  // Four rows per step: each row's sums are still accumulated level by level in order (the same
  // floating-point result as BookFeatures), but four independent chains of additions keep the
  // CPU busy where one row's chain would stall on add latency and the inner loop's exit branch.
  // Validation in the same pass without a branch per size (the |q| − q sum below), caught once
  // per block. A block that fails is rescanned row by row for the exact error.
  let i = 0;
  for (; i + 3 < r; i += 4) {
    const q0 = i * n;
    const q1 = q0 + n;
    const q2 = q1 + n;
    const q3 = q2 + n;
    let b0 = 0;
    let a0 = 0;
    let b1 = 0;
    let a1 = 0;
    let b2 = 0;
    let a2 = 0;
    let b3 = 0;
    let a3 = 0;
    let ok = true;
    // |q| − q is exactly 0 for a finite q >= 0 (−0 included), > 0 for a negative q, NaN for NaN
    // or +∞: so the sum is 0 exactly when every size is finite and >= 0 (no branch per size)
    let chk = 0;
    for (let j = 0; j < k; j++) {
      const wj = w[j]!;
      const x0 = bs[q0 + j]!;
      const y0 = as[q0 + j]!;
      const x1 = bs[q1 + j]!;
      const y1 = as[q1 + j]!;
      const x2 = bs[q2 + j]!;
      const y2 = as[q2 + j]!;
      const x3 = bs[q3 + j]!;
      const y3 = as[q3 + j]!;
      b0 += wj * x0;
      a0 += wj * y0;
      b1 += wj * x1;
      a1 += wj * y1;
      b2 += wj * x2;
      a2 += wj * y2;
      b3 += wj * x3;
      a3 += wj * y3;
      chk += abs(x0) - x0 + (abs(y0) - y0) + (abs(x1) - x1) + (abs(y1) - y1);
      chk += abs(x2) - x2 + (abs(y2) - y2) + (abs(x3) - x3) + (abs(y3) - y3);
      // (zero weights only) each row's total then stays within L2_MAX_BOOK_SIZE
      if (perLevel && !(x0 + y0 + x1 + y1 + x2 + y2 + x3 + y3 <= lim)) ok = false;
    }
    let tail = 0;
    // levels beyond k: checked only (every size of the row is validated)
    for (let j = k; j < n; j++) {
      const x0 = bs[q0 + j]!;
      const y0 = as[q0 + j]!;
      const x1 = bs[q1 + j]!;
      const y1 = as[q1 + j]!;
      const x2 = bs[q2 + j]!;
      const y2 = as[q2 + j]!;
      const x3 = bs[q3 + j]!;
      const y3 = as[q3 + j]!;
      chk += abs(x0) - x0 + (abs(y0) - y0) + (abs(x1) - x1) + (abs(y1) - y1);
      chk += abs(x2) - x2 + (abs(y2) - y2) + (abs(x3) - x3) + (abs(y3) - y3);
      const t8 = x0 + y0 + x1 + y1 + x2 + y2 + x3 + y3;
      // (zero weights only) each row's total then stays within L2_MAX_BOOK_SIZE
      if (perLevel && !(t8 <= lim)) ok = false;
      tail += t8;
    }
    const s0 = b0 + a0;
    const s1 = b1 + a1;
    const s2 = b2 + a2;
    const s3 = b3 + a3;
    // every row's total within L2_MAX_BOOK_SIZE (conservative: the four rows together)
    if (!perLevel && !((s0 + s1 + s2 + s3) / wMin + tail <= L2_MAX_BOOK_SIZE)) ok = false;
    if (!ok || chk !== 0 || !(s0 < INF && s1 < INF && s2 < INF && s3 < INF)) {
      // a conservative test failed: the exact rule, row by row (throws on an invalid row)
      for (let ii = i; ii < i + 4; ii++) out[ii] = sizeRowImbalance(bs, as, ii, n, w, k);
      continue;
    }
    out[i] = s0 > 0 ? (b0 - a0) / s0 : 0;
    out[i + 1] = s1 > 0 ? (b1 - a1) / s1 : 0;
    out[i + 2] = s2 > 0 ? (b2 - a2) / s2 : 0;
    out[i + 3] = s3 > 0 ? (b3 - a3) / s3 : 0;
  }
  for (; i < r; i++) out[i] = sizeRowImbalance(bs, as, i, n, w, k);
  return out;
}

/** One row of the sizes-only batch, with the exact checks. */
function sizeRowImbalance(
  bs: Float64Array,
  as: Float64Array,
  i: number,
  n: number,
  w: Float64Array,
  k: number,
): number {
  checkSizeRow(bs, as, i, n);
  checkRowTotal(bs, as, i, n);
  const off = i * n;
  let vb = 0;
  let va = 0;
  for (let j = 0; j < k; j++) {
    vb += w[j]! * bs[off + j]!;
    va += w[j]! * as[off + j]!;
  }
  return rowImbalance(vb, va, i);
}

/** (vb − va) / (vb + va), 0 for an empty book; a `ValidationError` when the sums overflow. */
function rowImbalance(vb: number, va: number, i: number): number {
  const sum = vb + va;
  if (!(sum < Number.POSITIVE_INFINITY)) {
    throw new ValidationError(`row ${i}: the weighted depth overflows`, {
      field: 'size',
      details: { row: i },
    });
  }
  return sum > 0 ? (vb - va) / sum : 0;
}

/** The book rule's size bound on row `i`: total size at most {@link L2_MAX_BOOK_SIZE}. */
function checkRowTotal(bs: Float64Array, as: Float64Array, i: number, n: number): void {
  const off = i * n;
  let t = 0;
  for (let j = 0; j < n; j++) t += bs[off + j]! + as[off + j]!;
  if (!(t <= L2_MAX_BOOK_SIZE)) {
    throw new ValidationError(`row ${i}: ${R_SIZE}`, { field: 'size', details: { row: i } });
  }
}

/**
 * Throws the `ValidationError` of the first size of row `i` that is not finite and >= 0.
 * @internal
 */
function checkSizeRow(bs: Float64Array, as: Float64Array, i: number, n: number): void {
  const off = i * n;
  const INF = Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const b = bs[off + j]!;
    const a = as[off + j]!;
    if (!(b >= 0 && a >= 0 && b < INF && a < INF)) {
      throw new ValidationError(`row ${i}: sizes must be finite and >= 0`, {
        field: 'size',
        value: b >= 0 && b < INF ? a : b,
        details: { row: i, level: j },
      });
    }
  }
}

/** Options of {@link BookFeatures}. */
export interface BookFeaturesOptions extends ImbalanceOptions {
  /** Tick size (required for the liquidity ratio per tick and the band). */
  readonly tickSize: number;
  /** Half-width of the liquidity band around the mid, in ticks (default 5). */
  readonly bandTicks?: number;
  /** `'throw'` (default) or `'skip'` on an invalid book. */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book. False by default. */
  readonly allowLocked?: boolean;
}

/**
 * Streaming per-book features: top-of-book and weighted k-level depth imbalance, spread, mid,
 * depth within the band and the liquidity ratios (see the module notes). O(levels), no
 * allocation. One-sided books are accepted: spread, mid and liquidity ratios are then 0 and
 * `twoSided` is false.
 *
 * @example
 * ```ts
 * const book = createL2Snapshot(2); // bids 30 @ 100, 10 @ 99.99; asks 10 @ 100.01, 50 @ 100.02
 * book.bidPrice.set([100, 99.99]); book.bidSize.set([30, 10]);
 * book.askPrice.set([100.01, 100.02]); book.askSize.set([10, 50]);
 * const f = new BookFeatures({ tickSize: 0.01, levels: 2, decay: 0.3, bandTicks: 5 });
 * f.update(book);
 * f.imbalanceTop; // 0.5
 * f.imbalance; // ≈ -0.114
 * f.depthPerSpreadTick; // 100: all 100 lots are within 5 ticks, spread 1 tick
 * f.liquidityRatio; // ≈ 10 000: the same depth per unit of price spread
 * ```
 */
export class BookFeatures {
  /** Top-of-book imbalance (k = 1, unweighted). */
  imbalanceTop = 0;
  /** Weighted k-level imbalance. */
  imbalance = 0;
  /** Ask − bid in price (0 when one-sided). */
  spread = 0;
  /** Mid price (0 when one-sided). */
  mid = 0;
  /** Depth of both sides with |price − mid| ≤ bandTicks·tick. */
  bandDepth = 0;
  /** bandDepth / spread. */
  liquidityRatio = 0;
  /** bandDepth / (spread in ticks). */
  depthPerSpreadTick = 0;
  /** Whether the last accepted book had both sides. */
  twoSided = false;
  /** Accepted books. */
  accepted = 0;
  /** Skipped books. */
  skipped = 0;
  /** Time of the last accepted book. */
  lastTs = Number.NEGATIVE_INFINITY;
  /** Reason of the last skipped book, or `null`. */
  lastSkipReason: string | null = null;
  private readonly weights: Float64Array;
  private readonly distanceDecay: Float64Array;
  private readonly v = new Float64Array(2);
  private readonly tick: number;
  private readonly band: number;
  private readonly policy: InvalidPolicy;
  private readonly locked: boolean;
  private bookLevels = -1;

  /**
   * @param options - tick size, imbalance levels and weights, band, policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: BookFeaturesOptions) {
    this.weights = resolveWeights(options);
    this.distanceDecay = resolveDistanceDecay(options);
    if (!(Number.isFinite(options.tickSize) && options.tickSize > 0)) {
      throw new ValidationError('tickSize must be finite and > 0', {
        field: 'tickSize',
        value: options.tickSize,
      });
    }
    const band = options.bandTicks ?? 5;
    if (!(Number.isFinite(band) && band >= 0)) {
      throw new ValidationError('bandTicks must be finite and >= 0', {
        field: 'bandTicks',
        value: band,
      });
    }
    this.tick = options.tickSize;
    this.band = band * options.tickSize;
    if (!Number.isFinite(this.band)) {
      throw new ValidationError('bandTicks × tickSize must be finite', {
        field: 'bandTicks',
        value: band,
      });
    }
    this.policy = checkPolicy(options.onInvalid);
    this.locked = checkAllowLocked(options.allowLocked);
  }

  /** Whether a book has been accepted (before, every feature reads 0 and means nothing). */
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
    const n = this.bookLevels < 0 ? book.bidPrice.length : this.bookLevels;
    let reason =
      book.ts >= this.lastTs && book.ts !== Number.POSITIVE_INFINITY
        ? checkShape(book, n, this.locked)
        : R_TS;
    const bs = book.bidSize;
    const as = book.askSize;
    const bp = book.bidPrice;
    const ap = book.askPrice;
    const v = this.v;
    const twoSided = reason === null && bs[0]! > 0 && as[0]! > 0;
    let d = 0;
    let spread = 0;
    if (reason === null) {
      // weighted depths through a typed scratch (no double-returning call to box)
      weightedDepths(bp, bs, ap, as, 0, n, this.weights, this.distanceDecay, v);
      if (!(v[0]! + v[1]! < Number.POSITIVE_INFINITY)) reason = R_WEIGHTED;
      else if (twoSided) {
        spread = ap[0]! - bp[0]!;
        d = this.bandDepthOf(book, n);
        if (!(d / spread < Number.POSITIVE_INFINITY)) reason = R_RATIO;
      }
    }
    if (reason !== null) {
      if (this.policy === 'throw') {
        if (reason === R_WEIGHTED || reason === R_RATIO) {
          throw new ValidationError(reason, { field: 'book' });
        }
        throwBookError(reason, book, n, this.lastTs, this.locked);
      }
      this.skipped++;
      this.lastSkipReason = reason;
      return false;
    }
    this.bookLevels = n;
    this.lastTs = book.ts;
    this.accepted++;
    const vb = v[0]!;
    const va = v[1]!;
    const top = bs[0]! + as[0]!;
    this.imbalanceTop = top > 0 ? (bs[0]! - as[0]!) / top : 0;
    this.imbalance = vb + va > 0 ? (vb - va) / (vb + va) : 0;
    this.twoSided = twoSided;
    this.spread = spread;
    this.mid = twoSided ? 0.5 * ap[0]! + 0.5 * bp[0]! : 0;
    this.bandDepth = d;
    this.liquidityRatio = twoSided && spread > 0 ? d / spread : 0;
    const ticks = Math.round(spread / this.tick);
    this.depthPerSpreadTick = ticks > 0 ? d / ticks : 0;
    return true;
  }

  /** Depth of both sides with |price − mid| ≤ band (a relative epsilon absorbs rounding). */
  private bandDepthOf(book: L2Snapshot, n: number): number {
    const bp = book.bidPrice;
    const ap = book.askPrice;
    const bs = book.bidSize;
    const as = book.askSize;
    const mid = 0.5 * ap[0]! + 0.5 * bp[0]!;
    const lo = mid - this.band - 1e-9 * mid;
    const hi = mid + this.band + 1e-9 * mid;
    let d = 0;
    for (let j = 0; j < n && bs[j]! > 0 && bp[j]! >= lo; j++) d += bs[j]!;
    for (let j = 0; j < n && as[j]! > 0 && ap[j]! <= hi; j++) d += as[j]!;
    return d;
  }
}
