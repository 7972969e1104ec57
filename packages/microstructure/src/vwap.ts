/**
 * Rolling TWAP and VWAP over time windows, and deviations from them in price and basis points.
 *
 * **Windows** are (now − windowMs, now]: a trade stamped exactly windowMs before the query time
 * has left the window. Running sums update in O(1) amortised per observation (a ring buffer that
 * doubles when full); they are recomputed from the buffer every `resyncEvery` evictions to bound
 * floating-point drift.
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
  throwBookError,
} from './internal/book.js';

interface ResolvedWindow {
  windowMs: number;
  resync: number;
  policy: InvalidPolicy;
  allowLocked: boolean;
}

function resolveWindow(o: RollingWindowOptions): ResolvedWindow {
  const ms = o.windowMs;
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new ValidationError('windowMs must be finite and > 0', { field: 'windowMs', value: ms });
  }
  const resync = o.resyncEvery ?? 4096;
  if (!(Number.isInteger(resync) && resync >= 1)) {
    throw new ValidationError('resyncEvery must be an integer >= 1', {
      field: 'resyncEvery',
      value: resync,
    });
  }
  return {
    windowMs: ms,
    resync,
    policy: checkPolicy(o.onInvalid),
    allowLocked: checkAllowLocked(o.allowLocked),
  };
}

/** Options of {@link RollingVwap} and {@link RollingTwap}. */
export interface RollingWindowOptions {
  /** Window length in ms (> 0). */
  readonly windowMs: number;
  /**
   * Recompute the running sums from the buffer every this many evictions (an integer >= 1,
   * default 4096): bounds floating-point drift.
   */
  readonly resyncEvery?: number;
  /**
   * `'throw'` (default) or `'skip'` on invalid input (a trade, value or book that fails
   * validation): skipped input changes nothing, is counted in `skipped` and makes the method
   * return false.
   */
  readonly onInvalid?: InvalidPolicy;
  /** Accept a locked book in `RollingTwap.updateMid` (default false). */
  readonly allowLocked?: boolean;
}

/**
 * Rolling volume-weighted average price Σ pᵢqᵢ / Σ qᵢ of the trades in (now − windowMs, now].
 *
 * @example
 * ```ts
 * const v = new RollingVwap({ windowMs: 60_000 });
 * v.addTrade(0, 100, 1);
 * v.addTrade(30_000, 101, 3);
 * v.vwap(30_000); // 100.75
 * v.vwap(70_000); // 101: the first trade left the window
 * v.vwap(200_000); // undefined when the window holds no trade
 * ```
 */
export class RollingVwap {
  /** Window length in ms. */
  readonly windowMs: number;
  private ts = new Float64Array(256);
  private px = new Float64Array(256);
  private q = new Float64Array(256);
  private head = 0;
  private len = 0;
  private pq = 0;
  private qty = 0;
  private evicted = 0;
  private now = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly resyncEvery: number;
  private readonly invalidPolicy: InvalidPolicy;
  /** Trades dropped under the `'skip'` policy. */
  skipped = 0;

  /**
   * @param options - window length, resync interval, invalid-input policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: RollingWindowOptions) {
    const o = resolveWindow(options);
    this.windowMs = o.windowMs;
    this.resyncEvery = o.resync;
    this.invalidPolicy = o.policy;
  }

  /**
   * Adds a trade.
   * @param ts - time in ms, non-decreasing
   * @param price - trade price (finite, > 0)
   * @param qty - quantity (finite, > 0; price × qty and the window's sums finite)
   * @returns true when added, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on bad input under the `'throw'` policy (the trade is not added)
   */
  addTrade(ts: number, price: number, qty: number): boolean {
    const err = this.check(ts, price, qty);
    if (err !== null) {
      if (this.invalidPolicy === 'throw') throw err;
      this.skipped++;
      return false;
    }
    this.lastTs = ts;
    this.now = ts;
    this.evict();
    if (this.len === this.ts.length) this.grow();
    const cap = this.ts.length;
    const i = (this.head + this.len) % cap;
    this.ts[i] = ts;
    this.px[i] = price;
    this.q[i] = qty;
    this.len++;
    this.pq += price * qty;
    this.qty += qty;
    return true;
  }

