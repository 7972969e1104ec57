/**
 * The engine's waiting stops and expiring orders in price- and time-ordered heaps, so that a
 * command costs O(log n) in the number of waiting orders instead of a scan of all of them.
 */
import { IndexedHeap } from './heap.js';
import type { OrderRecord } from './records.js';

const bySeq = (a: OrderRecord, b: OrderRecord) => a.seq < b.seq;

/** Whether a waiting stop's condition holds at the last trade price (buy: ≥, sell: ≤). */
function stopMet(rec: OrderRecord, lastTicks: number): boolean {
  return rec.side === 'buy' ? lastTicks >= rec.stopTicks : lastTicks <= rec.stopTicks;
}

/**
 * Waiting stop orders. Buy stops sit in a min-heap of trigger prices, sell stops in a max-heap;
 * stops whose condition has held go to a heap by submission order, from which the earliest one
 * whose condition holds now comes out first: the rule "among the stops the last price has
 * reached, the earliest submitted triggers first", in O(log n) per stop moved.
 */
export class StopQueue {
  private readonly buys = new IndexedHeap<OrderRecord>(
    (a, b) => a.stopTicks < b.stopTicks || (a.stopTicks === b.stopTicks && a.seq < b.seq),
    0,
  );
  private readonly sells = new IndexedHeap<OrderRecord>(
    (a, b) => a.stopTicks > b.stopTicks || (a.stopTicks === b.stopTicks && a.seq < b.seq),
    0,
  );
  /** Stops whose condition held at some check (it may not hold any more). */
  private readonly reached = new IndexedHeap<OrderRecord>(bySeq, 0);

  /** Number of waiting stops. */
  get size(): number {
    return this.buys.size + this.sells.size + this.reached.size;
  }

  /** Adds a waiting stop (or re-adds one whose trigger price changed, after {@link remove}). */
  add(rec: OrderRecord): void {
    (rec.side === 'buy' ? this.buys : this.sells).push(rec);
  }

  /** Removes a stop (canceled, expired, re-priced); no-op when it is not waiting. */
  remove(rec: OrderRecord): void {
    if (!this.buys.remove(rec) && !this.sells.remove(rec)) this.reached.remove(rec);
  }

  /**
   * Takes out the earliest-submitted stop whose condition holds at `lastTicks`, or returns
   * `undefined` when none does.
   */
  next(lastTicks: number): OrderRecord | undefined {
    for (
      let r = this.buys.peek();
      r !== undefined && r.stopTicks <= lastTicks;
      r = this.buys.peek()
    ) {
      this.buys.pop();
      this.reached.push(r);
    }
    for (
      let r = this.sells.peek();
      r !== undefined && r.stopTicks >= lastTicks;
      r = this.sells.peek()
    ) {
      this.sells.pop();
      this.reached.push(r);
    }
    for (let r = this.reached.peek(); r !== undefined; r = this.reached.peek()) {
      this.reached.pop();
      if (stopMet(r, lastTicks)) return r;
      this.add(r); // the price moved back: it waits again, by price
    }
    return undefined;
  }
}

/** Orders with an expiry time, earliest expiry first (then submission order). */
export class ExpiryQueue {
  private readonly heap = new IndexedHeap<OrderRecord>(
    (a, b) => a.expireAtMs < b.expireAtMs || (a.expireAtMs === b.expireAtMs && a.seq < b.seq),
    1,
  );

  /** Number of queued orders. */
  get size(): number {
    return this.heap.size;
  }

  /** Queues an order with a finite `expireAtMs`. */
  add(rec: OrderRecord): void {
    this.heap.push(rec);
  }

  /** Drops an order that closed before its expiry; no-op when it is not queued. */
  remove(rec: OrderRecord): void {
    this.heap.remove(rec);
  }

  /** Takes out the next order whose expiry is at or before `nowMs`, or `undefined`. */
  nextDue(nowMs: number): OrderRecord | undefined {
    const top = this.heap.peek();
    if (top === undefined || top.expireAtMs > nowMs) return undefined;
    this.heap.pop();
    return top;
  }
}
