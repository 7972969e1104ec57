/**
 * Across the public calculators: on any input fast-check can generate (extreme magnitudes,
 * subnormals, 1e308 sizes, NaN, ±∞, unsorted or crossed books), a call either throws a typed
 * `@x/core` error or returns finite numbers; never NaN, never ±∞.
 */
import { type L2Snapshot, XError } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BookFeatures,
  CancelBurstDetector,
  DepletionRate,
  depthImbalance,
  depthImbalanceBatch,
  executionSlippage,
  expectedTimeToFill,
  fillProbability,
  imbalanceWeightedMid,
  KaplanMeier,
  L2QueuePosition,
  MicroPriceTracker,
  MultiLevelOfi,
  multiLevelOfiBatch,
  OfiWindow,
  ofiContribution,
  priceDeviation,
  RollingTwap,
  RollingVwap,
  scaledOfi,
  TopOfBookSurvival,
} from '../src/index.js';

const N = 3;
const anyDouble = fc.double();
const size = fc.oneof(
  fc.constantFrom(0, 5e-324, 1e-300, 1, 1e300, 1e308, Number.MAX_VALUE),
  fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
  anyDouble,
);
const price = fc.oneof(
  fc.constantFrom(5e-324, 1e-300, 0.01, 100, 1e300, Number.MAX_VALUE),
  fc.double({ min: 5e-324, max: Number.MAX_VALUE, noNaN: true }),
  anyDouble,
);

/** Books with sorted, uncrossed prices most of the time (so the valid path is exercised too). */
const bookArb = fc
  .record({
    prices: fc.array(price, { minLength: 2 * N, maxLength: 2 * N }),
    sizes: fc.array(size, { minLength: 2 * N, maxLength: 2 * N }),
    sorted: fc.boolean(),
    dt: fc.oneof(fc.integer({ min: 0, max: 100 }), anyDouble),
  })
  .map(({ prices, sizes, sorted, dt }) => {
    const p = sorted ? [...prices].sort((a, b) => a - b) : prices;
    return {
      dt,
      bidPrice: Float64Array.from([p[2], p[1], p[0]]),
      askPrice: Float64Array.from([p[3], p[4], p[5]]),
      bidSize: Float64Array.from(sizes.slice(0, N)),
      askSize: Float64Array.from(sizes.slice(N)),
    };
  });

function finite(...xs: (number | undefined | null)[]): void {
  for (const x of xs) if (typeof x === 'number') expect(Number.isFinite(x)).toBe(true);
}
function finiteArr(a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) expect(Number.isFinite(a[i])).toBe(true);
}
/** Runs f; a typed error is an answer, anything else thrown fails the property. */
function typed<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    expect(XError.isInstance(e)).toBe(true);
    return undefined;
  }
}

