/**
 * One side of {@link TickBook}'s price ladder: the non-empty levels' prices and pool slots in
 * sorted typed arrays, best level last.
 */
import { grown } from './grow.js';

/**
 * One side's sorted levels: prices ascending for bids and descending for asks, so the best level
 * is always the last element (adding and removing at the touch is O(1)).
 */
export class SideLevels {
  prices = new Float64Array(64);
  slots = new Int32Array(64);
  count = 0;
  /** total resting lots on this side */
  lots = 0;
  /** total resting orders on this side */
  orders = 0;

  constructor(readonly isBid: boolean) {}

  /** index of the first element not "less" than price, in the side's order */
  lowerBound(price: number): number {
    let lo = 0;
    let hi = this.count;
    const p = this.prices;
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (p[mid]! < price) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (p[mid]! > price) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  /** The level slot at `price`, or -1 (best level first, then a binary search). */
  find(price: number): number {
    const n = this.count;
    if (n === 0) return -1;
    if (this.prices[n - 1] === price) return this.slots[n - 1]!;
    const i = this.lowerBound(price);
    return i < n && this.prices[i] === price ? this.slots[i]! : -1;
  }

  insert(price: number, slot: number): void {
    if (this.count === this.prices.length) {
      this.prices = grown(this.prices, this.count * 2);
      this.slots = grown(this.slots, this.count * 2);
    }
    const n = this.count;
    // fast path: a new best level
    if (n === 0 || (this.isBid ? price > this.prices[n - 1]! : price < this.prices[n - 1]!)) {
      this.prices[n] = price;
      this.slots[n] = slot;
    } else {
      const i = this.lowerBound(price);
      const p = this.prices;
      const sl = this.slots;
      if (n - i < 32) {
        // short moves: a plain loop beats the typed-array copyWithin call
        for (let k = n; k > i; k--) {
          p[k] = p[k - 1]!;
          sl[k] = sl[k - 1]!;
        }
      } else {
        p.copyWithin(i + 1, i, n);
        sl.copyWithin(i + 1, i, n);
      }
      p[i] = price;
      sl[i] = slot;
    }
    this.count = n + 1;
  }

  remove(price: number): void {
    const n = this.count;
    if (this.prices[n - 1] === price) {
      this.count = n - 1;
      return;
    }
    const i = this.lowerBound(price);
    const p = this.prices;
    const sl = this.slots;
    if (n - i < 32) {
      for (let k = i; k < n - 1; k++) {
        p[k] = p[k + 1]!;
        sl[k] = sl[k + 1]!;
      }
    } else {
      p.copyWithin(i, i + 1, n);
      sl.copyWithin(i, i + 1, n);
    }
    this.count = n - 1;
  }
}
