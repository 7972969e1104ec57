import { readFileSync } from 'node:fs';
import { Rng, ValidationError } from '@x/core';
import { expectArraysClose, expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitStoikovMicroPrice,
  imbalanceWeightedMid,
  MicroPriceTracker,
  StoikovMicroPrice,
} from '../src/index.js';
import { book, bookSpecArb, buildBooks } from './books.js';

/**
 * A two-state imbalance chain with a constant one-tick spread. From `high` (I in (0.55, 0.95)):
 * with probability p the mid moves up one tick and the next state is high with probability r;
 * with probability q the mid stays and the state flips to low; otherwise nothing changes. `low`
 * mirrors it. Closed form (2×2 algebra on the antisymmetric vector):
 *   G¹ = tick·p/(p + 2q),  B v = p(2r − 1)/(p + 2q) v,  G* = G¹ / (1 − p(2r − 1)/(p + 2q))
 *      = tick·p / (2(q + p(1 − r))).
 */
function simulateChain(n: number, p: number, q: number, r: number, tick: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const bidPrice = new Float64Array(n);
  const askPrice = new Float64Array(n);
  const bidSize = new Float64Array(n);
  const askSize = new Float64Array(n);
  let mid = 1000 * tick + tick / 2;
  let s = 1;
  for (let i = 0; i < n; i++) {
    const imb = s > 0 ? rng.uniform(0.55, 0.95) : rng.uniform(0.05, 0.45);
    bidPrice[i] = mid - tick / 2;
    askPrice[i] = mid + tick / 2;
    bidSize[i] = 100 * imb;
    askSize[i] = 100 * (1 - imb);
    const u = rng.float();
    if (u < p) {
      mid += s * tick;
      if (!rng.bernoulli(r)) s = -s;
    } else if (u < p + q) s = -s;
  }
  return { bidPrice, bidSize, askPrice, askSize };
}

const chain = JSON.parse(
  readFileSync(new URL('./fixtures/stoikov_chain.json', import.meta.url), 'utf8'),
) as {
  buckets: number;
  spreads: number;
  moves: number[];
  kernel: number[][];
  g1_ticks: number[];
  gstar_ticks: number[];
};

/** Quotes simulated from the fixture's (spread, imbalance) chain (see make_stoikov_chain.py). */
function simulateFixtureChain(n: number, tick: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const nb = chain.buckets;
  const nm = chain.moves.length;
  const q = {
    bidPrice: new Float64Array(n),
    askPrice: new Float64Array(n),
    bidSize: new Float64Array(n),
    askSize: new Float64Array(n),
  };
  let x = 0;
  let midHalfTicks = 20_001; // mid in half ticks; odd for a 1-tick spread
  for (let i = 0; i < n; i++) {
    const s = Math.floor(x / nb) + 1;
    const b = x % nb;
    const imb = rng.uniform(b / nb + 0.01, (b + 1) / nb - 0.01);
    q.bidPrice[i] = ((midHalfTicks - s) / 2) * tick;
    q.askPrice[i] = ((midHalfTicks + s) / 2) * tick;
    q.bidSize[i] = 100 * imb;
    q.askSize[i] = 100 * (1 - imb);
    const j = rng.categorical(chain.kernel[x]!);
    x = Math.floor(j / nm);
    midHalfTicks += Math.round(2 * chain.moves[j % nm]!);
  }
  return q;
}

describe('fitStoikovMicroPrice on a known spread × imbalance chain (numpy fixture)', () => {
  it('recovers the exact G* and G1 of the chain', () => {
    const tick = 0.01;
    const quotes = simulateFixtureChain(400_000, tick, 7);
    const mp = fitStoikovMicroPrice(quotes, {
      tickSize: tick,
      imbalanceBuckets: chain.buckets,
      bucketing: 'uniform',
      spreadStates: chain.spreads,
    });
    expect(mp.converged).toBe(true);
    expect(mp.unobservedStates).toBe(0);
    expectArraysClose(
      mp.adjustments,
      chain.gstar_ticks.map((g) => g * tick),
      { atol: 0.01 * tick },
      'G*',
    );
    expectArraysClose(
      mp.firstOrder,
      chain.g1_ticks.map((g) => g * tick),
      { atol: 0.01 * tick },
      'G1',
    );
  });
});

const edgesFx = JSON.parse(
  readFileSync(new URL('./fixtures/stoikov_edges.json', import.meta.url), 'utf8'),
) as {
  tickSize: number;
  buckets: number;
  spreads: number;
  bidPrice: number[];
  askPrice: number[];
  bidSize: number[];
  askSize: number[];
  edges: number[];
  edgeHits: number;
  g1: number[];
  gstar: number[];
  samples: number;
  driftTicks: number;
};

