/**
 * A full-depth order book kept from incremental L2 updates, read as N-level snapshots.
 *
 * @module
 */
import { createL2Snapshot, type L2Snapshot, ValidationError } from '@x/core';
import type { L2Update } from './csv.js';

/** One side: prices sorted best first, with their sizes, in growable typed arrays. */
class Side {
  prices = new Float64Array(64);
  sizes = new Float64Array(64);
  n = 0;
  constructor(private readonly bid: boolean) {}

  /** Index of `price`, or -(insertion point) - 1. */
  private find(price: number): number {
    let lo = 0;
    let hi = this.n - 1;
    const p = this.prices;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const q = p[mid]!;
      if (q === price) return mid;
      if (this.bid ? q > price : q < price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  set(price: number, size: number): void {
    const i = this.find(price);
    if (i >= 0) {
      if (size > 0) this.sizes[i] = size;
      else {
        this.prices.copyWithin(i, i + 1, this.n);
        this.sizes.copyWithin(i, i + 1, this.n);
        this.n--;
      }
      return;
    }
    if (size === 0) return;
    const at = -i - 1;
    if (this.n === this.prices.length) this.grow();
    this.prices.copyWithin(at + 1, at, this.n);
    this.sizes.copyWithin(at + 1, at, this.n);
    this.prices[at] = price;
    this.sizes[at] = size;
    this.n++;
  }

  private grow(): void {
    const p = new Float64Array(this.prices.length * 2);
    const s = new Float64Array(this.sizes.length * 2);
    p.set(this.prices);
    s.set(this.sizes);
    this.prices = p;
    this.sizes = s;
  }

  write(prices: Float64Array, sizes: Float64Array): void {
    const k = Math.min(this.n, prices.length);
    prices.set(this.prices.subarray(0, k));
    sizes.set(this.sizes.subarray(0, k));
    prices.fill(0, k);
    sizes.fill(0, k);
  }
}

/**
 * Keeps the whole book from {@link L2Update}s (every level, not only the top N, so a level that
 * moves into the top N later is right) and writes its top N levels into an `L2Snapshot`.
 * A snapshot row after update rows starts a new book, as vendors' incremental files mean it.
 *
 * @example
 * ```ts
 * const book = new L2BookBuilder();
 * book.apply({ ts: 1, side: 'buy', price: 99, size: 2, snapshot: true });
 * book.apply({ ts: 1, side: 'sell', price: 101, size: 1, snapshot: true });
 * book.apply({ ts: 2, side: 'buy', price: 100, size: 5, snapshot: false });
 * book.snapshot(2).bidPrice; // Float64Array [100, 99]
 * ```
 */
export class L2BookBuilder {
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  private inSnapshot = false;
  /** The time of the last update applied (`-Infinity` before the first). */
  ts = Number.NEGATIVE_INFINITY;

  /** The number of price levels on each side: `bids` and `asks`, every level, not only the top N. */
  get depth(): {
    /** Bid price levels. */
    readonly bids: number;
    /** Ask price levels. */
    readonly asks: number;
  } {
    return { bids: this.bids.n, asks: this.asks.n };
  }

  /**
   * Applies one update: the level's new total size (0 removes it).
   * @param u - the update
   * @throws `ValidationError` for a non-finite or non-positive price, a negative size, or a
   *   time before the last update's; the book is then unchanged
   */
  apply(u: L2Update): void {
    if (!(u.price > 0) || u.price === Number.POSITIVE_INFINITY) {
      throw new ValidationError('price must be finite and > 0', { field: 'price', value: u.price });
    }
    if (!(u.size >= 0) || u.size === Number.POSITIVE_INFINITY) {
      throw new ValidationError('size must be finite and >= 0', { field: 'size', value: u.size });
    }
    if (!(u.ts >= this.ts)) {
      throw new ValidationError(`ts ${u.ts} is before the last update's ${this.ts}`, {
        field: 'ts',
        value: u.ts,
      });
    }
    if (u.snapshot && !this.inSnapshot) {
      this.bids.n = 0;
      this.asks.n = 0;
    }
    this.inSnapshot = u.snapshot;
    this.ts = u.ts;
    (u.side === 'buy' ? this.bids : this.asks).set(u.price, u.size);
  }

  /**
   * The top N levels per side, best first (empty levels price 0, size 0).
   * @param levels - N
   * @param out - a book of N levels to write into (a new one by default)
   * @returns the book, with `ts` of the last update
   */
  snapshot(levels: number, out: L2Snapshot = createL2Snapshot(levels)): L2Snapshot {
    if (out.bidPrice.length !== levels) {
      throw new ValidationError(`out must have ${levels} levels`, { field: 'out' });
    }
    this.bids.write(out.bidPrice, out.bidSize);
    this.asks.write(out.askPrice, out.askSize);
    out.ts = this.ts === Number.NEGATIVE_INFINITY ? 0 : this.ts;
    return out;
  }
}
