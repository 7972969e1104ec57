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
import { checkShape, R_TS, throwBookError } from './internal/book.js';

function checkWindow(ms: number): void {
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new ValidationError('windowMs must be finite and > 0', { field: 'windowMs', value: ms });
  }
}

/** Options of {@link RollingVwap} and {@link RollingTwap}. */
export interface RollingWindowOptions {
  /** Window length in ms (> 0). */
  readonly windowMs: number;
  /** Recompute the running sums from the buffer every this many evictions (default 4096). */
  readonly resyncEvery?: number;
}

/**
 * Rolling volume-weighted average price Σ pᵢqᵢ / Σ qᵢ of the trades in (now − windowMs, now].
 *
 * @example
 * ```ts
 * const v = new RollingVwap({ windowMs: 60_000 });
 * v.addTrade(ts, price, qty);
 * v.vwap(now); // undefined when the window holds no trade
 * ```
 */
export class RollingVwap {
  /** Window length in ms. */
  readonly windowMs: number;
  #ts = new Float64Array(256);
  #px = new Float64Array(256);
  #q = new Float64Array(256);
  #head = 0;
  #len = 0;
  #pq = 0;
  #qty = 0;
  #evicted = 0;
  #now = 0;
  #lastTs = Number.NEGATIVE_INFINITY;
  readonly #resync: number;

  /**
   * @param options - window length and resync interval
   * @throws `ValidationError` on bad options
   */
  constructor(options: RollingWindowOptions) {
    checkWindow(options.windowMs);
    this.windowMs = options.windowMs;
    this.#resync = options.resyncEvery ?? 4096;
  }