describe('fitStoikovMicroPrice symmetrisation on edge-valued imbalances', () => {
  it('equals an independent numpy estimate on integer lots (make_stoikov_edges.py)', () => {
    // integer lots 1..4: a third of the pooled imbalances lie exactly on a quantile edge
    expect(edgesFx.edgeHits).toBeGreaterThan(1000);
    const mp = fitStoikovMicroPrice(edgesFx, {
      tickSize: edgesFx.tickSize,
      imbalanceBuckets: edgesFx.buckets,
      spreadStates: edgesFx.spreads,
    });
    expect(mp.samples).toBe(edgesFx.samples);
    expect(Array.from(mp.imbalanceEdges)).toEqual(edgesFx.edges);
    expectArraysClose(mp.firstOrder, edgesFx.g1, { atol: 1e-14 }, 'G1');
    // numpy sums the series in closed form, the fit term by term to 1e-10 tick per term
    expectArraysClose(mp.adjustments, edgesFx.gstar, { atol: 1e-8 * edgesFx.tickSize }, 'G*');
    expect(mp.driftTicks).toBeCloseTo(edgesFx.driftTicks, 9);
    expect(mp.driftTicks).toBeGreaterThan(0);
  });

  it('equal queues with a drifting mid: the symmetrised G*(1/2) is exactly 0 (closed form)', () => {
    // I = 1/2 on every row is its own mirror: each +1 tick move is paired with a −1 tick one in
    // the same state, so G1 = 0 and G* = 0; the micro-price is the mid
    const n = 500;
    const q = {
      bidPrice: Float64Array.from({ length: n }, (_, i) => 100 + 0.01 * i),
      askPrice: Float64Array.from({ length: n }, (_, i) => 100.01 + 0.01 * i),
      bidSize: new Float64Array(n).fill(5),
      askSize: new Float64Array(n).fill(5),
    };
    const mp = fitStoikovMicroPrice(q, { tickSize: 0.01, imbalanceBuckets: 4, spreadStates: 1 });
    expect(Array.from(mp.adjustments)).toEqual([0, 0, 0, 0]);
    expect(mp.microPrice(100, 5, 100.01, 5)).toBe(100.005);
  });
});

describe('fitStoikovMicroPrice refuses a series that does not converge', () => {
  it('a drifting unsymmetrised stream has B = 1 and G1 ≠ 0: an error, not a price', () => {
    const n = 500;
    const q = {
      bidPrice: Float64Array.from({ length: n }, (_, i) => 100 + 0.01 * i),
      askPrice: Float64Array.from({ length: n }, (_, i) => 100.01 + 0.01 * i),
      bidSize: Float64Array.from({ length: n }, (_, i) => 1 + (i % 3)),
      askSize: new Float64Array(n).fill(2),
    };
    expect(() =>
      fitStoikovMicroPrice(q, {
        tickSize: 0.01,
        imbalanceBuckets: 1,
        spreadStates: 1,
        symmetrize: false,
        maxIterations: 500,
      }),
    ).toThrow(/did not converge/);
  });

  it('a state that did not converge cannot be turned into a model', () => {
    const mp = fitStoikovMicroPrice(simulateChain(20_000, 0.3, 0.2, 0.7, 0.01, 1), {
      tickSize: 0.01,
      imbalanceBuckets: 2,
      spreadStates: 1,
    });
    const state = { ...mp.toJSON(), converged: false };
    expect(() => new StoikovMicroPrice(state)).toThrow(/did not converge/);
  });
});

describe('fitStoikovMicroPrice names wrong units', () => {
  it('integer ticks with a price tick size: says so instead of "too few transitions"', () => {
    const q = simulateChain(2000, 0.3, 0.2, 0.7, 1, 5); // prices in integer ticks
    expect(() => fitStoikovMicroPrice(q, { tickSize: 0.01 })).toThrow(
      /prices look like integer ticks.*pass tickSize 1/,
    );
    expect(fitStoikovMicroPrice(q, { tickSize: 1, imbalanceBuckets: 2 }).samples).toBeGreaterThan(
      0,
    );
  });

  it('a tick size larger than every spread', () => {
    const q = simulateChain(2000, 0.3, 0.2, 0.7, 0.01, 5);
    expect(() => fitStoikovMicroPrice(q, { tickSize: 1 })).toThrow(/below one tick/);
  });
});

