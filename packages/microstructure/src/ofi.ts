/**
 * Order flow imbalance: the best-level OFI of Cont, Kukanov and Stoikov (2014) and the multi-level
 * OFI of Xu, Gould and Howison (2019), streamed one book at a time. The batch form over flat arrays
 * is `multiLevelOfiBatch` (same kernel, same numbers) and tumbling event/time windows are
 * `OfiWindow`.
 *
 * **Per-update contribution** (Cont, Kukanov & Stoikov 2014, Sec. 2, the definition of e_n),
 * applied per level m by Xu, Gould & Howison (2019, Sec. 2):
 *
 * e_n = 1{Pb_n ≥ Pb_n−1}·qb_n − 1{Pb_n ≤ Pb_n−1}·qb_n−1 − 1{Pa_n ≤ Pa_n−1}·qa_n + 1{Pa_n ≥ Pa_n−1}·qa_n−1
 *
 * The inequalities are not strict, and a falling bid (rising ask) subtracts (adds) the *previous*
 * size. Positive OFI is buying pressure.
 *
 * **Levels.** Two conventions:
 * - `'depth'` (default): level m is the m-th *non-empty* price level, the layout of
 *   `L2Snapshot`. Needs no tick size. A missing level (size 0) has price −∞ on the bid and
 *   +∞ on the ask, so a level appearing counts its whole size and a level vanishing counts its
 *   whole previous size.
 * - `'tick'`: the paper's convention, level m is the price m ticks away from the best quote
 *   (best bid − m·tick, best ask + m·tick), whose size is 0 when no order rests there. The
 *   per-level price comparison then equals the comparison of the best quotes. Prices further than
 *   the deepest level the snapshot carries are unknown and count as size 0. A price off the tick
 *   grid makes the update invalid.
 *
 * **Empty side.** An empty bid side has best price −∞ (ask +∞) and every size 0.
 *
 * **First update.** The first accepted book has no predecessor; its contribution is 0 at every
 * level.
 *
 * **Invalid updates** (wrong number of levels, NaN/∞, negative size, unsorted levels, a crossed
 * or, unless `allowLocked`, locked book, a total size above 1e300, a timestamp before the
 * previous accepted one, or an off-grid price in tick mode: the package's one book rule): with `onInvalid: 'throw'` (default) a `ValidationError` is
 * thrown; with `'skip'` the update is dropped (`skipped` incremented, `update` returns false).
 * Either way the previous book is kept (the next valid update is compared with it), `last` reads
 * zeros, and no NaN reaches an output.
 *
 * @module
 */
import {
  assertFinite,
  assertNonNegative,
  L2_MAX_BOOK_SIZE,
  type L2Snapshot,
  l2AskStep,
  l2BidStep,
  l2TopCheck,
  ValidationError,
} from '@x/core';
import {
  checkBook,
  type InvalidPolicy,
  R_BOOK,
  R_LEVELS,
  R_OFFGRID,
  R_TS,
  throwBookError,
} from './internal/book.js';
import {
  gridSide,
  ofiSerial,
  type Resolved,
  resolveOfiOptions,
  tickKernel,
} from './internal/ofi-kernels.js';
/** Level convention of the multi-level OFI (see the module notes). */
export type OfiLevelMode = 'depth' | 'tick';

/**
 * The best-level OFI contribution e_n of one book update (Cont, Kukanov & Stoikov 2014, Sec. 2).
 * Pass size 0 for an empty side (its price is then ignored).
 *
 * @param prevBidPrice - best bid price before the update
 * @param prevBidSize - best bid size before the update
 * @param prevAskPrice - best ask price before the update
 * @param prevAskSize - best ask size before the update
 * @param bidPrice - best bid price after the update
 * @param bidSize - best bid size after the update
 * @param askPrice - best ask price after the update
 * @param askSize - best ask size after the update
 * @returns e_n, positive for buying pressure
 * @throws `ValidationError` when a value is not finite, a size is negative, or e_n overflows
 *
 * @example
 * ```ts
 * ofiContribution(100, 5, 101, 4, 100, 7, 101, 4); // 2: the bid queue grew by 2
 * ofiContribution(100, 5, 101, 4, 99, 3, 101, 4); // -5: the bid level was depleted
 * ```
 */