describe('no public calculator returns NaN or ±∞ (property)', () => {
  it('streaming calculators on extreme books, under both policies', () => {
    fc.assert(
      fc.property(
        fc.array(bookArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom('throw', 'skip'),
        (specs, onInvalid) => {
          const ofi = new MultiLevelOfi({ levels: N, onInvalid });
          const tick = new MultiLevelOfi({
            levels: N,
            levelMode: 'tick',
            tickSize: 0.01,
            onInvalid,
          });
          const win = new OfiWindow({ levels: N, ms: 7 });
          const feats = new BookFeatures({
            tickSize: 0.01,
            levels: N,
            decayPerTick: 0.1,
            onInvalid,
          });
          const mp = new MicroPriceTracker({ horizons: [1, 2], horizonsMs: [5], onInvalid });
          const surv = new TopOfBookSurvival({ onInvalid });
          const twap = new RollingTwap({ windowMs: 50, onInvalid });
          const bursts = new CancelBurstDetector({
            levels: N,
            window: 3,
            weightByQty: true,
            onInvalid,
          });
          let ts = 0;
          for (const s of specs) {
            ts += s.dt;
            const b: L2Snapshot = { ts, ...s };
            if (typed(() => ofi.update(b))) typed(() => win.addFrom(ofi));
            typed(() => tick.update(b));
            typed(() => feats.update(b));
            typed(() => mp.update(b));
            typed(() => surv.update(b));
            typed(() => twap.updateMid(b));
            typed(() => bursts.onBook(b));
            typed(() => depthImbalance(b, { levels: N }));
            finiteArr(ofi.last);
            finiteArr(tick.last);
            finite(ofi.lastDepth, tick.lastDepth);
            finiteArr(win.completed);
            finiteArr(win.current);
            finite(win.completedDepth, win.completedStart);
            finite(feats.imbalance, feats.imbalanceTop, feats.spread, feats.mid, feats.bandDepth);
            finite(feats.liquidityRatio, feats.depthPerSpreadTick);
            finite(mp.price, mp.mid, mp.weightedMid);
            finiteArr(mp.momentum);
            finiteArr(mp.momentumEwma);
            finiteArr(mp.momentumMs);
            finiteArr(mp.momentumMsEwma);
            finite(typed(() => twap.twap()));
            finite(
              typed(() => surv.median('buy')),
              typed(() => surv.currentAge('sell')),
            );
            for (const side of ['buy', 'sell'] as const) {
              for (let l = 0; l < N; l++) {
                finite(bursts.rate(side, l), bursts.intensity(side, l), bursts.threshold(side, l));
              }
            }
          }
        },
      ),
      fcParams(),
    );
  });

  it('batch functions give finite numbers or a typed error', () => {
    fc.assert(
      fc.property(fc.array(bookArb, { minLength: 1, maxLength: 10 }), (specs) => {
        const r = specs.length;
        const rows = {
          rows: r,
          levels: N,
          bidPrice: new Float64Array(r * N),
          bidSize: new Float64Array(r * N),
          askPrice: new Float64Array(r * N),
          askSize: new Float64Array(r * N),
        };
        specs.forEach((s, i) => {
          rows.bidPrice.set(s.bidPrice, i * N);
          rows.bidSize.set(s.bidSize, i * N);
          rows.askPrice.set(s.askPrice, i * N);
          rows.askSize.set(s.askSize, i * N);
        });
        for (const onInvalid of ['throw', 'skip'] as const) {
          const b = typed(() => multiLevelOfiBatch(rows, { levels: N, onInvalid }));
          if (b !== undefined) {
            finiteArr(b.ofi);
            finiteArr(b.depth);
          }
        }
        const im = typed(() => depthImbalanceBatch(rows, { levels: N }));
        if (im !== undefined) finiteArr(im);
        const im2 = typed(() =>
          depthImbalanceBatch(rows, { levels: N, decayPerTick: 1, tickSize: 1 }),
        );
        if (im2 !== undefined) finiteArr(im2);
      }),
      fcParams(),
    );
  });

  it('scalar functions, queues, rates and windows on arbitrary doubles', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 8, maxLength: 8 }), (x) => {
        finite(
          typed(() => ofiContribution(x[0]!, x[1]!, x[2]!, x[3]!, x[4]!, x[5]!, x[6]!, x[7]!)),
        );
        finite(typed(() => imbalanceWeightedMid(x[0]!, x[1]!, x[2]!, x[3]!)));
        const d = typed(() => priceDeviation(x[0]!, x[1]!));
        if (d !== undefined) finite(d.price, d.bps);
        const e = typed(() => executionSlippage('buy', x[2]!, x[3]!));
        if (e !== undefined) finite(e.price, e.bps);
        finite(
          typed(() =>
            fillProbability(Math.abs(x[0]!), Math.abs(x[1]!), Math.abs(x[2]!), Math.abs(x[3]!)),
          ),
        );
        finite(typed(() => expectedTimeToFill(Math.abs(x[4]!), Math.abs(x[5]!), Math.abs(x[6]!))));
        const sc = typed(() => scaledOfi([x[0]!, x[1]!], x[2]!));
        if (sc !== undefined) finiteArr(sc);
        const q = typed(
          () =>
            new L2QueuePosition({
              side: 'buy',
              price: 10,
              qty: 1,
              depth: Math.abs(x[0]!),
              model: { type: 'power', n: Math.abs(x[1]!) },
            }),
        );
        if (q !== undefined) {
          typed(() => q.onDepth(Math.abs(x[2]!)));
          typed(() => q.onTrade(10, Math.abs(x[3]!), 'sell'));
          typed(() => q.onDepth(Math.abs(x[4]!)));
          finite(q.queueAhead, q.filledQty);
        }
        const dr = new DepletionRate({ tauMs: 1000 });
        typed(() => dr.observe(x[5]!, Math.abs(x[6]!)));
        typed(() => dr.observe(x[5]! + 10, Math.abs(x[7]!)));
        finite(dr.eventRatePerMs, dr.meanSize);
        const km = new KaplanMeier();
        for (const v of x) typed(() => km.add(Math.abs(v), v > 0));
        finite(typed(() => km.median()));
        const c = typed(() => km.curve());
        if (c !== undefined) finiteArr(c.survival);
        const vw = new RollingVwap({ windowMs: 10, onInvalid: 'skip' });
        vw.addTrade(0, Math.abs(x[0]!), Math.abs(x[1]!));
        vw.addTrade(1, Math.abs(x[2]!), Math.abs(x[3]!));
        finite(
          typed(() => vw.vwap()),
          vw.volume,
        );
        const tw = new RollingTwap({ windowMs: 10, onInvalid: 'skip' });
        tw.update(0, x[0]!);
        tw.update(Math.abs(x[1]!), x[2]!);
        finite(
          typed(() => tw.twap()),
          typed(() => tw.twap(Math.abs(x[3]!))),
        );
      }),
      fcParams(),
    );
  });
});
