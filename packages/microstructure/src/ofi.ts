/**
 * Order flow imbalance: the best-level OFI of Cont, Kukanov and Stoikov (2014) and the multi-level
 * OFI of Xu, Gould and Howison (2019), streaming and batch, plus tumbling event/time windows.
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
 * or, unless `allowLocked`, locked book, a timestamp before the previous accepted one, or an
 * off-grid price in tick mode): with `onInvalid: 'throw'` (default) a `ValidationError` is
 * thrown; with `'skip'` the update is dropped (`skipped` incremented, `update` returns false).
 * Either way the previous book is kept (the next valid update is compared with it), `last` reads
 * zeros, and no NaN reaches an output.
 *
 * @module
 */
import { type L2Snapshot, ValidationError } from '@x/core';
import {
  askSideOk,
  bidSideOk,
  checkBook,
  checkPolicy,
  type InvalidPolicy,
  R_BOOK,
  R_LEVELS,
  R_OFFGRID,
  R_TS,
  throwBookError,
} from './internal/book.js';

/** Level convention of the multi-level OFI (see the module notes). */
export type OfiLevelMode = 'depth' | 'tick';

function checkArg(v: number, field: string, isSize: boolean): void {
  if (!Number.isFinite(v) || (isSize && v < 0)) {
    throw new ValidationError(`${field} must be finite${isSize ? ' and >= 0' : ''}`, {
      field,
      value: v,
    });
  }
}

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
 * @throws `ValidationError` when a value is not finite or a size is negative
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
  checkArg(prevBidPrice, 'prevBidPrice', false);
  checkArg(prevBidSize, 'prevBidSize', true);
  checkArg(prevAskPrice, 'prevAskPrice', false);
  checkArg(prevAskSize, 'prevAskSize', true);
  checkArg(bidPrice, 'bidPrice', false);
  checkArg(bidSize, 'bidSize', true);
  checkArg(askPrice, 'askPrice', false);
  checkArg(askSize, 'askSize', true);
  const b0 = prevBidSize > 0 ? prevBidPrice : Number.NEGATIVE_INFINITY;
  const b1 = bidSize > 0 ? bidPrice : Number.NEGATIVE_INFINITY;
  const a0 = prevAskSize > 0 ? prevAskPrice : Number.POSITIVE_INFINITY;
  const a1 = askSize > 0 ? askPrice : Number.POSITIVE_INFINITY;
  let e = 0;
  if (b1 >= b0) e += bidSize;
  if (b1 <= b0) e -= prevBidSize;
  if (a1 <= a0) e -= askSize;
  if (a1 >= a0) e += prevAskSize;
  return e;
}

/**
 * Depth-mode step, fused with validation: checks the current book at offset `co` (n levels per
 * side: used levels first with finite size > 0 and finite price > 0, strictly sorted, then a
 * tail of size exactly 0 with finite prices; not crossed) and writes e_n for levels [0, M) of the
 * update from the book at offset `po` into `out[oo..]`. Returns the mean size over the 2M current
 * levels into `depthOut[di]`. Returns 1 when valid, 0 when the current book is invalid (then
 * `out[oo..oo+M)` holds garbage). The first M current levels are also written to `nbp`, `nbs`,
 * `nap`, `nas` (index 0..M). Returning a small integer rather than a double keeps V8 from
 * boxing the result when the call is not inlined (no allocation per update).
 * @internal
 */
