import {
  applyL2Delta,
  createL2Snapshot,
  type L2Delta,
  ValidationError,
  validateL2Snapshot,
} from '@x/core';
import { expectArraysClose, expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { cst2010Rates, OrderFlowGenerator, TickBook } from '../src/index.js';

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

// ---------------------------------------------------------------------------------------------
// The model: empirical rates measured on the output stream match the configured rates
// ---------------------------------------------------------------------------------------------

/** Rebuilds order counts per price from the L3 stream and measures CST's estimators on it. */
function measureRates(gen: OrderFlowGenerator, K: number, count: number) {
  const bids = new Map<number, number>(); // price -> number of orders
  const asks = new Map<number, number>();
  const side = new Map<string | number, 'buy' | 'sell'>();
  const price = new Map<string | number, number>();
  const limits = new Float64Array(K + 1); // index K = beyond
  const cancels = new Float64Array(K + 1);
  const exposure = new Float64Array(K + 1); // ∫ orders at distance i dt, both sides
  const takers = new Set<string | number>();
  let marketBuys = 0;
  let marketSells = 0;
  let tPrev = 0;
  const best = (m: Map<number, number>, isBid: boolean) => {
    let b = isBid ? -Infinity : Infinity;
    for (const p of m.keys()) if (isBid ? p > b : p < b) b = p;
    return b;
  };
  const bump = (m: Map<number, number>, p: number, d: number) => {
    const n = (m.get(p) ?? 0) + d;
    if (n === 0) m.delete(p);
    else m.set(p, n);
  };
  let bb = Number.NaN;
  let ba = Number.NaN;
  let refBid = Number.NaN;
  let refAsk = Number.NaN;
  for (const e of gen.events({ count })) {
    const t = e.ts / 1000;
    if (t > 0 && t > tPrev) {
      // exposure of the state since the previous event
      const dt = t - tPrev;
      for (const [p, n] of bids) exposure[Math.min(K, refAsk - p - 1)]! += n * dt;
      for (const [p, n] of asks) exposure[Math.min(K, p - refBid - 1)]! += n * dt;
      tPrev = t;
    }
    if (e.type === 'add') {
      if (t > 0) {
        const d = e.side === 'buy' ? refAsk - e.price : e.price - refBid;
        limits[Math.min(K, d - 1)]!++;
      }
      bump(e.side === 'buy' ? bids : asks, e.price, 1);
      side.set(e.orderId, e.side);
      price.set(e.orderId, e.price);
    } else if (e.type === 'cancel') {
      const d = e.side === 'buy' ? refAsk - e.price : e.price - refBid;
      cancels[Math.min(K, d - 1)]!++;
      bump(e.side === 'buy' ? bids : asks, e.price, -1);
    } else if (e.type === 'execute') {
      if (!takers.has(e.takerOrderId)) {
        takers.add(e.takerOrderId);
        if (e.side === 'sell') marketBuys++;
        else marketSells++;
      }
      // unit orders: every execution removes one order
      bump(e.side === 'buy' ? bids : asks, e.price, -1);
    }
    bb = best(bids, true);
    ba = best(asks, false);
    if (Number.isFinite(bb)) refBid = bb;
    if (Number.isFinite(ba)) refAsk = ba;
  }
  return { T: tPrev, limits, cancels, exposure, marketBuys, marketSells };
}

/** |observed − expected| / sqrt(expected) for a Poisson count: a z-score. */
const z = (observed: number, expected: number) => (observed - expected) / Math.sqrt(expected);

describe('OrderFlowGenerator: the Cont–Stoikov–Talreja model', () => {
  it('empirical λ(i), θ(i) and μ match the configured rates within sampling error', () => {
    const K = 5;
    const rates = cst2010Rates(K);
    const gen = new OrderFlowGenerator({ seed: 2010, rates });
    const m = measureRates(gen, K, 300_000);
    const skipped = gen.stats().skippedMarketOrders;
    expect(m.T).toBeGreaterThan(5000);
    const zs: number[] = [];
    for (let i = 0; i < K; i++) {
      // limit orders arrive on each side at rate λ(i): 2λ(i)T in total
      zs.push(z(m.limits[i]!, 2 * rates.lambda[i]! * m.T));
      // each resting order at distance i cancels at rate θ(i): θ(i)·∫x_i dt
      zs.push(z(m.cancels[i]!, rates.theta[i]! * m.exposure[i]!));
    }
    zs.push(z(m.marketBuys + m.marketSells + skipped, 2 * rates.mu * m.T));
    zs.push(z(m.cancels[K]!, rates.theta[K - 1]! * m.exposure[K]! + 1e-9));
    expect(m.limits[K]).toBe(0); // limit orders only arrive within K ticks
    for (const [j, v] of zs.entries())
      expect(Math.abs(v), `rate check ${j}: z = ${v}`).toBeLessThan(4.5);
    // the checks have power: a 5% error in λ(1) would be far outside the band
    expect(Math.abs(z(m.limits[0]!, 1.05 * 2 * rates.lambda[0]! * m.T))).toBeGreaterThan(6);
  });

  it('the estimators recover non-default rates too', () => {
    const rates = { lambda: [3, 0.5, 2], theta: [0.2, 1.5, 0.4], mu: 2.5 };
    const gen = new OrderFlowGenerator({ seed: 99, rates, initialDepth: [3, 3, 3] });
    const m = measureRates(gen, 3, 200_000);
    const skipped = gen.stats().skippedMarketOrders;
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(z(m.limits[i]!, 2 * rates.lambda[i]! * m.T))).toBeLessThan(4.5);
      expect(Math.abs(z(m.cancels[i]!, rates.theta[i]! * m.exposure[i]!))).toBeLessThan(4.5);
    }
    expect(Math.abs(z(m.marketBuys + m.marketSells + skipped, 2 * rates.mu * m.T))).toBeLessThan(
      4.5,
    );
  });
});