  private check(ts: number, price: number, qty: number): ValidationError | null {
    if (!(Number.isFinite(ts) && ts >= this.lastTs)) {
      return new ValidationError('ts must be finite and non-decreasing', {
        field: 'ts',
        value: ts,
      });
    }
    if (!(Number.isFinite(price) && price > 0)) {
      return new ValidationError('price must be finite and > 0', { field: 'price', value: price });
    }
    if (!(Number.isFinite(qty) && qty > 0)) {
      return new ValidationError('qty must be finite and > 0', { field: 'qty', value: qty });
    }
    if (
      !(
        this.pq + price * qty < Number.POSITIVE_INFINITY &&
        this.qty + qty < Number.POSITIVE_INFINITY
      )
    ) {
      return new ValidationError('price × qty overflows the window sums', {
        field: 'qty',
        value: qty,
      });
    }
    return null;
  }

  /**
   * The VWAP of the window ending at `nowMs`.
   * @param nowMs - query time (default: the last trade's), not before the last trade
   * @returns the VWAP, or `undefined` when no trade is in the window
   */
  vwap(nowMs = this.lastTs): number | undefined {
    if (!(nowMs >= this.lastTs)) {
      throw new ValidationError('nowMs must not be before the last trade', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    // trades that left the window since the last trade are skipped without being evicted, so a
    // later trade stamped before nowMs still sees them
    const cut = nowMs - this.windowMs;
    const cap = this.ts.length;
    let pq = this.pq;
    let q = this.qty;
    let k = 0;
    for (; k < this.len; k++) {
      const i = (this.head + k) % cap;
      if (this.ts[i]! > cut) break;
      pq -= this.px[i]! * this.q[i]!;
      q -= this.q[i]!;
    }
    if (k === this.len || !(q > 0)) return undefined;
    return pq / q;
  }

  /** Volume in the window ending at the last trade. */
  get volume(): number {
    return this.len === 0 ? 0 : this.qty;
  }

  /** Evicts up to `now` (a field, not an argument: no boxed double per call). */
  private evict(): void {
    const cut = this.now - this.windowMs;
    const cap = this.ts.length;
    while (this.len > 0 && this.ts[this.head]! <= cut) {
      const h = this.head;
      this.pq -= this.px[h]! * this.q[h]!;
      this.qty -= this.q[h]!;
      this.head = (h + 1) % cap;
      this.len--;
      if (++this.evicted % this.resyncEvery === 0) this.recompute();
    }
    if (this.len === 0) {
      this.pq = 0;
      this.qty = 0;
    }
  }

  private recompute(): void {
    const cap = this.ts.length;
    let pq = 0;
    let q = 0;
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) % cap;
      pq += this.px[i]! * this.q[i]!;
      q += this.q[i]!;
    }
    this.pq = pq;
    this.qty = q;
  }

  private grow(): void {
    const cap = this.ts.length;
    const ts = new Float64Array(cap * 2);
    const px = new Float64Array(cap * 2);
    const q = new Float64Array(cap * 2);
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) % cap;
      ts[k] = this.ts[i]!;
      px[k] = this.px[i]!;
      q[k] = this.q[i]!;
    }
    this.ts = ts;
    this.px = px;
    this.q = q;
    this.head = 0;
  }
}

/**
 * Rolling time-weighted average of a step function (a mid, a spread...): each value holds from
 * its timestamp until the next one. TWAP(now) = ∫ x(t) dt / (covered time) over
 * (now − windowMs, now]; before a full window has passed, the covered time is since the first
 * observation.
 *
 * @example
 * ```ts
 * const t = new RollingTwap({ windowMs: 60_000 });
 * t.update(0, 100);
 * t.update(30_000, 102);
 * t.twap(60_000); // 101: 30 s at 100, then 30 s at 102
 * ```
 */
export class RollingTwap {
  /** Window length in ms. */
  readonly windowMs: number;
  // segment k: value v[k] held over [t[k], t[k+1]); the last segment is open until now
  private t = new Float64Array(256);
  private v = new Float64Array(256);
  private head = 0;
  private len = 0;
  private closedArea = 0; // Σ v·dt over closed segments in the buffer
  private evicted = 0;
  private now = 0;
  private readonly resyncEvery: number;
  private readonly invalidPolicy: InvalidPolicy;
  private readonly locked: boolean;
  private readonly io = new Float64Array(2);
  private levels = -1;
  private bookTs = Number.NEGATIVE_INFINITY;
  /** Updates and books dropped under the `'skip'` policy. */
  skipped = 0;

