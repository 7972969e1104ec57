import { Rng } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollSpread, tradeSpreads } from '../src/index.js';
import { expectValidationError } from './expect-validation.js';

describe('tradeSpreads: definitions on a hand-computed tape', () => {
  // quotes: [0] 99.9/100.1 (mid 100), [10] 100.0/100.2 (mid 100.1), [20] 99.8/100.0 (mid 99.9)
  const quotes = {
    ts: [0, 10, 20],
    bidPrice: [99.9, 100.0, 99.8],
    askPrice: [100.1, 100.2, 100.0],
  };
  const trades = {
    ts: [5, 12, 20],
    price: [100.1, 100.0, 99.95],
    qty: [1, 3, 2],
    sign: [1, -1, 1],
  };
  const s = tradeSpreads(trades, quotes, { horizons: [5] });

  it('quoted and effective spreads in price units and bps of the prevailing midpoint', () => {
    expect(s.matched).toBe(3);
    expectClose(s.quoted.mean, 0.2, { atol: 1e-12 });
    // effective: buy 100.1 vs mid 100 → 0.2; sell 100.0 vs mid 100.1 → 0.2; buy 99.95 vs 99.9 → 0.1
    expectClose(s.effective.mean, 0.5 / 3, { atol: 1e-12 });
    expectClose(s.effective.sizeWeighted, (0.2 + 3 * 0.2 + 2 * 0.1) / 6, { atol: 1e-12 });
    expectClose(s.effective.meanBps, (1e4 * (0.2 / 100 + 0.2 / 100.1 + 0.1 / 99.9)) / 3, {
      atol: 1e-9,
    });
    expectClose(s.quotedTimeWeighted, 0.2, { atol: 1e-12 });
  });

  it('realized spread and price impact at a horizon; the last trade (20 + 5 > 20) is left out', () => {
    const h = s.horizons[0]!;
    expect(h.realized?.count).toBe(2);
    // trade 1 (t 5, mid at 10 = 100.1): realized 2(100.1 − 100.1) = 0, impact 2(100.1 − 100) = 0.2
    // trade 2 (t 12, mid at 17 = 100.1): realized −2(100.0 − 100.1) = 0.2, impact −2·0 = 0
    expectClose(h.realized!.mean, 0.1, { atol: 1e-12 });
    expectClose(h.priceImpact!.mean, 0.1, { atol: 1e-12 });
    expectClose(h.realized!.sizeWeighted, (0 + 3 * 0.2) / 4, { atol: 1e-12 });
  });

  it('without sides: quote rule, and the tick test at the midpoint (Lee-Ready)', () => {
    const unsigned = tradeSpreads(
      { ts: [1, 2, 3, 4], price: [100.1, 100.0, 100.05, 100.0] },
      { ts: [0, 2.5], bidPrice: [99.9, 100.0], askPrice: [100.1, 100.1] },
      { horizons: [] },
    );
    // 100.1 > mid 100: buy; 100.0 = mid 100: tick down → sell; 100.05 = mid 100.05: uptick → buy;
    // 100.0 < mid 100.05: sell
    expectClose(unsigned.effective.mean, (0.2 + 0 + 0 + 0.1) / 4, { atol: 1e-12 });
    expect(unsigned.unsigned).toBe(0);
  });

  it('a trade before the first quote is left out and counted', () => {
    const r = tradeSpreads({ ts: [-1, 5], price: [100, 100.1], sign: [1, 1] }, quotes, {
      horizons: [],
    });
    expect(r.beforeFirstQuote).toBe(1);
    expect(r.matched).toBe(1);
  });
});

describe('tradeSpreads: recovery on a simulated market with known spread and impact', () => {
  it('effective = S, impact = 2·lambda, realized = S − 2·lambda (closed form), buys and sells classified by the quote rule', () => {
    const rng = Rng.fromSeed(11);
    const half = 0.05;
    const lambda = 0.015; // the midpoint moves by lambda·d right after each trade
    const qts: number[] = [];
    const bid: number[] = [];
    const ask: number[] = [];
    const tts: number[] = [];
    const price: number[] = [];
    const side: number[] = [];
    let mid = 100;
    for (let i = 0; i < 5000; i++) {
      const t = i * 10;
      qts.push(t);
      bid.push(mid - half);
      ask.push(mid + half);
      const d = rng.bernoulli(0.5) ? 1 : -1;
      tts.push(t + 1);
      price.push(mid + d * half);
      side.push(d);
      mid += lambda * d;
      qts.push(t + 2);
      bid.push(mid - half);
      ask.push(mid + half);
    }
    const given = tradeSpreads(
      { ts: tts, price, sign: side },
      { ts: qts, bidPrice: bid, askPrice: ask },
      { horizons: [5] },
    );
    expectClose(given.effective.mean, 2 * half, { atol: 1e-9 });
    expectClose(given.horizons[0]!.priceImpact!.mean, 2 * lambda, { atol: 1e-9 });
    expectClose(given.horizons[0]!.realized!.mean, 2 * half - 2 * lambda, { atol: 1e-9 });
    const classified = tradeSpreads(
      { ts: tts, price },
      { ts: qts, bidPrice: bid, askPrice: ask },
      { horizons: [5] },
    );
    expectClose(classified.horizons[0]!.priceImpact!.mean, 2 * lambda, { atol: 1e-9 });
  });

  it('effective = realized + impact over the trades a horizon covers (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        (seed, horizon) => {
          const rng = Rng.fromSeed(seed);
          const qts: number[] = [];
          const bid: number[] = [];
          const ask: number[] = [];
          let mid = 50;
          for (let i = 0; i < 100; i++) {
            mid += rng.normal(0, 0.02);
            const hs = 0.01 + rng.float() * 0.05;
            qts.push(i);
            bid.push(mid - hs);
            ask.push(mid + hs);
          }
          const tts: number[] = [];
          const price: number[] = [];
          const side: number[] = [];
          for (let i = 0; i < 60; i++) {
            tts.push(i + rng.float() * 0.9);
            price.push(mid + rng.normal(0, 0.05));
            side.push(rng.bernoulli(0.5) ? 1 : -1);
          }
          const far = tradeSpreads(
            { ts: tts, price, sign: side },
            { ts: qts, bidPrice: bid, askPrice: ask },
            { horizons: [horizon] },
          );
          const h = far.horizons[0]!;
          // every trade is at t < 60 and 60 + 30 < 99: all covered
          expect(h.realized!.count).toBe(far.effective.count);
          expectClose(h.realized!.mean + h.priceImpact!.mean, far.effective.mean, {
            atol: 1e-12,
            rtol: 1e-12,
          });
          expectClose(h.realized!.meanBps + h.priceImpact!.meanBps, far.effective.meanBps, {
            atol: 1e-9,
          });
          expect(far.quoted.mean).toBeGreaterThan(0);
        },
      ),
      fcParams(),
    );
  });
});