describe('OrderFlowGenerator: informed trader', () => {
  it('pushes the price to a fixed efficient price, with known toxicity', () => {
    const gen = new OrderFlowGenerator({
      seed: 5,
      rates: cst2010Rates(5),
      informed: { rate: 2, volatilityTicks: 0, initialOffsetTicks: 25 },
    });
    const v = gen.efficientPriceTicks;
    let informedBuys = 0;
    let informedSells = 0;
    let trades = 0;
    for (const e of gen.trades({ count: 4000 })) {
      trades++;
      if (e.informed === true) {
        // the informed trader trades only toward v: buys below it, sells above it
        if (e.aggressor === 'buy') {
          informedBuys++;
          expect(e.price).toBeLessThan(v);
        } else {
          informedSells++;
          expect(e.price).toBeGreaterThan(v);
        }
      }
    }
    const mid = 0.5 * (gen.book.bestBid() + gen.book.bestAsk());
    expect(informedBuys).toBeGreaterThan(50);
    // the informed trader only buys below v and sells above it: the mid ends near v
    expect(Math.abs(mid - v)).toBeLessThan(6);
    const s = gen.stats();
    expect(informedBuys + informedSells).toBe(s.informedOrders);
    expect(s.informedOrders + s.marketOrders).toBe(trades);
  });

  it('a random-walk efficient price is tracked by the mid (known impact)', () => {
    // mean |mid − v| with an active informed trader, and with one that almost never comes
    const meanGap = (rate: number) => {
      const gen = new OrderFlowGenerator({
        seed: 8,
        rates: cst2010Rates(5),
        informed: { rate, volatilityTicks: 0.3 },
      });
      let sum = 0;
      let n = 0;
      let k = 0;
      for (const snap of gen.l2Snapshots(1, { count: 60_000 })) {
        if (++k < 5000) continue; // burn-in
        if (snap.bidSize[0]! > 0 && snap.askSize[0]! > 0) {
          sum += Math.abs(0.5 * (snap.bidPrice[0]! + snap.askPrice[0]!) - gen.efficientPriceTicks);
          n++;
        }
      }
      return { gap: sum / n, stats: gen.stats() };
    };
    const active = meanGap(3);
    const absent = meanGap(1e-4);
    expect(active.stats.elapsedSeconds).toBeGreaterThan(2000);
    expect(active.stats.informedOrders).toBeGreaterThan(100);
    expect(active.gap).toBeLessThan(5);
    expect(absent.gap).toBeGreaterThan(4 * active.gap);
  });
});

describe('OrderFlowGenerator: input validation', () => {
  it('rejects bad configs with typed errors', () => {
    const bad = [
      { seed: 1, rates: { lambda: [1, 2], theta: [1], mu: 1 } },
      { seed: 1, rates: { lambda: [-1], theta: [1], mu: 1 } },
      { seed: 1, rates: { lambda: [Number.NaN], theta: [1], mu: 1 } },
      { seed: 1, rates: { lambda: [0], theta: [0], mu: 0 } },
      { seed: 1, orderSizeLots: 0.5 },
      { seed: 1.5 },
      { seed: 1, informed: { rate: 0, volatilityTicks: 1 } },
    ];
    for (const c of bad) expect(() => new OrderFlowGenerator(c)).toThrow(ValidationError);
  });
});

describe('OrderFlowGenerator.collectL2', () => {
  it('collects exactly the snapshot stream into row-major arrays', () => {
    const series = new OrderFlowGenerator({ seed: 12, rates: cst2010Rates(10) }).collectL2(10, 500);
    let r = 0;
    for (const s of new OrderFlowGenerator({ seed: 12, rates: cst2010Rates(10) }).l2Snapshots(10, {
      count: 500,
    })) {
      expect(series.ts[r]).toBe(s.ts);
      expect(Array.from(series.bidPrice.subarray(r * 10, r * 10 + 10))).toEqual(
        Array.from(s.bidPrice),
      );
      expect(Array.from(series.askSize.subarray(r * 10, r * 10 + 10))).toEqual(
        Array.from(s.askSize),
      );
      r++;
    }
    expect(r).toBe(500);
    expect(() => new OrderFlowGenerator({ seed: 1 }).collectL2(10, 0)).toThrow(ValidationError);
  });
});

