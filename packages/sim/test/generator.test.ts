import { applyL2Delta, createL2Snapshot, type L2Delta, validateL2Snapshot } from '@x/core';
import { describe, expect, it } from 'vitest';
import { cst2010Rates, OrderFlowGenerator } from '../src/index.js';

describe('OrderFlowGenerator: reproducibility and stream shapes', () => {
  it('the same seed gives the same events; another seed differs', () => {
    const take = (seed: number) => [
      ...new OrderFlowGenerator({ seed, rates: cst2010Rates(5) }).events({ count: 2000 }),
    ];
    const a = take(7);
    expect(take(7)).toEqual(a);
    expect(take(8)).not.toEqual(a);
    expect(a).toHaveLength(2000);
  });

  it('L2 deltas rebuild every N-level snapshot exactly', () => {
    const N = 10;
    const snaps = new OrderFlowGenerator({ seed: 3, rates: cst2010Rates(N) });
    const deltasGen = new OrderFlowGenerator({ seed: 3, rates: cst2010Rates(N) });
    const deltas = deltasGen.l2Deltas(N);
    const book = createL2Snapshot(N);
    let pending: L2Delta | undefined;
    let checked = 0;
    for (const snap of snaps.l2Snapshots(N, { count: 5000 })) {
      validateL2Snapshot(snap);
      // apply deltas until the book's ts passes this snapshot's ts
      for (;;) {
        const d = pending ?? deltas.next().value;
        pending = undefined;
        if (d === undefined) break;
        if (d.ts > snap.ts) {
          pending = d;
          break;
        }
        applyL2Delta(book, d);
      }
      expect(Array.from(book.bidPrice)).toEqual(Array.from(snap.bidPrice));
      expect(Array.from(book.bidSize)).toEqual(Array.from(snap.bidSize));
      expect(Array.from(book.askPrice)).toEqual(Array.from(snap.askPrice));
      expect(Array.from(book.askSize)).toEqual(Array.from(snap.askSize));
      checked++;
    }
    expect(checked).toBe(5000);
  });

  it('L3 events are consistent: executes only hit live orders, cancels remove them', () => {
    const gen = new OrderFlowGenerator({ seed: 11, rates: cst2010Rates(5) });
    const live = new Map<string | number, number>();
    let trades = 0;
    let execs = 0;
    for (const e of gen.events({ count: 20_000 })) {
      if (e.type === 'add') {
        expect(live.has(e.orderId)).toBe(false);
        live.set(e.orderId, e.qty);
      } else if (e.type === 'cancel') {
        expect(live.get(e.orderId)).toBe(e.qty);
        live.delete(e.orderId);
      } else if (e.type === 'execute') {
        execs++;
        const q = live.get(e.makerOrderId);
        expect(q).toBeGreaterThanOrEqual(e.qty);
        if (q === e.qty) live.delete(e.makerOrderId);
        else live.set(e.makerOrderId, q! - e.qty);
      } else if (e.type === 'trade') {
        trades++;
      }
    }
    expect(trades).toBe(execs);
    expect(trades).toBeGreaterThan(0);
    expect(live.size).toBe(gen.book.size());
  });
});