export function ofiContribution(
  prevBidPrice: number,
  prevBidSize: number,
  prevAskPrice: number,
  prevAskSize: number,
  bidPrice: number,
  bidSize: number,
  askPrice: number,
  askSize: number,
): number {
  assertFinite(prevBidPrice, 'prevBidPrice');
  assertNonNegative(prevBidSize, 'prevBidSize');
  assertFinite(prevAskPrice, 'prevAskPrice');
  assertNonNegative(prevAskSize, 'prevAskSize');
  assertFinite(bidPrice, 'bidPrice');
  assertNonNegative(bidSize, 'bidSize');
  assertFinite(askPrice, 'askPrice');
  assertNonNegative(askSize, 'askSize');
  const b0 = prevBidSize > 0 ? prevBidPrice : Number.NEGATIVE_INFINITY;
  const b1 = bidSize > 0 ? bidPrice : Number.NEGATIVE_INFINITY;
  const a0 = prevAskSize > 0 ? prevAskPrice : Number.POSITIVE_INFINITY;
  const a1 = askSize > 0 ? askPrice : Number.POSITIVE_INFINITY;
  let e = 0;
  if (b1 >= b0) e += bidSize;
  if (b1 <= b0) e -= prevBidSize;
  if (a1 <= a0) e -= askSize;
  if (a1 >= a0) e += prevAskSize;
  if (!Number.isFinite(e)) {
    throw new ValidationError('the OFI contribution overflows (sizes too large)', {
      field: 'bidSize',
    });
  }
  return e;
}

/** Options of {@link MultiLevelOfi} and {@link multiLevelOfiBatch}. */
export interface MultiLevelOfiOptions {
  /** M, the number of OFI levels (default 10). In depth mode the book must carry at least M levels. */
  readonly levels?: number;
  /** Level convention, `'depth'` (m-th non-empty level, default) or `'tick'` (the paper's). */
  readonly levelMode?: OfiLevelMode;
  /** Tick size, required (and only used) in tick mode. */
  readonly tickSize?: number;
  /** `'throw'` (default) or `'skip'` on an invalid update (see the module notes). */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book (best bid = best ask). False by default. */
  readonly allowLocked?: boolean;
}

/**
 * Streaming multi-level OFI (Xu, Gould & Howison 2019; level 1 is the OFI of Cont, Kukanov &
 * Stoikov 2014). Each {@link MultiLevelOfi.update} costs O(levels) and allocates nothing; the
 * per-level contributions of the last accepted update are in {@link MultiLevelOfi.last}.
 * Conventions (levels, empty sides, first update, invalid input) are in the module notes.
 *
 * @example
 * ```ts
 * import { OrderFlowGenerator, cst2010Rates } from '@x/sim';
 *
 * const gen = new OrderFlowGenerator({ seed: 1, rates: cst2010Rates(10) });
 * const books = gen.l2Snapshots(10, { count: 100 });
 * const ofi = new MultiLevelOfi({ levels: 10 });
 * for (const book of books) {
 *   ofi.update(book);
 *   console.log(ofi.last[0], ofi.last[1]); // e_n at the best and the second level
 * }
 * ```
 */
export class MultiLevelOfi {
  static {
    ofiSerial.of = (o) => o.serial;
  }
  /** M, the number of OFI levels. */
  readonly levels: number;
  /** The level convention in use. */
  readonly levelMode: OfiLevelMode;
  /**
   * e_n per level of the last update: zeros for the first accepted update and after a rejected
   * (thrown) or skipped one, like the rows of {@link multiLevelOfiBatch}.
   */
  readonly last: Float64Array;
  /** Mean size over the first M bid and M ask levels of the last accepted book (the depth used to normalise OFI). */
  lastDepth = 0;
  /** Accepted updates. */
  accepted = 0;
  /** Updates dropped by the `'skip'` policy. */
  skipped = 0;
  /** Reason of the last skipped update, or `null`. */
  lastSkipReason: string | null = null;
  /** Timestamp of the last accepted update. */
  lastTs = Number.NEGATIVE_INFINITY;

  private readonly o: Resolved;
  private serial = 0;
  private n = -1;
  // depth mode: previous and spare current levels, interleaved per level as
  // [bid price (−∞ when empty), bid size, ask price (+∞ when empty), ask size]
  private prev: Float64Array;
  private next: Float64Array;
  // tick mode grids: previous and current, bid and ask
  private gb0: Float64Array;
  private ga0: Float64Array;
  private gb1: Float64Array;
  private ga1: Float64Array;
  private b0 = Number.NEGATIVE_INFINITY;
  private a0 = Number.POSITIVE_INFINITY;
  private fast = false;

