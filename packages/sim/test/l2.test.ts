import { applyL2Delta, createL2Snapshot, type L2Delta, type L2Snapshot } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L2DeltaTracker } from '../src/index.js';

/** The top N levels of a full-depth book given as price → size maps. */
function topN(bids: Map<number, number>, asks: Map<number, number>, n: number, ts: number) {
  const snap = createL2Snapshot(n);
  snap.ts = ts;
  const b = [...bids].filter(([, s]) => s > 0).sort((x, y) => y[0] - x[0]);
  const a = [...asks].filter(([, s]) => s > 0).sort((x, y) => x[0] - y[0]);
  for (let i = 0; i < n && i < b.length; i++) {
    snap.bidPrice[i] = b[i]![0];
    snap.bidSize[i] = b[i]![1];
  }
  for (let i = 0; i < n && i < a.length; i++) {
    snap.askPrice[i] = a[i]![0];
    snap.askSize[i] = a[i]![1];
  }
  return snap;
}

const same = (x: L2Snapshot, y: L2Snapshot) => {
  expect(Array.from(x.bidPrice)).toEqual(Array.from(y.bidPrice));
  expect(Array.from(x.bidSize)).toEqual(Array.from(y.bidSize));
  expect(Array.from(x.askPrice)).toEqual(Array.from(y.askPrice));
  expect(Array.from(x.askSize)).toEqual(Array.from(y.askSize));
};

describe('L2DeltaTracker', () => {
  it('deltas rebuild every N-level view of a full-depth book, including levels moving into view', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 0, max: 4 })),
          { minLength: 1, maxLength: 120 },
        ),
        (n, changes) => {
          // bids live at prices 1..15 and asks at 16..30, so the book never crosses
          const bids = new Map<number, number>();
          const asks = new Map<number, number>();
          const tracker = new L2DeltaTracker(n);
          const consumer = createL2Snapshot(n);
          let ts = 0;
          for (const [isBid, p, size] of changes) {
            if (isBid) bids.set(p, size);
            else asks.set(15 + p, size);
            const snap = topN(bids, asks, n, ++ts);
            const deltas: L2Delta[] = [];
            tracker.diff(snap, (d) => deltas.push(d));
            for (const d of deltas) applyL2Delta(consumer, d);
            same(consumer, snap);
            // minimal: an unchanged view gives no deltas
            expect(tracker.diff(snap, () => {})).toBe(0);
          }
        },
      ),
      fcParams({ numRuns: 300 }),
    );
  });

  it('reset sends the whole book again', () => {
    const tracker = new L2DeltaTracker(2);
    const snap = createL2Snapshot(2);
    snap.bidPrice.set([10, 9]);
    snap.bidSize.set([1, 2]);
    snap.askPrice.set([11, 0]);
    snap.askSize.set([3, 0]);
    expect(tracker.diff(snap, () => {})).toBe(3);
    tracker.reset();
    const again: L2Delta[] = [];
    tracker.diff(snap, (d) => again.push(d));
    expect(again.map((d) => [d.side, d.price, d.size])).toEqual([
      ['buy', 10, 1],
      ['buy', 9, 2],
      ['sell', 11, 3],
    ]);
  });
});