describe('imbalanceWeightedMid', () => {
  it('hand-computed', () => {
    expect(imbalanceWeightedMid(100, 30, 101, 10)).toBe(100.75);
    expect(imbalanceWeightedMid(100, 10, 101, 10)).toBe(100.5);
    expect(() => imbalanceWeightedMid(100, 0, 101, 10)).toThrow(ValidationError);
    expect(() => imbalanceWeightedMid(102, 1, 101, 10)).toThrow(ValidationError);
  });
});

describe('fitStoikovMicroPrice (Stoikov 2018)', () => {
  const tick = 0.01;
  for (const [p, q, r] of [
    [0.3, 0.2, 0.7],
    [0.2, 0.05, 0.5],
    [0.4, 0.1, 0.3],
  ] as const) {
    it(`recovers the closed-form G* of a known chain (p=${p}, q=${q}, r=${r})`, () => {
      const quotes = simulateChain(200_000, p, q, r, tick, 42);
      const mp = fitStoikovMicroPrice(quotes, {
        tickSize: tick,
        imbalanceBuckets: 2,
        spreadStates: 1,
      });
      const truth = (tick * p) / (2 * (q + p * (1 - r)));
      expect(mp.converged).toBe(true);
      expect(mp.unobservedStates).toBe(0);
      expectArraysClose(mp.adjustments, [-truth, truth], { atol: 0.03 * truth }, 'G*');
      const g1 = (tick * p) / (p + 2 * q);
      expectArraysClose(mp.firstOrder, [-g1, g1], { atol: 0.03 * g1 }, 'G1');
      // applied as a lookup
      expectClose(mp.microPrice(10, 80, 10.01, 20), 10.005 + mp.adjustments[1]!, { atol: 1e-12 });
      expectClose(mp.microPrice(10, 20, 10.01, 80), 10.005 + mp.adjustments[0]!, { atol: 1e-12 });
    });
  }

  it('symmetrised fits are antisymmetric in imbalance when no imbalance sits on a bucket edge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 6 }),
        (seed, nb) => {
          const rng = Rng.fromSeed(seed);
          const n = 3000;
          const q = {
            bidPrice: new Float64Array(n),
            askPrice: new Float64Array(n),
            bidSize: new Float64Array(n),
            askSize: new Float64Array(n),
          };
          let bid = 100;
          for (let i = 0; i < n; i++) {
            bid += 0.01 * rng.int(-1, 1);
            q.bidPrice[i] = bid;
            q.askPrice[i] = bid + 0.01 * rng.int(1, 2);
            // continuous sizes and uniform edges: no imbalance on an edge (see the edge fixture)
            q.bidSize[i] = rng.uniform(1, 50);
            q.askSize[i] = rng.uniform(1, 50);
          }
          const mp = fitStoikovMicroPrice(q, {
            tickSize: 0.01,
            imbalanceBuckets: nb,
            bucketing: 'uniform',
            spreadStates: 2,
          });
          expect(mp.driftTicks).toBeLessThan(1e-9);
          for (let s = 0; s < 2; s++) {
            for (let b = 0; b < nb; b++) {
              expectClose(mp.adjustments[s * nb + b]!, -mp.adjustments[s * nb + nb - 1 - b]!, {
                atol: 1e-9,
              });
            }
          }
          for (const g of mp.adjustments) expect(Number.isFinite(g)).toBe(true);
        },
      ),
      fcParams({ numRuns: 20 }),
    );
  });

  it('round-trips through JSON and reports unobserved states', () => {
    const quotes = simulateChain(20_000, 0.3, 0.2, 0.7, tick, 1);
    const mp = fitStoikovMicroPrice(quotes, {
      tickSize: tick,
      imbalanceBuckets: 2,
      spreadStates: 3,
    });
    // spreads of 2 and 3 ticks never occur
    expect(mp.unobservedStates).toBe(4);
    expect(Array.from(mp.adjustments.subarray(2))).toEqual([0, 0, 0, 0]);
    const back = new StoikovMicroPrice(JSON.parse(JSON.stringify(mp)));
    expect(Array.from(back.adjustments)).toEqual(Array.from(mp.adjustments));
    // an unfitted spread gives the mid
    expect(back.microPrice(10, 5, 10.05, 1)).toBe(10.025);
  });

  it('rejects bad options and too little data', () => {
    const quotes = simulateChain(100, 0.3, 0.2, 0.7, tick, 1);
    expect(() => fitStoikovMicroPrice(quotes, { tickSize: 0 })).toThrow(ValidationError);
    expect(() => fitStoikovMicroPrice(quotes, { tickSize: tick, imbalanceBuckets: 0 })).toThrow(
      ValidationError,
    );
    const one = simulateChain(1, 0.3, 0.2, 0.7, tick, 1);
    expect(() => fitStoikovMicroPrice(one, { tickSize: tick })).toThrow(/too few/);
    // a state that never moves the mid makes I - Q singular
    const still = simulateChain(500, 0, 0, 0.5, tick, 1);
    expect(() =>
      fitStoikovMicroPrice(still, { tickSize: tick, imbalanceBuckets: 2, spreadStates: 1 }),
    ).toThrow(/singular/);
  });
});