  /**
   * @param options - levels, level convention, tick size, invalid-input policy
   * @throws `ValidationError` on a bad option
   */
  constructor(options: MultiLevelOfiOptions = {}) {
    this.o = resolveOfiOptions(options);
    this.levels = this.o.m;
    this.levelMode = this.o.tick ? 'tick' : 'depth';
    this.last = new Float64Array(this.o.m);
    this.prev = new Float64Array(this.o.tick ? 0 : 4 * this.o.m);
    this.next = new Float64Array(this.o.tick ? 0 : 4 * this.o.m);
    const g = this.o.tick ? this.o.m : 0;
    this.gb0 = new Float64Array(g);
    this.ga0 = new Float64Array(g);
    this.gb1 = new Float64Array(g);
    this.ga1 = new Float64Array(g);
  }

  /**
   * Consumes one book update.
   * @param book - the book after the update (not retained; its arrays may be reused)
   * @returns true when accepted, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on an invalid update under the `'throw'` policy
   */
  update(book: L2Snapshot): boolean {
    // hot path first, in a small method the JIT can inline
    if (this.fast) return this.depthUpdate(book, this.n);
    return this.slowUpdate(book);
  }

  private slowUpdate(book: L2Snapshot): boolean {
    const o = this.o;
    if (this.n < 0) {
      const n = book.bidPrice.length;
      if (n < 1 || (!o.tick && n < o.m)) {
        return this.reject(R_LEVELS, book, Math.max(n, o.tick ? 1 : o.m));
      }
      const reason = checkBook(book, n, this.lastTs, o.allowLocked);
      if (reason !== null) return this.reject(reason, book, n);
      if (o.tick) {
        if (!this.grid(book, this.gb0, this.ga0)) return this.reject(R_OFFGRID, book, n);
        this.b0 = book.bidSize[0]! > 0 ? book.bidPrice[0]! : Number.NEGATIVE_INFINITY;
        this.a0 = book.askSize[0]! > 0 ? book.askPrice[0]! : Number.POSITIVE_INFINITY;
        let d = 0;
        for (let k = 0; k < o.m; k++) d += this.gb0[k]! + this.ga0[k]!;
        this.lastDepth = d / (2 * o.m);
      } else {
        let d = 0;
        for (let k = 0; k < o.m; k++) d += book.bidSize[k]! + book.askSize[k]!;
        this.lastDepth = d / (2 * o.m);
      }
      this.n = n;
      this.fast = !o.tick;
      // previous levels, encoded for depthUpdate: empty bid level −∞, empty ask level +∞
      if (!o.tick) {
        const p = this.prev;
        for (let k = 0; k < o.m; k++) {
          const qb = book.bidSize[k]!;
          const qa = book.askSize[k]!;
          p[4 * k] = qb > 0 ? book.bidPrice[k]! : Number.NEGATIVE_INFINITY;
          p[4 * k + 1] = qb;
          p[4 * k + 2] = qa > 0 ? book.askPrice[k]! : Number.POSITIVE_INFINITY;
          p[4 * k + 3] = qa;
        }
      }
      this.last.fill(0);
      this.accepted++;
      this.serial++;
      this.lastTs = book.ts;
      return true;
    }
    const n = this.n;
    if (!o.tick) return this.depthUpdate(book, n);
    const reason = checkBook(book, n, this.lastTs, o.allowLocked);
    if (reason !== null) return this.reject(reason, book, n);
    {
      if (!this.grid(book, this.gb1, this.ga1)) return this.reject(R_OFFGRID, book, n);
      const b1 = book.bidSize[0]! > 0 ? book.bidPrice[0]! : Number.NEGATIVE_INFINITY;
      const a1 = book.askSize[0]! > 0 ? book.askPrice[0]! : Number.POSITIVE_INFINITY;
      this.lastDepth = tickKernel(
        this.b0,
        this.a0,
        this.gb0,
        this.ga0,
        b1,
        a1,
        this.gb1,
        this.ga1,
        o.m,
        this.last,
        0,
      );
      this.b0 = b1;
      this.a0 = a1;
      const gb = this.gb0;
      this.gb0 = this.gb1;
      this.gb1 = gb;
      const ga = this.ga0;
      this.ga0 = this.ga1;
      this.ga1 = ga;
    }
    this.accepted++;
    this.serial++;
    this.lastTs = book.ts;
    return true;
  }

