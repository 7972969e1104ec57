import { Rng, ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionSlippage, priceDeviation, RollingTwap, RollingVwap } from '../src/index.js';
import { bookSpecArb, buildBooks } from './books.js';

describe('RollingVwap', () => {
  it('hand-computed with half-open windows', () => {
    const v = new RollingVwap({ windowMs: 10 });
    expect(v.vwap()).toBeUndefined();
    v.addTrade(0, 100, 1);
    v.addTrade(5, 102, 3);
    expectClose(v.vwap()!, (100 + 306) / 4);
    expectClose(v.vwap(10)!, 102); // the trade at 0 left (0 <= 10 - 10)
    expect(v.vwap(20)).toBeUndefined();
    expect(() => v.addTrade(4, 1, 1)).toThrow(ValidationError);
    expect(() => v.addTrade(30, 1, 0)).toThrow(ValidationError);
  });

  it('equals a brute-force VWAP on random trades (with buffer growth and resync)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: 90, max: 110 }),
            fc.integer({ min: 1, max: 9 }),
          ),
          {
            minLength: 1,
            maxLength: 600,
          },
        ),
        (trades) => {
          const v = new RollingVwap({ windowMs: 40, resyncEvery: 7 });
          const all: [number, number, number][] = [];
          let ts = 0;
          for (const [dt, p, q] of trades) {
            ts += dt;
            v.addTrade(ts, p, q);
            all.push([ts, p, q]);
            const win = all.filter(([t]) => t > ts - 40);
            const want =
              win.reduce((s, [, pp, qq]) => s + pp * qq, 0) /
              win.reduce((s, [, , qq]) => s + qq, 0);
            expectClose(v.vwap()!, want, { rtol: 1e-12 });
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('partly invalid input', () => {
  it('only ValidationError escapes and results stay finite (or undefined)', () => {
    const num = fc.oneof(
      fc.double({ min: 1, max: 200, noNaN: true }),
      fc.constantFrom(Number.NaN, -1, 0, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -3, max: 20 }), num, num), { maxLength: 100 }),
        (evs) => {
          const v = new RollingVwap({ windowMs: 30 });
          const t = new RollingTwap({ windowMs: 30 });
          let ts = 0;
          for (const [dt, p, q] of evs) {
            ts += dt;
            for (const f of [() => v.addTrade(ts, p, q), () => t.update(ts, p)]) {
              try {
                f();
              } catch (e) {
                expect(ValidationError.isInstance(e)).toBe(true);
              }
            }
            const x = v.vwap();
            const y = t.twap();
            if (x !== undefined) expect(Number.isFinite(x)).toBe(true);
            if (y !== undefined) expect(Number.isFinite(y)).toBe(true);
          }
        },
      ),
      fcParams(),
    );
  });
});

describe('RollingTwap', () => {
  it('hand-computed step function', () => {
    const t = new RollingTwap({ windowMs: 10 });
    t.update(0, 100);
    t.update(4, 110);
    expectClose(t.twap(6)!, (4 * 100 + 2 * 110) / 6);
    expectClose(t.twap(14)!, 110); // [4, 14]
    expectClose(t.twap(12)!, (2 * 100 + 8 * 110) / 10);
    expect(t.twap(14)).toBe(110);
  });

  it('updateMid equals update(ts, mid) on partly invalid book streams; one-sided books hold the last value', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(3, 0.2), { maxLength: 50 }), (specs) => {
        const books = buildBooks(specs, 3);
        const a = new RollingTwap({ windowMs: 40 });
        const b = new RollingTwap({ windowMs: 40 });
        let levels = -1;
        let lastTs = Number.NEGATIVE_INFINITY;
        for (const x of books) {
          let threw = false;
          let got = false;
          try {
            got = a.updateMid(x);
          } catch (e) {
            expect(ValidationError.isInstance(e)).toBe(true);
            threw = true;
          }
          // reference validity: the book alone (a fresh calculator), levels and time
          let valid = x.ts >= lastTs && (levels < 0 || x.bidPrice.length === levels);
          try {
            new RollingTwap({ windowMs: 40 }).updateMid(x);
          } catch {
            valid = false;
          }
          expect(threw).toBe(!valid);
          if (!valid) continue;
          levels = x.bidPrice.length;
          lastTs = x.ts;
          const twoSided = (x.bidSize[0] as number) > 0 && (x.askSize[0] as number) > 0;
          expect(got).toBe(twoSided);
          if (twoSided) {
            b.update(x.ts, 0.5 * ((x.bidPrice[0] as number) + (x.askPrice[0] as number)));
          }
          expect(a.twap()).toBe(b.twap());
        }
      }),
      fcParams(),
    );
  });

  it('equals a brute-force integral on random paths', () => {
    const rng = Rng.fromSeed(9);
    const t = new RollingTwap({ windowMs: 50, resyncEvery: 5 });
    const pts: [number, number][] = [];
    let ts = 0;
    for (let i = 0; i < 2000; i++) {
      ts += rng.int(0, 6);
      const v = 100 + rng.normal();
      t.update(ts, v);
      pts.push([ts, v]);
      const now = ts + rng.int(0, 3);
      const cut = Math.max(now - 50, pts[0]![0]);
      let area = 0;
      for (let k = 0; k < pts.length; k++) {
        const a = Math.max(pts[k]![0], cut);
        const b = k + 1 < pts.length ? pts[k + 1]![0] : now;
        if (b > a) area += pts[k]![1] * (b - a);
      }
      const want = now > cut ? area / (now - cut) : v;
      expectClose(t.twap(now)!, want, { atol: 1e-9 });
    }
  });
});

describe('deviations', () => {
  it('price and bps, signed slippage', () => {
    const d = priceDeviation(101, 100);
    expectClose(d.price, 1);
    expectClose(d.bps, 100);
    expectClose(executionSlippage('buy', 100.05, 100).bps, 5, { atol: 1e-9 });
    expectClose(executionSlippage('sell', 100.05, 100).bps, -5, { atol: 1e-9 });
    expect(() => priceDeviation(1, 0)).toThrow(ValidationError);
  });
});