function depthStep(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  po: number,
  cbp: Float64Array,
  cbs: Float64Array,
  cap: Float64Array,
  cas: Float64Array,
  co: number,
  n: number,
  m: number,
  out: Float64Array,
  oo: number,
  allowLocked: boolean,
  depthOut: Float64Array,
  di: number,
  nbp: Float64Array,
  nbs: Float64Array,
  nap: Float64Array,
  nas: Float64Array,
): number {
  const INF = Number.POSITIVE_INFINITY;
  let depth = 0;
  let pb = INF; // previous used bid price (strictly decreasing)
  let pa = 0; // previous used ask price (strictly increasing)
  let bEnded = false;
  let aEnded = false;
  // one pass over both sides: the loads are shared by the checks and the kernel
  for (let k = 0; k < n; k++) {
    const qb1 = cbs[co + k];
    const qa1 = cas[co + k];
    const b1 = cbp[co + k];
    const a1 = cap[co + k];
    if (qb1 > 0) {
      if (bEnded || !(b1 < pb) || !(b1 > 0) || qb1 === INF) return 0;
      pb = b1;
    } else if (qb1 !== 0 || b1 - b1 !== 0) return 0;
    else bEnded = true;
    if (qa1 > 0) {
      if (aEnded || !(a1 > pa) || a1 === INF || qa1 === INF) return 0;
      pa = a1;
    } else if (qa1 !== 0 || a1 - a1 !== 0) return 0;
    else aEnded = true;
    if (k < m) {
      const qb0 = bs[po + k];
      const qa0 = as[po + k];
      // empty levels: bid price -inf, ask price +inf
      const xb1 = qb1 > 0 ? b1 : -INF;
      const xa1 = qa1 > 0 ? a1 : INF;
      const xb0 = qb0 > 0 ? bp[po + k] : -INF;
      const xa0 = qa0 > 0 ? ap[po + k] : INF;
      // indicator arithmetic rather than branches: price moves are data-dependent and
      // mispredict (sizes are finite here, so 0·q is 0)
      out[oo + k] =
        +(xb1 >= xb0) * qb1 - +(xb1 <= xb0) * qb0 - +(xa1 <= xa0) * qa1 + +(xa1 >= xa0) * qa0;
      depth += qb1 + qa1;
      // the current levels, saved for the next step (double-buffered by the streaming caller)
      nbp[k] = b1;
      nbs[k] = qb1;
      nap[k] = a1;
      nas[k] = qa1;
    }
  }
  if (cbs[co] > 0 && cas[co] > 0) {
    const bb = cbp[co];
    const ba = cap[co];
    if (bb > ba || (bb === ba && !allowLocked)) return 0;
  }
  depthOut[di] = depth / (2 * m);
  return 1;
}

/**
 * Maps one side of a book onto the tick grid: grid[k] = size at best ∓ k·tick for k < M.
 * Returns false when a price is off the grid.
 * @internal
 */
function gridSide(
  prices: Float64Array,
  sizes: Float64Array,
  off: number,
  n: number,
  isBid: boolean,
  tick: number,
  m: number,
  grid: Float64Array,
  go: number,
): boolean {
  for (let k = 0; k < m; k++) grid[go + k] = 0;
  if (!(sizes[off] > 0)) return true;
  const best = prices[off];
  for (let j = 0; j < n; j++) {
    const s = sizes[off + j];
    if (!(s > 0)) break;
    const d = (isBid ? best - prices[off + j] : prices[off + j] - best) / tick;
    const k = Math.round(d);
    if (Math.abs(d - k) > 1e-6) return false;
    if (k >= m) break;
    grid[go + k] = s;
  }
  return true;
}

/**
 * Tick-mode kernel on gridded sizes: the comparison of level-m prices equals the comparison of
 * the best quotes. Returns the mean gridded size over the 2M current levels.
 * @internal
 */