describe('tradeSpreads: degenerate input gets a ValidationError', () => {
  const quotes = { ts: [0, 10], bidPrice: [99.9, 100], askPrice: [100.1, 100.2] };
  const trades = { ts: [1, 2], price: [100.1, 99.9], sign: [1, -1] };
  const cases: [string, () => unknown][] = [
    ['no trades', () => tradeSpreads({ ts: [], price: [] }, quotes, { horizons: [] })],
    [
      'unsorted trade timestamps',
      () => tradeSpreads({ ...trades, ts: [2, 1] }, quotes, { horizons: [] }),
    ],
    [
      'unsorted quote timestamps',
      () => tradeSpreads(trades, { ...quotes, ts: [10, 0] }, { horizons: [] }),
    ],
    [
      'NaN price',
      () => tradeSpreads({ ...trades, price: [Number.NaN, 100] }, quotes, { horizons: [] }),
    ],
    [
      'crossed quote',
      () => tradeSpreads(trades, { ...quotes, bidPrice: [100.2, 100] }, { horizons: [] }),
    ],
    ['sign 0', () => tradeSpreads({ ...trades, sign: [0, 1] }, quotes, { horizons: [] })],
    ['unequal lengths', () => tradeSpreads({ ...trades, sign: [1] }, quotes, { horizons: [] })],
    ['negative horizon', () => tradeSpreads(trades, quotes, { horizons: [-1] })],
    [
      'no trade after the first quote',
      () =>
        tradeSpreads({ ts: [-2, -1], price: [100, 100], sign: [1, 1] }, quotes, { horizons: [] }),
    ],
  ];
  for (const [name, f] of cases) it(name, () => expectValidationError(f));
});

describe('rollSpread', () => {
  function bounce(spread: number, n: number, seed: number, sigma = 0.02): Float64Array {
    const rng = Rng.fromSeed(seed);
    const p = new Float64Array(n);
    let m = 100;
    for (let t = 0; t < n; t++) {
      m += rng.normal(0, sigma);
      p[t] = m + (spread / 2) * (rng.bernoulli(0.5) ? 1 : -1);
    }
    return p;
  }

  it('recovers a known spread from a simulated bid-ask bounce: 99% intervals cover it in >= 95% of 200 seeds, 95% in 90-99.5%', () => {
    const s = 0.1;
    let hit99 = 0;
    let hit95 = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = rollSpread(bounce(s, 4000, seed), { confidence: 0.99 });
      if (!r.defined) continue;
      if (r.interval[0] <= s && s <= r.interval[1]) hit99++;
      if (Math.abs(r.spread - s) <= 1.96 * r.stdErr) hit95++;
    }
    expect(hit99 / 200).toBeGreaterThanOrEqual(0.95);
    expect(hit95 / 200).toBeGreaterThanOrEqual(0.9);
    expect(hit95 / 200).toBeLessThanOrEqual(0.995);
  });

  it('autocovariance is -S²/4 on a pure bounce and the spread is 2·sqrt(-cov)', () => {
    const r = rollSpread(bounce(0.2, 100_000, 5, 0));
    expect(r.defined).toBe(true);
    if (!r.defined) return;
    expectClose(r.autocovariance, -0.01, { atol: 3e-4 });
    expectClose(r.spread, 2 * Math.sqrt(-r.autocovariance), { atol: 1e-15 });
  });

  it('is undefined (not 2·sqrt|cov|, not 0) when the autocovariance is positive', () => {
    // trending changes: positively autocorrelated
    const rng = Rng.fromSeed(3);
    const p = [100];
    let d = 0;
    for (let t = 1; t < 3000; t++) {
      d = 0.8 * d + rng.normal(0, 0.01);
      p.push(p[t - 1]! + d);
    }
    const r = rollSpread(p);
    expect(r.defined).toBe(false);
    expect(r.autocovariance).toBeGreaterThan(0);
    expect('spread' in r).toBe(false);
  });

  it('degenerate input gets a ValidationError', () => {
    expectValidationError(() => rollSpread([100, 101, 100]));
    expectValidationError(() => rollSpread([100, 101, Number.NaN, 100, 101]));
    expectValidationError(() => rollSpread([100, 100, 100, 100, 100]));
    expectValidationError(() => rollSpread([100, 101, 100, 101], { confidence: 2 }));
  });
});