  /**
   * Adds a trade.
   * @param ts - time in ms, non-decreasing
   * @param price - trade price (finite, > 0)
   * @param qty - quantity (finite, > 0)
   * @throws `ValidationError` on bad input (the trade is not added)
   */
  addTrade(ts: number, price: number, qty: number): void {
    if (!(Number.isFinite(ts) && ts >= this.#lastTs)) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    if (!(Number.isFinite(price) && price > 0)) {
      throw new ValidationError('price must be finite and > 0', { field: 'price', value: price });
    }
    if (!(Number.isFinite(qty) && qty > 0)) {
      throw new ValidationError('qty must be finite and > 0', { field: 'qty', value: qty });
    }
    this.#lastTs = ts;
    this.#now = ts;
    this.#evict();
    if (this.#len === this.#ts.length) this.#grow();
    const cap = this.#ts.length;
    const i = (this.#head + this.#len) % cap;
    this.#ts[i] = ts;
    this.#px[i] = price;
    this.#q[i] = qty;
    this.#len++;
    this.#pq += price * qty;
    this.#qty += qty;
  }

  /**
   * The VWAP of the window ending at `nowMs`.
   * @param nowMs - query time (default: the last trade's), not before the last trade
   * @returns the VWAP, or `undefined` when no trade is in the window
   */
  vwap(nowMs = this.#lastTs): number | undefined {
    if (!(nowMs >= this.#lastTs)) {
      throw new ValidationError('nowMs must not be before the last trade', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    // trades that left the window since the last trade are skipped without being evicted, so a
    // later trade stamped before nowMs still sees them
    const cut = nowMs - this.windowMs;
    const cap = this.#ts.length;
    let pq = this.#pq;
    let q = this.#qty;
    let k = 0;
    for (; k < this.#len; k++) {
      const i = (this.#head + k) % cap;
      if (this.#ts[i] > cut) break;
      pq -= this.#px[i] * this.#q[i];
      q -= this.#q[i];
    }
    if (k === this.#len || !(q > 0)) return undefined;
    return pq / q;
  }

  /** Volume in the window ending at the last trade. */
  get volume(): number {
    return this.#len === 0 ? 0 : this.#qty;
  }

  /** Evicts up to `#now` (a field, not an argument: no boxed double per call). */
  #evict(): void {
    const cut = this.#now - this.windowMs;
    const cap = this.#ts.length;
    while (this.#len > 0 && this.#ts[this.#head] <= cut) {
      const h = this.#head;
      this.#pq -= this.#px[h] * this.#q[h];
      this.#qty -= this.#q[h];
      this.#head = (h + 1) % cap;
      this.#len--;
      if (++this.#evicted % this.#resync === 0) this.#recompute();
    }
    if (this.#len === 0) {
      this.#pq = 0;
      this.#qty = 0;
    }
  }

  #recompute(): void {
    const cap = this.#ts.length;
    let pq = 0;
    let q = 0;
    for (let k = 0; k < this.#len; k++) {
      const i = (this.#head + k) % cap;
      pq += this.#px[i] * this.#q[i];
      q += this.#q[i];
    }
    this.#pq = pq;
    this.#qty = q;
  }

  #grow(): void {
    const cap = this.#ts.length;
    const ts = new Float64Array(cap * 2);
    const px = new Float64Array(cap * 2);
    const q = new Float64Array(cap * 2);
    for (let k = 0; k < this.#len; k++) {
      const i = (this.#head + k) % cap;
      ts[k] = this.#ts[i];
      px[k] = this.#px[i];
      q[k] = this.#q[i];
    }
    this.#ts = ts;
    this.#px = px;
    this.#q = q;
    this.#head = 0;
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
 * t.update(ts, mid);
 * t.twap(now);
 * ```
 */
export class RollingTwap {
  /** Window length in ms. */
  readonly windowMs: number;
  // segment k: value v[k] held over [t[k], t[k+1]); the last segment is open until now
  #t = new Float64Array(256);
  #v = new Float64Array(256);
  #head = 0;
  #len = 0;
  #closedArea = 0; // Σ v·dt over closed segments in the buffer
  #evicted = 0;
  #now = 0;
  readonly #resync: number;
  readonly #io = new Float64Array(2);
  #levels = -1;
  #bookTs = Number.NEGATIVE_INFINITY;

  /**
   * @param options - window length and resync interval
   * @throws `ValidationError` on bad options
   */
  constructor(options: RollingWindowOptions) {
    checkWindow(options.windowMs);
    this.windowMs = options.windowMs;
    this.#resync = options.resyncEvery ?? 4096;
  }

  /**
   * Sets the value from `ts` on.
   * @param ts - time in ms, non-decreasing
   * @param value - finite value
   * @throws `ValidationError` on bad input
   */
  update(ts: number, value: number): void {
    const io = this.#io;
    io[0] = ts;
    io[1] = value;
    this.#updateCore();
  }

  /**
   * Sets the value from `book.ts` on to the book's mid, (best bid + best ask) / 2: the TWAP of the
   * mid without passing numbers across a call (nothing for V8 to box on a hot path; `update(ts,
   * mid)` from a large loop may allocate).
   * @param book - the book (validated: finite, sorted, non-negative sizes, not crossed, time not
   *   going back, the same number of levels each time)
   * @returns true when the mid was recorded, false when the book has an empty side (nothing is
   *   recorded: the previous value holds on)
   * @throws `ValidationError` on an invalid book
   */
  updateMid(book: L2Snapshot): boolean {
    const n = this.#levels < 0 ? book.bidPrice.length : this.#levels;
    const rec = this.#len > 0 ? this.#t[(this.#head + this.#len - 1) % this.#t.length] : -Infinity;
    // time may not go back from the last accepted book either (one-sided ones included)
    const last = Math.max(rec, this.#bookTs);
    const ts = book.ts;
    const reason =
      ts >= last && ts !== Number.POSITIVE_INFINITY ? checkShape(book, n, false) : R_TS;
    if (reason !== null) throwBookError(reason, book, n, last, false);
    this.#levels = n;
    this.#bookTs = ts;
    if (!(book.bidSize[0] > 0 && book.askSize[0] > 0)) return false;
    const io = this.#io;
    io[0] = ts;
    io[1] = 0.5 * (book.bidPrice[0] + book.askPrice[0]);
    this.#updateCore();
    return true;
  }

  /** The body of `update`: ts and value come through `#io` so no double crosses the call. */
  #updateCore(): void {
    const ts = this.#io[0];
    const value = this.#io[1];
    const last = this.#len > 0 ? this.#t[(this.#head + this.#len - 1) % this.#t.length] : -Infinity;
    if (!(Number.isFinite(ts) && ts >= last)) {
      throw new ValidationError('ts must be finite and non-decreasing', { field: 'ts', value: ts });
    }
    if (!Number.isFinite(value)) {
      throw new ValidationError('value must be finite', { field: 'value', value });
    }
    if (this.#len > 0) {
      const li = (this.#head + this.#len - 1) % this.#t.length;
      this.#closedArea += this.#v[li] * (ts - this.#t[li]);
    }
    if (this.#len === this.#t.length) this.#grow();
    const i = (this.#head + this.#len) % this.#t.length;
    this.#t[i] = ts;
    this.#v[i] = value;
    this.#len++;
    this.#now = ts;
    this.#evict();
  }

  /**
   * The TWAP of the window ending at `nowMs`.
   * @param nowMs - query time, not before the last update (default: the last update's time)
   * @returns the TWAP, or `undefined` before any update; the last value when no time has passed
   */
  twap(nowMs?: number): number | undefined {
    if (this.#len === 0) return undefined;
    const cap = this.#t.length;
    const li = (this.#head + this.#len - 1) % cap;
    const now = nowMs ?? this.#t[li];
    if (!(now >= this.#t[li])) {
      throw new ValidationError('nowMs must not be before the last update', {
        field: 'nowMs',
        value: nowMs,
      });
    }
    // segments that left the window since the last update are skipped, not evicted
    const cut = now - this.windowMs;
    let h = this.#head;
    let area = this.#closedArea + this.#v[li] * (now - this.#t[li]);
    let left = this.#len;
    while (left > 1 && this.#t[(h + 1) % cap] <= cut) {
      const n1 = (h + 1) % cap;
      area -= this.#v[h] * (this.#t[n1] - this.#t[h]);
      h = n1;
      left--;
    }
    let start = this.#t[h];
    if (start < cut) {
      area -= this.#v[h] * (cut - start);
      start = cut;
    }
    const span = now - start;
    if (!(span > 0)) return this.#v[li];
    return area / span;
  }

  /** Evicts up to `#now` (a field, not an argument: no boxed double per call). */
  #evict(): void {
    const cut = this.#now - this.windowMs;
    const cap = this.#t.length;
    // drop the head while the next segment also starts at or before the cut
    while (this.#len > 1 && this.#t[(this.#head + 1) % cap] <= cut) {
      const h = this.#head;
      const n1 = (h + 1) % cap;
      this.#closedArea -= this.#v[h] * (this.#t[n1] - this.#t[h]);
      this.#head = n1;
      this.#len--;
      if (++this.#evicted % this.#resync === 0) this.#recompute();
    }
  }

  #recompute(): void {
    const cap = this.#t.length;
    let a = 0;
    for (let k = 0; k + 1 < this.#len; k++) {
      const i = (this.#head + k) % cap;
      const j = (i + 1) % cap;
      a += this.#v[i] * (this.#t[j] - this.#t[i]);
    }
    this.#closedArea = a;
  }

  #grow(): void {
    const cap = this.#t.length;
    const t = new Float64Array(cap * 2);
    const v = new Float64Array(cap * 2);
    for (let k = 0; k < this.#len; k++) {
      const i = (this.#head + k) % cap;
      t[k] = this.#t[i];
      v[k] = this.#v[i];
    }
    this.#t = t;
    this.#v = v;
    this.#head = 0;
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
  return { price: d, bps: (d / reference) * 1e4 };
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