describe('MicroPriceTracker', () => {
  it('tracks weighted mid and momentum over horizons (hand-computed)', () => {
    const t = new MicroPriceTracker({ horizons: [1, 2], ewmaAlpha: 0.5 });
    t.update(book(0, [[100, 30]], [[101, 10]], 1)); // 100.75
    expect(t.price).toBe(100.75);
    expect(Array.from(t.momentum)).toEqual([0, 0]);
    t.update(book(1, [[100, 10]], [[101, 10]], 1)); // 100.5
    expect(Array.from(t.momentum)).toEqual([-0.25, 0]);
    t.update(book(2, [[101, 10]], [[102, 30]], 1)); // 101.25
    expect(Array.from(t.momentum)).toEqual([0.75, 0.5]);
    expect(t.momentumEwma[0]).toBe(0.5 * (0.5 * -0.25) + 0.5 * 0.75);
  });

  it('time-horizon momentum: price now minus the price in force h ms ago (hand-computed)', () => {
    const t = new MicroPriceTracker({ horizons: [1], horizonsMs: [10] });
    const mids: [number, number][] = [
      [0, 100.5],
      [5, 101.5],
      [12, 102.5],
      [15, 100.5],
      [30, 103.5],
    ];
    const got: number[] = [];
    for (const [ts, mid] of mids) {
      t.update(book(ts, [[mid - 0.5, 10]], [[mid + 0.5, 10]], 1));
      got.push(t.momentumMs[0]!);
    }
    expect(got).toEqual([0, 0, 2, -1, 3]);
  });

  it('time-horizon momentum equals a brute-force lookup (with history growth)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -3, max: 3 })), {
          maxLength: 300,
        }),
        (steps) => {
          const hs = [7, 150];
          const t = new MicroPriceTracker({ horizons: [1], horizonsMs: hs });
          const hist: [number, number][] = [];
          let ts = 0;
          let mid = 100.5;
          for (const [dt, dm] of steps) {
            ts += dt;
            mid = Math.max(10.5, mid + dm);
            t.update(book(ts, [[mid - 0.5, 10]], [[mid + 0.5, 10]], 1));
            hist.push([ts, t.price]);
            hs.forEach((h, i) => {
              let ref: number | undefined;
              for (const [s, p] of hist) if (s <= ts - h) ref = p;
              expect(t.momentumMs[i]).toBe(ref === undefined ? 0 : t.price - ref);
            });
          }
        },
      ),
      fcParams(),
    );
  });

  it('uses the Stoikov model when given', () => {
    const quotes = simulateChain(50_000, 0.3, 0.2, 0.7, 0.01, 3);
    const model = fitStoikovMicroPrice(quotes, {
      tickSize: 0.01,
      imbalanceBuckets: 2,
      spreadStates: 1,
    });
    const t = new MicroPriceTracker({ model });
    t.update(book(0, [[10, 80]], [[10.01, 20]], 1));
    expectClose(t.price, 10.005 + model.adjustments[1]!, { atol: 1e-12 });
  });

  it('never leaks NaN on partly invalid streams', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(3, 0.4), { maxLength: 50 }), (specs) => {
        const t = new MicroPriceTracker({
          onInvalid: 'skip',
          horizons: [1, 3],
          horizonsMs: [5, 40],
        });
        for (const b of buildBooks(specs, 3)) {
          t.update(b);
          expect(Number.isFinite(t.price)).toBe(true);
          for (const v of t.momentum) expect(Number.isFinite(v)).toBe(true);
          for (const v of t.momentumEwma) expect(Number.isFinite(v)).toBe(true);
          for (const v of t.momentumMs) expect(Number.isFinite(v)).toBe(true);
          for (const v of t.momentumMsEwma) expect(Number.isFinite(v)).toBe(true);
        }
      }),
      fcParams(),
    );
  });
});