function tickKernel(
  b0: number,
  a0: number,
  gb0: Float64Array,
  ga0: Float64Array,
  b1: number,
  a1: number,
  gb1: Float64Array,
  ga1: Float64Array,
  m: number,
  out: Float64Array,
  oo: number,
): number {
  const bUp = b1 >= b0;
  const bDown = b1 <= b0;
  const aDown = a1 <= a0;
  const aUp = a1 >= a0;
  let depth = 0;
  for (let k = 0; k < m; k++) {
    const qb1 = gb1[k];
    const qa1 = ga1[k];
    let e = 0;
    if (bUp) e += qb1;
    if (bDown) e -= gb0[k];
    if (aDown) e -= qa1;
    if (aUp) e += ga0[k];
    out[oo + k] = e;
    depth += qb1 + qa1;
  }
  return depth / (2 * m);
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

interface Resolved {
  m: number;
  tick: boolean;
  tickSize: number;
  policy: InvalidPolicy;
  allowLocked: boolean;
}

function resolve(o: MultiLevelOfiOptions): Resolved {
  const m = o.levels ?? 10;
  if (!Number.isInteger(m) || m < 1 || m > 1000) {
    throw new ValidationError('levels must be an integer in [1, 1000]', {
      field: 'levels',
      value: m,
    });
  }
  const mode = o.levelMode ?? 'depth';
  if (mode !== 'depth' && mode !== 'tick') {
    throw new ValidationError("levelMode must be 'depth' or 'tick'", {
      field: 'levelMode',
      value: mode,
    });
  }
  const tick = mode === 'tick';
  const tickSize = o.tickSize ?? Number.NaN;
  if (tick && !(Number.isFinite(tickSize) && tickSize > 0)) {
    throw new ValidationError('tick mode needs a finite tickSize > 0', {
      field: 'tickSize',
      value: o.tickSize,
    });
  }
  return {
    m,
    tick,
    tickSize,
    policy: checkPolicy(o.onInvalid),
    allowLocked: o.allowLocked === true,
  };
}

/**
 * Streaming multi-level OFI (Xu, Gould & Howison 2019; level 1 is the OFI of Cont, Kukanov &
 * Stoikov 2014). Each {@link MultiLevelOfi.update} costs O(levels) and allocates nothing; the
 * per-level contributions of the last accepted update are in {@link MultiLevelOfi.last}.
 * Conventions (levels, empty sides, first update, invalid input) are in the module notes.
 *
 * @example
 * ```ts
 * const ofi = new MultiLevelOfi({ levels: 10 });
 * for (const book of books) {
 *   ofi.update(book);
 *   use(ofi.last[0], ofi.last[1]); // e_n at the best and the second level
 * }
 * ```
 */
export class MultiLevelOfi {
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

  readonly #o: Resolved;
  #n = -1;
  // depth mode: previous and spare current levels, interleaved per level as
  // [bid price (−∞ when empty), bid size, ask price (+∞ when empty), ask size]
  #prev: Float64Array;
  #next: Float64Array;
  // tick mode grids: previous and current, bid and ask
  #gb0: Float64Array;
  #ga0: Float64Array;
  #gb1: Float64Array;
  #ga1: Float64Array;
  #b0 = Number.NEGATIVE_INFINITY;
  #a0 = Number.POSITIVE_INFINITY;
  #fast = false;

  /**
   * @param options - levels, level convention, tick size, invalid-input policy
   * @throws `ValidationError` on a bad option
   */
  constructor(options: MultiLevelOfiOptions = {}) {
    this.#o = resolve(options);
    this.levels = this.#o.m;
    this.levelMode = this.#o.tick ? 'tick' : 'depth';
    this.last = new Float64Array(this.#o.m);
    this.#prev = new Float64Array(this.#o.tick ? 0 : 4 * this.#o.m);
    this.#next = new Float64Array(this.#o.tick ? 0 : 4 * this.#o.m);
    const g = this.#o.tick ? this.#o.m : 0;
    this.#gb0 = new Float64Array(g);
    this.#ga0 = new Float64Array(g);
    this.#gb1 = new Float64Array(g);
    this.#ga1 = new Float64Array(g);
  }

  /**
   * Consumes one book update.
   * @param book - the book after the update (not retained; its arrays may be reused)
   * @returns true when accepted, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on an invalid update under the `'throw'` policy
   */
  update(book: L2Snapshot): boolean {
    // hot path first, in a small method the JIT can inline
    if (this.#fast) return this.#depthUpdate(book, this.#n);
    return this.#slowUpdate(book);
  }

  #slowUpdate(book: L2Snapshot): boolean {
    const o = this.#o;
    if (this.#n < 0) {
      const n = book.bidPrice.length;
      if (n < 1 || (!o.tick && n < o.m)) {
        return this.#reject(R_LEVELS, book, Math.max(n, o.tick ? 1 : o.m));
      }
      const reason = checkBook(book, n, this.lastTs, o.allowLocked);
      if (reason !== null) return this.#reject(reason, book, n);
      if (o.tick) {
        if (!this.#grid(book, this.#gb0, this.#ga0)) return this.#reject(R_OFFGRID, book, n);
        this.#b0 = book.bidSize[0] > 0 ? book.bidPrice[0] : Number.NEGATIVE_INFINITY;
        this.#a0 = book.askSize[0] > 0 ? book.askPrice[0] : Number.POSITIVE_INFINITY;
        let d = 0;
        for (let k = 0; k < o.m; k++) d += this.#gb0[k] + this.#ga0[k];
        this.lastDepth = d / (2 * o.m);
      } else {
        let d = 0;
        for (let k = 0; k < o.m; k++) d += book.bidSize[k] + book.askSize[k];
        this.lastDepth = d / (2 * o.m);
      }
      this.#n = n;
      this.#fast = !o.tick;
      // previous levels, encoded for #depthUpdate: empty bid level −∞, empty ask level +∞
      if (!o.tick) {
        const p = this.#prev;
        for (let k = 0; k < o.m; k++) {
          const qb = book.bidSize[k];
          const qa = book.askSize[k];
          p[4 * k] = qb > 0 ? book.bidPrice[k] : Number.NEGATIVE_INFINITY;
          p[4 * k + 1] = qb;
          p[4 * k + 2] = qa > 0 ? book.askPrice[k] : Number.POSITIVE_INFINITY;
          p[4 * k + 3] = qa;
        }
      }
      this.last.fill(0);
      this.accepted++;
      this.lastTs = book.ts;
      return true;
    }
    const n = this.#n;
    if (!o.tick) return this.#depthUpdate(book, n);
    const reason = checkBook(book, n, this.lastTs, o.allowLocked);
    if (reason !== null) return this.#reject(reason, book, n);
    {
      if (!this.#grid(book, this.#gb1, this.#ga1)) return this.#reject(R_OFFGRID, book, n);
      const b1 = book.bidSize[0] > 0 ? book.bidPrice[0] : Number.NEGATIVE_INFINITY;
      const a1 = book.askSize[0] > 0 ? book.askPrice[0] : Number.POSITIVE_INFINITY;
      this.lastDepth = tickKernel(
        this.#b0,
        this.#a0,
        this.#gb0,
        this.#ga0,
        b1,
        a1,
        this.#gb1,
        this.#ga1,
        o.m,
        this.last,
        0,
      );
      this.#b0 = b1;
      this.#a0 = a1;
      const gb = this.#gb0;
      this.#gb0 = this.#gb1;
      this.#gb1 = gb;
      const ga = this.#ga0;
      this.#ga0 = this.#ga1;
      this.#ga1 = ga;
    }
    this.accepted++;
    this.lastTs = book.ts;
    return true;
  }

  /**
   * The depth-mode hot path: validation of the whole book fused with the kernel of the first M
   * levels in one pass, everything in locals (no call, no double crossing a call boundary). The
   * previous levels are kept *encoded* (price −∞ on an empty bid level, +∞ on an empty ask
   * level), so the previous side costs two loads per level and no test. The current levels are
   * written to the spare buffers, swapped in only when the whole book is valid, so a rejected
   * update leaves the previous book untouched.
   */
  #depthUpdate(book: L2Snapshot, n: number): boolean {
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
      return this.#reject(checkBook(book, n, this.lastTs, this.#o.allowLocked) ?? R_TS, book, n);
    }
    const m = this.levels;
    const last = this.last;
    const prev = this.#prev;
    const next = this.#next;
    const INF = Number.POSITIVE_INFINITY;
    let depth = 0;
    let pb = INF; // previous used bid price (strictly decreasing)
    let pa = 0; // previous used ask price (strictly increasing)
    let bEnded = false;
    let aEnded = false;
    let ok = true;
    let k = 0;
    for (; k < m; k++) {
      const qb1 = bs[k];
      const qa1 = as[k];
      const b1 = bp[k];
      const a1 = ap[k];
      let xb1 = -INF;
      let xa1 = INF;
      if (qb1 > 0) {
        if (bEnded || !(b1 < pb) || !(b1 > 0) || qb1 === INF) ok = false;
        pb = b1;
        xb1 = b1;
      } else if (qb1 !== 0 || b1 - b1 !== 0) ok = false;
      else bEnded = true;
      if (qa1 > 0) {
        if (aEnded || !(a1 > pa) || a1 === INF || qa1 === INF) ok = false;
        pa = a1;
        xa1 = a1;
      } else if (qa1 !== 0 || a1 - a1 !== 0) ok = false;
      else aEnded = true;
      const j = 4 * k;
      const xb0 = prev[j];
      const qb0 = prev[j + 1];
      const xa0 = prev[j + 2];
      const qa0 = prev[j + 3];
      // indicator arithmetic rather than branches: price moves are data-dependent and
      // mispredict. On an invalid book `last` may hold garbage here; #reject zeroes it.
      last[k] =
        +(xb1 >= xb0) * qb1 - +(xb1 <= xb0) * qb0 - +(xa1 <= xa0) * qa1 + +(xa1 >= xa0) * qa0;
      depth += qb1 + qa1;
      next[j] = xb1;
      next[j + 1] = qb1;
      next[j + 2] = xa1;
      next[j + 3] = qa1;
    }
    // the tail beyond M: validation only
    for (; k < n; k++) {
      const qb1 = bs[k];
      const qa1 = as[k];
      const b1 = bp[k];
      const a1 = ap[k];
      if (qb1 > 0) {
        if (bEnded || !(b1 < pb) || !(b1 > 0) || qb1 === INF) ok = false;
        pb = b1;
      } else if (qb1 !== 0 || b1 - b1 !== 0) ok = false;
      else bEnded = true;
      if (qa1 > 0) {
        if (aEnded || !(a1 > pa) || a1 === INF || qa1 === INF) ok = false;
        pa = a1;
      } else if (qa1 !== 0 || a1 - a1 !== 0) ok = false;
      else aEnded = true;
    }
    // crossed (or, unless allowed, locked): nbp/nap[0] hold ∓∞ for an empty side
    const bb = next[0];
    const ba = next[2];
    if (bb > ba || (bb === ba && !this.#o.allowLocked)) ok = false;
    if (!ok) {
      return this.#reject(checkBook(book, n, this.lastTs, this.#o.allowLocked) ?? R_BOOK, book, n);
    }
    // swap the double buffers: the current levels become the previous ones
    this.#prev = next;
    this.#next = prev;
    this.lastDepth = depth / (2 * m);
    this.accepted++;
    this.lastTs = ts;
    return true;
  }

  /** Forgets the previous book and the counters (the next update is a first update again). */
  reset(): void {
    this.#n = -1;
    this.#fast = false;
    this.last.fill(0);
    this.lastDepth = 0;
    this.accepted = 0;
    this.skipped = 0;
    this.lastSkipReason = null;
    this.lastTs = Number.NEGATIVE_INFINITY;
  }

  #grid(book: L2Snapshot, gb: Float64Array, ga: Float64Array): boolean {
    const o = this.#o;
    const n = book.bidPrice.length;
    return (
      gridSide(book.bidPrice, book.bidSize, 0, n, true, o.tickSize, o.m, gb, 0) &&
      gridSide(book.askPrice, book.askSize, 0, n, false, o.tickSize, o.m, ga, 0)
    );
  }

  #reject(reason: string, book: L2Snapshot, n: number): false {
    this.last.fill(0);
    if (this.#o.policy === 'throw') {
      if (reason === R_OFFGRID) {
        throw new ValidationError(`${reason} (tickSize ${this.#o.tickSize})`, {
          field: 'price',
          details: { tickSize: this.#o.tickSize },
        });
      }
      throwBookError(reason, book, n, this.lastTs, this.#o.allowLocked);
    }
    this.skipped++;
    this.lastSkipReason = reason;
    return false;
  }
}

/**
 * A batch of L2 books on flat row-major typed arrays: row r, level j of a side is at index
 * r·levels + j. The layout per row is that of `L2Snapshot`.
 */
export interface L2Rows {
  /** Number of books. */
  readonly rows: number;
  /** N, levels per side in each row. */
  readonly levels: number;
  /** Timestamps in milliseconds, one per row (optional: rows are then taken as in order). */
  readonly ts?: Float64Array;
  /** Bid prices, rows × N. */
  readonly bidPrice: Float64Array;
  /** Bid sizes, rows × N. */
  readonly bidSize: Float64Array;
  /** Ask prices, rows × N. */
  readonly askPrice: Float64Array;
  /** Ask sizes, rows × N. */
  readonly askSize: Float64Array;
}

/** Result of {@link multiLevelOfiBatch}. */
export interface MultiLevelOfiBatch {
  /** rows × M: e_n per level; 0 for the first accepted row and for skipped rows. */
  readonly ofi: Float64Array;
  /** rows: mean size over the first M levels of both sides, 0 for skipped rows. */
  readonly depth: Float64Array;
  /** rows: 1 when the row was accepted, 0 when skipped. */
  readonly accepted: Uint8Array;
  /** Number of skipped rows. */
  readonly skipped: number;
}

/**
 * Checks the shape of an {@link L2Rows}.
 * @internal
 */
export function checkRows(rows: L2Rows): void {
  const { rows: r, levels: n } = rows;
  if (!Number.isInteger(r) || r < 0) {
    throw new ValidationError('rows must be an integer >= 0', { field: 'rows', value: r });
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: n });
  }
  for (const f of ['bidPrice', 'bidSize', 'askPrice', 'askSize'] as const) {
    if (rows[f].length !== r * n) {
      throw new ValidationError(`${f} must have rows × levels = ${r * n} elements`, {
        field: f,
        value: rows[f].length,
      });
    }
  }
  if (rows.ts !== undefined && rows.ts.length !== r) {
    throw new ValidationError(`ts must have ${r} elements`, { field: 'ts', value: rows.ts.length });
  }
}

/**
 * Multi-level OFI over a batch of books: the same numbers as feeding every row to a
 * {@link MultiLevelOfi} with the same options (same kernel, same skip policy).
 *
 * @param rows - the books
 * @param options - levels, level convention, tick size, invalid-row policy
 * @returns per-row, per-level e_n, per-row depth and the accepted mask
 * @throws `ValidationError` on bad options, a bad shape, or (policy `'throw'`) the first
 *   invalid row, whose index is in `details.row`
 */
export function multiLevelOfiBatch(
  rows: L2Rows,
  options: MultiLevelOfiOptions = {},
): MultiLevelOfiBatch {
  const o = resolve(options);
  checkRows(rows);
  const { rows: r, levels: n, bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as } = rows;
  const m = o.m;
  if (!o.tick && n < m) {
    throw new ValidationError(`depth mode needs at least ${m} levels per row`, {
      field: 'levels',
      value: n,
    });
  }
  const out = new Float64Array(r * m);
  const depth = new Float64Array(r);
  const acc = new Uint8Array(r);
  let skipped = 0;
  let prev = -1;
  let lastTs = Number.NEGATIVE_INFINITY;
  const ts = rows.ts;
  // where depthStep saves the current levels; the batch reads the previous row in place instead
  const sbp = new Float64Array(m);
  const sbs = new Float64Array(m);
  const sap = new Float64Array(m);
  const sas = new Float64Array(m);
  let gb0 = new Float64Array(o.tick ? m : 0);
  let ga0 = new Float64Array(o.tick ? m : 0);
  let gb1 = new Float64Array(o.tick ? m : 0);
  let ga1 = new Float64Array(o.tick ? m : 0);
  let b0 = Number.NEGATIVE_INFINITY;
  let a0 = Number.POSITIVE_INFINITY;
  for (let i = 0; i < r; i++) {
    const off = i * n;
    const t = ts === undefined ? (lastTs === Number.NEGATIVE_INFINITY ? 0 : lastTs) : ts[i];
    let reason: string | null = null;
    if (!o.tick && prev >= 0) {
      // fused validation + kernel
      if (!(t >= lastTs) || t === Number.POSITIVE_INFINITY) reason = R_TS;
      else {
        const ok = depthStep(
          bp,
          bs,
          ap,
          as,
          prev * n,
          bp,
          bs,
          ap,
          as,
          off,
          n,
          m,
          out,
          i * m,
          o.allowLocked,
          depth,
          i,
          sbp,
          sbs,
          sap,
          sas,
        );
        if (ok === 0) {
          out.fill(0, i * m, (i + 1) * m);
          reason = R_BOOK;
        } else {
          acc[i] = 1;
          prev = i;
          lastTs = t;
          continue;
        }
      }
    } else reason = checkRowAt(bp, bs, ap, as, off, n, t, lastTs, o.allowLocked);
    if (reason === null && o.tick) {
      if (
        !gridSide(bp, bs, off, n, true, o.tickSize, m, gb1, 0) ||
        !gridSide(ap, as, off, n, false, o.tickSize, m, ga1, 0)
      ) {
        reason = R_OFFGRID;
      }
    }
    if (reason !== null) {
      if (o.policy === 'throw') {
        const snap = {
          ts: t,
          bidPrice: bp.subarray(off, off + n),
          bidSize: bs.subarray(off, off + n),
          askPrice: ap.subarray(off, off + n),
          askSize: as.subarray(off, off + n),
        };
        try {
          if (reason === R_OFFGRID) throw new ValidationError(reason, { field: 'price' });
          throwBookError(reason, snap, n, lastTs, o.allowLocked);
        } catch (e) {
          if (e instanceof ValidationError) {
            throw new ValidationError(`row ${i}: ${e.message}`, {
              field: e.field ?? 'book',
              value: e.value,
              details: { ...e.details, row: i },
              cause: e,
            });
          }
          throw e;
        }
      }
      skipped++;
      continue;
    }
    acc[i] = 1;
    if (o.tick) {
      const b1 = bs[off] > 0 ? bp[off] : Number.NEGATIVE_INFINITY;
      const a1 = as[off] > 0 ? ap[off] : Number.POSITIVE_INFINITY;
      if (prev < 0) {
        let d = 0;
        for (let k = 0; k < m; k++) d += gb1[k] + ga1[k];
        depth[i] = d / (2 * m);
      } else {
        depth[i] = tickKernel(b0, a0, gb0, ga0, b1, a1, gb1, ga1, m, out, i * m);
      }
      b0 = b1;
      a0 = a1;
      const tb = gb0;
      gb0 = gb1;
      gb1 = tb;
      const ta = ga0;
      ga0 = ga1;
      ga1 = ta;
    } else if (prev < 0) {
      let d = 0;
      for (let k = 0; k < m; k++) d += bs[off + k] + as[off + k];
      depth[i] = d / (2 * m);
    }
    prev = i;
    lastTs = t;
  }
  return { ofi: out, depth, accepted: acc, skipped };
}

/**
 * {@link checkBook} on row `off` of flat arrays, without building a view.
 * @internal
 */
function checkRowAt(
  bp: Float64Array,
  bs: Float64Array,
  ap: Float64Array,
  as: Float64Array,
  off: number,
  n: number,
  ts: number,
  lastTs: number,
  allowLocked: boolean,
): string | null {
  if (!Number.isFinite(ts) || ts < lastTs) return R_TS;
  if (!bidSideOk(bp, bs, off, n) || !askSideOk(ap, as, off, n)) return R_BOOK;
  if (bs[off] > 0 && as[off] > 0) {
    const bb = bp[off];
    const ba = ap[off];
    if (bb > ba || (bb === ba && !allowLocked)) return R_BOOK;
  }
  return null;
}

/** Options of {@link OfiWindow}: exactly one of `events` or `ms`. */
export interface OfiWindowOptions {
  /** M, the number of levels summed (default 10). */
  readonly levels?: number;
  /** Tumbling windows of this many accepted updates. */
  readonly events?: number;
  /** Tumbling time windows of this many milliseconds: [origin + k·ms, origin + (k+1)·ms). */
  readonly ms?: number;
  /** Origin of the time grid in milliseconds (default 0). */
  readonly originMs?: number;
}

/**
 * Sums per-update, per-level OFI over tumbling windows, as Cont, Kukanov & Stoikov (2014, Sec. 2)
 * do for OFI_k over [t_k−1, t_k), and keeps the window's mean depth, the normaliser of the
 * integrated OFI of Cont, Cucuringu & Zhang (2023).
 *
 * **Boundaries.** A time window is half-open, [start, start + ms): an update stamped exactly at the
 * end belongs to the next window. A window closes when the first update of a later window
 * arrives (or on {@link OfiWindow.flush}); windows with no update in a gap close with zero OFI and
 * zero depth. An event window closes after its `events`-th update.
 *
 * @example
 * ```ts
 * const ofi = new MultiLevelOfi({ levels: 5 });
 * const win = new OfiWindow({ levels: 5, ms: 1000 });
 * for (const book of books) {
 *   if (ofi.update(book) && win.add(book.ts, ofi.last, ofi.lastDepth) > 0) {
 *     record(win.completedStart, win.completed, win.completedDepth);
 *   }
 * }
 * ```
 */
export class OfiWindow {
  /** M, the number of levels. */
  readonly levels: number;
  /** Per-level OFI of the last completed window. */
  readonly completed: Float64Array;
  /** Mean depth over the updates of the last completed window (0 when it had none). */
  completedDepth = 0;
  /** Updates in the last completed window. */
  completedEvents = 0;
  /** Start of the last completed window: ms for time windows, index of its first update for event windows. */
  completedStart = Number.NaN;
  /** Windows completed so far. */
  windowsCompleted = 0;
  /** Per-level OFI of the open window so far. */
  readonly current: Float64Array;
  /** Updates in the open window. */
  currentEvents = 0;

  readonly #events: number;
  readonly #ms: number;
  readonly #origin: number;
  #depthSum = 0;
  #start = Number.NaN;
  #seen = 0;
  #lastTs = Number.NEGATIVE_INFINITY;
  readonly #io = new Float64Array(2);

  /**
   * @param options - levels and exactly one of `events` or `ms`
   * @throws `ValidationError` on bad options
   */
  constructor(options: OfiWindowOptions) {
    const m = options.levels ?? 10;
    if (!Number.isInteger(m) || m < 1) {
      throw new ValidationError('levels must be an integer >= 1', { field: 'levels', value: m });
    }
    const hasE = options.events !== undefined;
    const hasT = options.ms !== undefined;
    if (hasE === hasT) {
      throw new ValidationError('give exactly one of events or ms', { field: 'events' });
    }
    if (hasE && !(Number.isInteger(options.events) && (options.events as number) >= 1)) {
      throw new ValidationError('events must be an integer >= 1', {
        field: 'events',
        value: options.events,
      });
    }
    if (hasT && !(Number.isFinite(options.ms) && (options.ms as number) > 0)) {
      throw new ValidationError('ms must be finite and > 0', { field: 'ms', value: options.ms });
    }
    const origin = options.originMs ?? 0;
    if (!Number.isFinite(origin)) {
      throw new ValidationError('originMs must be finite', { field: 'originMs', value: origin });
    }
    this.levels = m;
    this.#events = hasE ? (options.events as number) : 0;
    this.#ms = hasT ? (options.ms as number) : 0;
    this.#origin = origin;
    this.completed = new Float64Array(m);
    this.current = new Float64Array(m);
  }

  /**
   * Adds one update's per-level OFI.
   * @param ts - the update's time in ms (non-decreasing)
   * @param e - per-level contributions, at least `levels` long (e.g. {@link MultiLevelOfi.last})
   * @param depth - the update's depth (e.g. {@link MultiLevelOfi.lastDepth}), >= 0
   * @returns how many windows this update closed (the last of them is in `completed`)
   * @throws `ValidationError` on a non-finite value, a short `e`, or time going back
   */
  add(ts: number, e: ArrayLike<number>, depth: number): number {
    const io = this.#io;
    io[0] = ts;
    io[1] = depth;
    return this.#addCore(e);
  }

  /**
   * Adds the last accepted update of a {@link MultiLevelOfi}: `add(ofi.lastTs, ofi.last,
   * ofi.lastDepth)` without passing numbers across a call (nothing for V8 to box on a hot path).
   * @param ofi - the calculator whose last update to add (call after an accepted `update`)
   * @returns how many windows this update closed
   * @throws `ValidationError` when time goes back or the calculator has fewer levels
   */
  addFrom(ofi: MultiLevelOfi): number {
    const io = this.#io;
    io[0] = ofi.lastTs;
    io[1] = ofi.lastDepth;
    return this.#addCore(ofi.last);
  }

  /** The body of `add`; ts and depth come through `#io` so no double crosses the call. */
  #addCore(e: ArrayLike<number>): number {
    const m = this.levels;
    const ts = this.#io[0];
    const depth = this.#io[1];
    if (!Number.isFinite(ts) || ts < this.#lastTs) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    if (e.length < m) {
      throw new ValidationError(`e must have at least ${m} levels`, {
        field: 'e',
        value: e.length,
      });
    }
    let bad = !(depth >= 0) || depth === Number.POSITIVE_INFINITY;
    for (let k = 0; k < m; k++) if (!Number.isFinite(e[k])) bad = true;
    if (bad) throw new ValidationError('e and depth must be finite', { field: 'e' });
    this.#lastTs = ts;
    let closed = 0;
    if (this.#ms > 0) {
      const w = Math.floor((ts - this.#origin) / this.#ms);
      const start = this.#origin + w * this.#ms;
      if (Number.isNaN(this.#start)) this.#start = start;
      else if (start > this.#start) {
        closed = Math.round((start - this.#start) / this.#ms);
        this.#close();
        if (closed > 1) {
          // empty windows in the gap
          this.completed.fill(0);
          this.completedDepth = 0;
          this.completedEvents = 0;
          this.completedStart = start - this.#ms;
          this.windowsCompleted += closed - 1;
        }
        this.#start = start;
      }
    } else if (Number.isNaN(this.#start)) this.#start = this.#seen;
    const cur = this.current;
    for (let k = 0; k < m; k++) cur[k] += e[k];
    this.#depthSum += depth;
    this.currentEvents++;
    this.#seen++;
    if (this.#events > 0 && this.currentEvents === this.#events) {
      this.#close();
      this.#start = this.#seen;
      closed = 1;
    }
    return closed;
  }

  /**
   * Closes the open window now (for example at the end of a session) if it has updates.
   * @returns 1 when a window was closed, else 0
   */
  flush(): number {
    if (this.currentEvents === 0) return 0;
    this.#close();
    this.#start = this.#ms > 0 ? this.#start + this.#ms : this.#seen;
    return 1;
  }

  #close(): void {
    this.completed.set(this.current);
    this.current.fill(0);
    this.completedEvents = this.currentEvents;
    this.completedDepth = this.currentEvents > 0 ? this.#depthSum / this.currentEvents : 0;
    this.completedStart = this.#start;
    this.windowsCompleted++;
    this.currentEvents = 0;
    this.#depthSum = 0;
  }
}
