import { readFileSync } from 'node:fs';
import { ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KaplanMeier, TopOfBookSurvival } from '../src/index.js';
import { book, bookSpecArb, buildBooks } from './books.js';

const km = JSON.parse(readFileSync(new URL('./fixtures/km.json', import.meta.url), 'utf8')) as {
  time: number[];
  status: number[];
  surv_times: number[];
  surv_prob: number[];
  n_risk: number[];
  n_events: number[];
  median: number;
  q25: number;
};

describe('KaplanMeier (Kaplan & Meier 1958)', () => {
  it('matches statsmodels SurvfuncRight on censored data with ties', () => {
    const k = new KaplanMeier();
    km.time.forEach((t, i) => {
      k.add(t, km.status[i] === 1);
    });
    const c = k.curve();
    expectArraysClose(c.times, km.surv_times, {}, 'times');
    expectArraysClose(c.survival, km.surv_prob, { atol: 1e-12 }, 'survival');
    expectArraysClose(c.atRisk, km.n_risk, {}, 'atRisk');
    expectArraysClose(c.events, km.n_events, {}, 'events');
    // statsmodels uses S < 1 - p (SAS); with no S exactly at 0.5 or 0.75 both definitions agree
    expect(km.surv_prob.some((s) => s === 0.5 || s === 0.75)).toBe(false);
    expect(k.median()).toBe(km.median);
    expect(k.quantile(0.25)).toBe(km.q25);
  });

  it('a sliding window equals a fresh estimator over the last N observations (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 3 }),
        (obs, cap, extra) => {
          const k = new KaplanMeier({ maxObservations: cap });
          obs.forEach(([d, e], i) => {
            k.add(d, e);
            if (i % 7 === 0) k.median(); // reads between adds merge the pending changes
          });
          const fresh = new KaplanMeier();
          for (const [d, e] of obs.slice(-cap)) fresh.add(d, e);
          expect(k.size).toBe(Math.min(cap, obs.length));
          const a = k.curve(extra);
          const b = fresh.curve(extra);
          expect(Array.from(a.times)).toEqual(Array.from(b.times));
          expect(Array.from(a.atRisk)).toEqual(Array.from(b.atRisk));
          expectArraysClose(a.survival, b.survival, { atol: 1e-15 });
          expect(k.median(extra)).toBe(fresh.median(extra));
        },
      ),
      fcParams(),
    );
  });

  it('holds bounded memory: TopOfBookSurvival keeps the last 100,000 lifetimes by default', () => {
    const s = new TopOfBookSurvival({ maxLifetimes: 3 });
    for (let t = 0; t < 10; t++) s.update(book(t, [[100 + (t % 2), 1]], [[102, 1]], 1));
    expect(s.bid.size).toBe(3);
    expect(s.bid.maxObservations).toBe(3);
    expect(new TopOfBookSurvival().bid.maxObservations).toBe(100_000);
    expect(new KaplanMeier().maxObservations).toBe(Number.POSITIVE_INFINITY);
    expect(() => new KaplanMeier({ maxObservations: 0 })).toThrow(ValidationError);
    expect(() => new TopOfBookSurvival({ maxLifetimes: 2.5 })).toThrow(ValidationError);
  });

  it('follows the allowLocked option like every calculator', () => {
    const locked = book(0, [[100, 1]], [[100, 1]], 1);
    expect(() => new TopOfBookSurvival().update(locked)).toThrow(ValidationError);
    const skip = new TopOfBookSurvival({ onInvalid: 'skip' });
    expect(skip.update(locked)).toBe(false);
    expect(skip.skipped).toBe(1);
    expect(new TopOfBookSurvival({ allowLocked: true }).update(locked)).toBe(true);
  });

  it('without censoring equals the empirical survival function', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 60 }),
        (ds) => {
          const k = new KaplanMeier();
          for (const d of ds) k.add(d);
          const c = k.curve();
          c.times.forEach((t, i) => {
            const empirical = ds.filter((d) => d > t).length / ds.length;
            expect(Math.abs(c.survival[i]! - empirical)).toBeLessThan(1e-12);
          });
          expect(c.survival[c.survival.length - 1]).toBeCloseTo(0, 12);
          // Nelson-Aalen is the running sum of the discrete hazard
          let h = 0;
          c.hazard.forEach((x, i) => {
            h += x;
            expect(c.cumulativeHazard[i]).toBeCloseTo(h, 12);
          });
        },
      ),
      fcParams(),
    );
  });

  it('hand-computed with censoring', () => {
    const k = new KaplanMeier();
    k.add(3);
    k.add(5, false);
    k.add(7);
    const c = k.curve();
    expectArraysClose(c.times, [3, 7]);
    expectArraysClose(c.survival, [2 / 3, 0], { atol: 1e-15 });
    expect(k.median()).toBe(7);
    const only = new KaplanMeier();
    only.add(4, false);
    expect(only.median()).toBeUndefined();
    expect(() => k.add(-1)).toThrow(ValidationError);
    expect(() => k.quantile(1)).toThrow(ValidationError);
  });
});

describe('TopOfBookSurvival', () => {
  it('records depleted and improved levels and censors the live one', () => {
    const s = new TopOfBookSurvival();
    s.update(book(0, [[100, 5]], [[102, 5]], 1));
    s.update(book(10, [[100, 2]], [[102, 5]], 1)); // size change only
    s.update(book(20, [[101, 1]], [[102, 5]], 1)); // bid improved after 20
    s.update(book(25, [[100, 3]], [[102, 5]], 1)); // bid depleted after 5
    s.update(book(40, [[100, 3]], [[103, 5]], 1)); // ask depleted after 40
    s.update(book(50, [], [[103, 5]], 1)); // bid side empties: depleted after 25
    s.update(book(60, [[99, 1]], [[103, 5]], 1)); // a bid level is born
    expect(Array.from(s.endCounts)).toEqual([2, 1, 1, 0]);
    const c = s.curve('buy', 70); // live bid level censored at 10
    expectArraysClose(c.times, [5, 20, 25]);
    // at risk: {5,10c,20,25} -> 4, then 2 (5 gone, 10 censored), then 1
    expectArraysClose(c.atRisk, [4, 2, 1]);
    expectArraysClose(c.survival, [3 / 4, 3 / 8, 0], { atol: 1e-15 });
    expect(s.currentAge('sell', 70)).toBe(30);
    expect(s.median('buy', 70)).toBe(20);
  });

  it('never leaks NaN on partly invalid streams', () => {
    fc.assert(
      fc.property(fc.array(bookSpecArb(3, 0.4), { maxLength: 60 }), (specs) => {
        const s = new TopOfBookSurvival({ onInvalid: 'skip' });
        for (const b of buildBooks(specs, 3)) s.update(b);
        for (const side of ['buy', 'sell'] as const) {
          const c = s.curve(side);
          for (const arr of [c.times, c.survival, c.hazard, c.cumulativeHazard]) {
            for (const v of arr) expect(Number.isFinite(v)).toBe(true);
          }
          const m = s.median(side);
          if (m !== undefined) expect(Number.isFinite(m)).toBe(true);
        }
      }),
      fcParams(),
    );
  });
});