describe('OrderFlowGenerator.steps', () => {
  it('yields per-step batches after which the book equals the L3 replay', () => {
    const gen = new OrderFlowGenerator({ seed: 21, rates: cst2010Rates(5), orderSizeLots: 2 });
    const replay = new TickBook();
    let batches = 0;
    let events = 0;
    for (const batch of gen.steps({ count: 5000 })) {
      batches++;
      for (const e of batch) {
        events++;
        if (e.type === 'add') replay.submit(e.orderId, e.side, e.price, e.qty);
        else if (e.type === 'cancel') replay.cancel(e.orderId);
        else if (e.type === 'execute') {
          const left = replay.remainingLots(e.makerOrderId) - e.qty;
          if (left === 0) replay.cancel(e.makerOrderId);
          else replay.amend(e.makerOrderId, replay.order(e.makerOrderId)!.priceTicks, left);
        }
      }
      expect(replay.size()).toBe(gen.book.size());
      expect(replay.bestBid()).toBe(gen.book.bestBid());
      expect(replay.bestAsk()).toBe(gen.book.bestAsk());
      expect(replay.sideLots('buy')).toBe(gen.book.sideLots('buy'));
      expect(replay.sideLots('sell')).toBe(gen.book.sideLots('sell'));
    }
    expect(batches).toBe(5000);
    expect(events).toBeGreaterThan(5000);
    // the same seed through events() gives the same flattened stream
    const again = [
      ...new OrderFlowGenerator({ seed: 21, rates: cst2010Rates(5), orderSizeLots: 2 }).events({
        count: 100,
      }),
    ];
    const viaSteps: unknown[] = [];
    for (const b of new OrderFlowGenerator({
      seed: 21,
      rates: cst2010Rates(5),
      orderSizeLots: 2,
    }).steps()) {
      viaSteps.push(...b);
      if (viaSteps.length >= 100) break;
    }
    expect(viaSteps.slice(0, 100)).toEqual(again);
  });
});

describe('OrderFlowGenerator: closed form', () => {
  it('with μ = 0 and one level each queue is M/M/∞: Poisson(λ/θ) in the stationary state', () => {
    // K = 1 and no market orders: bids only arrive at ask − 1 and asks at bid + 1, so prices never
    // move and each queue is an M/M/∞ queue (arrivals λ, each order leaves at rate θ), whose
    // stationary law is Poisson(λ/θ) (e.g. Kleinrock, Queueing Systems I, §3.2)
    const lambda = 2;
    const theta = 0.5;
    const gen = new OrderFlowGenerator({
      seed: 77,
      rates: { lambda: [lambda], theta: [theta], mu: 0 },
      initialBidTicks: 100,
    });
    const maxN = 20;
    const hist = new Float64Array(maxN + 1);
    let meanAcc = 0;
    let t = gen.elapsedSeconds;
    for (let k = 0; k < 400_000; k++) {
      const nb = gen.book.levelOrders('buy', 100);
      const na = gen.book.levelOrders('sell', 101);
      gen.step();
      const dt = gen.elapsedSeconds - t;
      t = gen.elapsedSeconds;
      if (k < 1000) continue; // burn-in
      hist[Math.min(nb, maxN)]! += dt;
      hist[Math.min(na, maxN)]! += dt;
      meanAcc += (nb + na) * dt;
    }
    expect(gen.book.levels('buy')).toBeLessThanOrEqual(1);
    let total = 0;
    for (const h of hist) total += h;
    const empirical = Array.from(hist, (h) => h / total);
    const rho = lambda / theta;
    const poisson: number[] = [];
    let p = Math.exp(-rho);
    for (let n = 0; n <= maxN; n++) {
      poisson.push(p);
      p *= rho / (n + 1);
    }
    expectArraysClose(empirical, poisson, { atol: 0.012 }, 'queue-length distribution');
    expectClose(meanAcc / total, rho, { atol: 0.08 }, 'mean queue length');
  });
});

describe('OrderFlowGenerator: near zero', () => {
  it('never quotes at or below 0 ticks', () => {
    const gen = new OrderFlowGenerator({ seed: 4, rates: cst2010Rates(5), initialBidTicks: 2 });
    for (const snap of gen.l2Snapshots(10, { count: 20_000 })) validateL2Snapshot(snap);
    expect(
      gen.book.levelPrice('buy', gen.book.levels('buy') - 1) >= 1 || gen.book.levels('buy') === 0,
    ).toBe(true);
  });
});