  /**
   * @param options - window length, resync interval, invalid-input policy
   * @throws `ValidationError` on bad options
   */
  constructor(options: RollingWindowOptions) {
    const o = resolveWindow(options);
    this.windowMs = o.windowMs;
    this.resyncEvery = o.resync;
    this.invalidPolicy = o.policy;
    this.locked = o.allowLocked;
  }

  /** Whether a value has been recorded (before, {@link RollingTwap.twap} is `undefined`). */
  get ready(): boolean {
    return this.len > 0;
  }

  /**
   * Sets the value from `ts` on.
   * @param ts - time in ms, non-decreasing
   * @param value - finite value
   * @returns true when recorded, false when skipped under the `'skip'` policy
   * @throws `ValidationError` on bad input under the `'throw'` policy (nothing recorded)
   */
  update(ts: number, value: number): boolean {
    const io = this.io;
    io[0] = ts;
    io[1] = value;
    return this.updateCore();
  }

  /**
   * Sets the value from `book.ts` on to the book's mid, (best bid + best ask) / 2: the TWAP of the
   * mid without passing numbers across a call (nothing for V8 to box on a hot path; `update(ts,
   * mid)` from a large loop may allocate).
   * @param book - the book (the package's book rule: finite, sorted, non-negative sizes, not
   *   crossed, locked only with `allowLocked`, time not going back, the same number of levels)
   * @returns true when the mid was recorded; false when the book has an empty side (nothing is
   *   recorded: the previous value holds on) or was skipped under the `'skip'` policy
   * @throws `ValidationError` on an invalid book under the `'throw'` policy
   */
  updateMid(book: L2Snapshot): boolean {
    const n = this.levels < 0 ? book.bidPrice.length : this.levels;
    const rec = this.len > 0 ? this.t[(this.head + this.len - 1) % this.t.length]! : -Infinity;
    // time may not go back from the last accepted book either (one-sided ones included)
    const last = Math.max(rec, this.bookTs);
    const ts = book.ts;
    const reason =
      ts >= last && ts !== Number.POSITIVE_INFINITY ? checkShape(book, n, this.locked) : R_TS;
    if (reason !== null) {
      if (this.invalidPolicy === 'throw') throwBookError(reason, book, n, last, this.locked);
      this.skipped++;
      return false;
    }
    if (!(book.bidSize[0]! > 0 && book.askSize[0]! > 0)) {
      this.levels = n;
      this.bookTs = ts;
      return false;
    }
    const io = this.io;
    io[0] = ts;
    io[1] = 0.5 * book.bidPrice[0]! + 0.5 * book.askPrice[0]!;
    if (!this.updateCore()) return false;
    this.levels = n;
    this.bookTs = ts;
    return true;
  }

  /** The body of `update`: ts and value come through `io` so no double crosses the call. */
  private updateCore(): boolean {
    const ts = this.io[0]!;
    const value = this.io[1]!;
    const li = (this.head + this.len - 1) % this.t.length;
    const last = this.len > 0 ? this.t[li]! : -Infinity;
    let err: ValidationError | null = null;
    if (!(Number.isFinite(ts) && ts >= last)) {
      err = new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    } else if (!Number.isFinite(value)) {
      err = new ValidationError('value must be finite', { field: 'value', value });
    } else if (
      this.len > 0 &&
      !Number.isFinite(this.closedArea + this.v[li]! * (ts - this.t[li]!))
    ) {
      err = new ValidationError('the time-weighted sum overflows', { field: 'value', value });
    }
    if (err !== null) {
      if (this.invalidPolicy === 'throw') throw err;
      this.skipped++;
      return false;
    }
    if (this.len > 0) this.closedArea += this.v[li]! * (ts - this.t[li]!);
    if (this.len === this.t.length) this.grow();
    const i = (this.head + this.len) % this.t.length;
    this.t[i] = ts;
    this.v[i] = value;
    this.len++;
    this.now = ts;
    this.evict();
    return true;
  }