  /**
   * The depth-mode hot path: core's book rule fused with the kernel of the first M levels in one
   * pass (core's per-level steps `l2BidStep` / `l2AskStep`, the total bound `L2_MAX_BOOK_SIZE` and
   * `l2TopCheck`: the rule written once, inlined here), everything in locals (no double
   * crossing a call boundary). The previous levels are kept *encoded* (price −∞ on an empty bid
   * level, +∞ on an empty ask level), so the previous side costs two loads per level and no test.
   * The current levels are written to the spare buffer, swapped in only when the whole book is
   * valid, so a rejected update leaves the previous book untouched.
   */
  private depthUpdate(book: L2Snapshot, n: number): boolean {
    const ts = book.ts;
    const bp = book.bidPrice;
    const bs = book.bidSize;
    const ap = book.askPrice;
    const as = book.askSize;
    if (
      !(ts >= this.lastTs) ||
      ts === Number.POSITIVE_INFINITY ||
      bp.length !== n ||
      bs.length !== n ||
      ap.length !== n ||
      as.length !== n
    ) {
      return this.reject(checkBook(book, n, this.lastTs, this.o.allowLocked) ?? R_TS, book, n);
    }
    const m = this.levels;
    const last = this.last;
    const prev = this.prev;
    const next = this.next;
    const INF = Number.POSITIVE_INFINITY;
    let depth = 0;
    let pb = INF; // bid-side state of core's rule
    let pa = 0; // ask-side state
    let k = 0;
    for (; k < m; k++) {
      const qb1 = bs[k]!;
      const qa1 = as[k]!;
      const b1 = bp[k]!;
      const a1 = ap[k]!;
      pb = l2BidStep(pb, b1, qb1);
      pa = l2AskStep(pa, a1, qa1);
      const xb1 = qb1 > 0 ? b1 : -INF;
      const xa1 = qa1 > 0 ? a1 : INF;
      const j = 4 * k;
      const xb0 = prev[j]!;
      const qb0 = prev[j + 1]!;
      const xa0 = prev[j + 2]!;
      const qa0 = prev[j + 3]!;
      // indicator arithmetic rather than branches: price moves are data-dependent and
      // mispredict. On an invalid book `last` may hold garbage here; reject zeroes it.
      last[k] =
        +(xb1 >= xb0) * qb1 - +(xb1 <= xb0) * qb0 - +(xa1 <= xa0) * qa1 + +(xa1 >= xa0) * qa0;
      depth += qb1 + qa1;
      next[j] = xb1;
      next[j + 1] = qb1;
      next[j + 2] = xa1;
      next[j + 3] = qa1;
    }
    let total = depth;
    // the tail beyond M: the rule only
    for (; k < n; k++) {
      const qb1 = bs[k]!;
      const qa1 = as[k]!;
      pb = l2BidStep(pb, bp[k]!, qb1);
      pa = l2AskStep(pa, ap[k]!, qa1);
      total += qb1 + qa1;
    }
    // next[0] / next[2] hold ∓∞ for an empty side
    if (
      Number.isNaN(pb) ||
      Number.isNaN(pa) ||
      !(total <= L2_MAX_BOOK_SIZE) ||
      l2TopCheck(next[0]!, next[2]!, this.o.allowLocked) !== 0
    ) {
      return this.reject(checkBook(book, n, this.lastTs, this.o.allowLocked) ?? R_BOOK, book, n);
    }
    // swap the double buffers: the current levels become the previous ones
    this.prev = next;
    this.next = prev;
    this.lastDepth = depth / (2 * m);
    this.accepted++;
    this.serial++;
    this.lastTs = ts;
    return true;
  }

  /**
   * Whether the last accepted update had a predecessor: before (no update, or only the first),
   * `last` reads zeros by convention, which are not an OFI.
   */
  get ready(): boolean {
    return this.accepted > 1;
  }

  /** Forgets the previous book and the counters (the next update is a first update again). */
  reset(): void {
    this.n = -1;
    this.fast = false;
    this.last.fill(0);
    this.lastDepth = 0;
    this.accepted = 0;
    this.skipped = 0;
    this.lastSkipReason = null;
    this.lastTs = Number.NEGATIVE_INFINITY;
  }

  private grid(book: L2Snapshot, gb: Float64Array, ga: Float64Array): boolean {
    const o = this.o;
    const n = book.bidPrice.length;
    return (
      gridSide(book.bidPrice, book.bidSize, 0, n, true, o.tickSize, o.m, gb, 0) &&
      gridSide(book.askPrice, book.askSize, 0, n, false, o.tickSize, o.m, ga, 0)
    );
  }

  private reject(reason: string, book: L2Snapshot, n: number): false {
    this.last.fill(0);
    if (this.o.policy === 'throw') {
      if (reason === R_OFFGRID) {
        throw new ValidationError(`${reason} (tickSize ${this.o.tickSize})`, {
          field: 'price',
          details: { tickSize: this.o.tickSize },
        });
      }
      throwBookError(reason, book, n, this.lastTs, this.o.allowLocked);
    }
    this.skipped++;
    this.lastSkipReason = reason;
    return false;
  }
}
