/**
 * Turning a sequence of N-level L2 snapshots into the N-level deltas that rebuild it exactly.
 *
 * @module
 */
import { createL2Snapshot, type L2Delta, type L2Snapshot, type Side } from '@x/core';

/**
 * Produces, for each new N-level snapshot, the minimal `L2Delta`s that bring a book kept
 * with core's `applyL2Delta` from the previous snapshot to the new one, exactly.
 *
 * `applyL2Delta` drops levels pushed beyond N and cannot know a deeper level that moves up into
 * view, so naive per-level deltas drift. This tracker diffs the visible N levels instead, and
 * orders each side's deltas as removals, then size changes, then insertions, so the consumer's
 * book never pushes out a level it still needs and every level that comes into view is sent.
 *
 * @example
 * ```ts
 * const generator = new OrderFlowGenerator({ seed: 42, rates: cst2010Rates(10) });
 * const tracker = new L2DeltaTracker(10);
 * const consumer = createL2Snapshot(10);
 * for (const snap of generator.l2Snapshots(10, { count: 1000 })) {
 *   tracker.diff(snap, (d) => applyL2Delta(consumer, d)); // consumer now equals snap
 *   if (consumer.bidSize.some((q, i) => q !== snap.bidSize[i])) throw new Error('drift');
 * }
 * ```
 */
export class L2DeltaTracker {
  /** The book as the consumer sees it after the last {@link L2DeltaTracker.diff}. */
  private readonly shadow: L2Snapshot;
  private readonly levels: number;

  /**
   * @param levels - N, the number of levels per side
   */
  constructor(levels: number) {
    this.shadow = createL2Snapshot(levels);
    this.levels = levels;
  }

  /** Forgets the consumer's state (the next diff sends every level). */
  reset(): void {
    this.shadow.bidPrice.fill(0);
    this.shadow.bidSize.fill(0);
    this.shadow.askPrice.fill(0);
    this.shadow.askSize.fill(0);
  }

  /**
   * Emits the deltas from the previous snapshot to `next` and remembers `next`.
   * @param next - the new snapshot (N levels; it is copied, not kept)
   * @param emit - receives each delta, in the order to apply them
   * @returns the number of deltas emitted
   */
  diff(next: L2Snapshot, emit: (delta: L2Delta) => void): number {
    const ts = next.ts;
    let n = this.diffSide(
      'buy',
      ts,
      this.shadow.bidPrice,
      this.shadow.bidSize,
      next.bidPrice,
      next.bidSize,
      emit,
    );
    n += this.diffSide(
      'sell',
      ts,
      this.shadow.askPrice,
      this.shadow.askSize,
      next.askPrice,
      next.askSize,
      emit,
    );
    this.shadow.ts = ts;
    return n;
  }

  private diffSide(
    side: Side,
    ts: number,
    oldP: Float64Array,
    oldS: Float64Array,
    newP: Float64Array,
    newS: Float64Array,
    emit: (delta: L2Delta) => void,
  ): number {
    const n = this.levels;
    let count = 0;
    // removals: old levels absent from the new top N
    for (let i = 0; i < n && oldS[i]! > 0; i++) {
      const p = oldP[i]!;
      if (findLevel(newP, newS, p, n) < 0) {
        emit({ ts, side, price: p, size: 0 });
        count++;
      }
    }
    // size changes, then insertions, best first
    for (let j = 0; j < n && newS[j]! > 0; j++) {
      const p = newP[j]!;
      const k = findLevel(oldP, oldS, p, n);
      if (k >= 0 && oldS[k] === newS[j]) continue;
      if (k >= 0) {
        emit({ ts, side, price: p, size: newS[j]! });
        count++;
      }
    }
    for (let j = 0; j < n && newS[j]! > 0; j++) {
      const p = newP[j]!;
      if (findLevel(oldP, oldS, p, n) < 0) {
        emit({ ts, side, price: p, size: newS[j]! });
        count++;
      }
    }
    oldP.set(newP);
    oldS.set(newS);
    return count;
  }
}

function findLevel(prices: Float64Array, sizes: Float64Array, p: number, n: number): number {
  for (let i = 0; i < n && sizes[i]! > 0; i++) if (prices[i] === p) return i;
  return -1;
}