  /**
   * The TWAP of the window ending at `nowMs`.
   * @param nowMs - query time, not before the last update (default: the last update's time)
   * @returns the TWAP, or `undefined` before any update; the last value when no time has passed
   * @throws `ValidationError` when nowMs is before the last update or the time-weighted sum
   *   overflows (values near the largest double over a long window)
   */
  twap(nowMs?: number): number | undefined {
    if (this.len === 0) return undefined;
    const cap = this.t.length;
    const li = (this.head + this.len - 1) % cap;
    const now = nowMs ?? this.t[li]!;
    if (!(now >= this.t[li]!)) {
      throw new ValidationError('nowMs must not be before the last update', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    // segments that left the window since the last update are skipped, not evicted
    const cut = now - this.windowMs;
    let h = this.head;
    let area = this.closedArea + this.v[li]! * (now - this.t[li]!);
    let left = this.len;
    while (left > 1 && this.t[(h + 1) % cap]! <= cut) {
      const n1 = (h + 1) % cap;
      area -= this.v[h]! * (this.t[n1]! - this.t[h]!);
      h = n1;
      left--;
    }
    let start = this.t[h]!;
    if (start < cut) {
      area -= this.v[h]! * (cut - start);
      start = cut;
    }
    const span = now - start;
    if (!(span > 0)) return this.v[li];
    const x = area / span;
    if (!Number.isFinite(x)) {
      throw new ValidationError('the time-weighted sum overflows at nowMs', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    return x;
  }

  /** Evicts up to `now` (a field, not an argument: no boxed double per call). */
  private evict(): void {
    const cut = this.now - this.windowMs;
    const cap = this.t.length;
    // drop the head while the next segment also starts at or before the cut
    while (this.len > 1 && this.t[(this.head + 1) % cap]! <= cut) {
      const h = this.head;
      const n1 = (h + 1) % cap;
      this.closedArea -= this.v[h]! * (this.t[n1]! - this.t[h]!);
      this.head = n1;
      this.len--;
      if (++this.evicted % this.resyncEvery === 0) this.recompute();
    }
  }

  private recompute(): void {
    const cap = this.t.length;
    let a = 0;
    for (let k = 0; k + 1 < this.len; k++) {
      const i = (this.head + k) % cap;
      const j = (i + 1) % cap;
      a += this.v[i]! * (this.t[j]! - this.t[i]!);
    }
    this.closedArea = a;
  }

  private grow(): void {
    const cap = this.t.length;
    const t = new Float64Array(cap * 2);
    const v = new Float64Array(cap * 2);
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) % cap;
      t[k] = this.t[i]!;
      v[k] = this.v[i]!;
    }
    this.t = t;
    this.v = v;
    this.head = 0;
  }
}

/** A deviation from a reference price. */
export interface PriceDeviation {
  /** In price units. */
  readonly price: number;
  /** In basis points of the reference. */
  readonly bps: number;
}

/**
 * Deviation of a price from a reference (TWAP, VWAP...): price − reference, and the same in basis
 * points of the reference.
 * @param price - the price (mid, last trade...)
 * @param reference - the reference price (> 0)
 * @returns `{ price, bps }` with bps = (price − reference) / reference · 10⁴
 * @throws `ValidationError` on a non-finite value or a non-positive reference
 */
export function priceDeviation(price: number, reference: number): PriceDeviation {
  if (!Number.isFinite(price))
    throw new ValidationError('price must be finite', { field: 'price', value: price });
  if (!(Number.isFinite(reference) && reference > 0)) {
    throw new ValidationError('reference must be finite and > 0', {
      field: 'reference',
      value: reference,
    });
  }
  const d = price - reference;
  const bps = (d / reference) * 1e4;
  if (!(Number.isFinite(d) && Number.isFinite(bps))) {
    throw new ValidationError('the deviation overflows (reference too small for the price)', {
      field: 'reference',
      value: reference,
    });
  }
  return { price: d, bps };
}

/**
 * Slippage of an execution against a benchmark, signed so that a positive number is a cost: a buy
 * above the benchmark or a sell below it.
 * @param side - the execution's side
 * @param price - execution price
 * @param benchmark - benchmark price (> 0)
 * @returns `{ price, bps }`, cost per unit and in basis points of the benchmark
 * @throws `ValidationError` on bad input
 */
export function executionSlippage(side: Side, price: number, benchmark: number): PriceDeviation {
  if (side !== 'buy' && side !== 'sell') {
    throw new ValidationError("side must be 'buy' or 'sell'", { field: 'side', value: side });
  }
  const d = priceDeviation(price, benchmark);
  return side === 'buy' ? d : { price: -d.price, bps: -d.bps };
}
