import { Rng, ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CancelBurst, CancelBurstDetector } from '../src/index.js';
import { bookSpecArb, buildBooks } from './books.js';

describe('CancelBurstDetector', () => {
  it('EWMA rate and Hawkes intensity follow their closed forms', () => {
    const d = new CancelBurstDetector({
      tauMs: 100,
      hawkesMu: 0.001,
      hawkesAlpha: 0.02,
      hawkesBeta: 0.05,
    });
    d.onCancel(0, 'buy', 0, 1);
    d.onCancel(50, 'buy', 0, 1);
    expectClose(d.rate('buy', 0, 50), (Math.exp(-0.5) + 1) / 100, { atol: 1e-15 });
    expectClose(d.rate('buy', 0, 150), ((Math.exp(-0.5) + 1) / 100) * Math.exp(-1), {
      atol: 1e-15,
    });
    expectClose(
      d.intensity('buy', 0, 60),
      0.001 + 0.02 * (Math.exp(-0.05 * 60) + Math.exp(-0.05 * 10)),
      {
        atol: 1e-15,
      },
    );
    expect(d.rate('sell', 0)).toBe(0);
  });

  it('finds an injected burst in Poisson background and nothing in pure background', () => {
    for (const inject of [true, false]) {
      const rng = Rng.fromSeed(inject ? 1 : 2);
      const bursts: CancelBurst[] = [];
      const d = new CancelBurstDetector({
        tauMs: 200,
        window: 200,
        k: 6,
        onBurst: (b) => bursts.push(b),
      });
      let t = 0;
      let fastCancels = 0;
      let firstFast = Number.NaN;
      while (t < 600_000) {
        const fast = inject && t > 300_000 && t < 302_000;
        t += rng.exponential(fast ? 0.2 : 0.002); // 2 per second, 200 per second in the burst
        if (fast) {
          fastCancels++;
          if (Number.isNaN(firstFast)) firstFast = t;
        }
        d.onCancel(t, 'sell', 1, 1);
      }
      d.advance(t + 10_000);
      if (inject) {
        expect(bursts.length).toBeGreaterThanOrEqual(1);
        const big = bursts.reduce((a, b) => (b.cancels > a.cancels ? b : a));
        // flagged within a few fast arrivals (5 ms apart on average) of the burst's first cancel
        expect(big.startMs).toBeGreaterThanOrEqual(firstFast);
        expect(big.startMs).toBeLessThan(firstFast + 50);
        expect(big.endMs).toBeGreaterThan(301_900);
        expect(big.cancels).toBeGreaterThan(0.9 * fastCancels);
        expect(big.side).toBe('sell');
        expect(big.level).toBe(1);
      } else {
        // Poisson clustering: at most one short false alarm in 10 minutes of background
        expect(bursts.length).toBeLessThanOrEqual(1);
        for (const b of bursts) expect(b.cancels).toBeLessThan(10);
      }
    }
  });

  it('MAD threshold equals a brute-force median + k·1.4826·MAD', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 8, maxLength: 60 }),
          // few distinct gaps: repeated rates (ties in the window and in the deviations) and
          // windows long enough for the binary searches to take several steps
          fc.array(fc.constantFrom(5, 10, 40, 200), { minLength: 40, maxLength: 160 }),
        ),
        fc.integer({ min: 3, max: 33 }),
        (gaps, w) => {
          const d = new CancelBurstDetector({ tauMs: 50, window: w, k: 2 });
          let t = 0;
          const rates: number[] = [];
          for (const g of gaps) {
            t += g;
            d.onCancel(t, 'buy', 2, 1);
            if (rates.length >= w) {
              const past = rates.slice(-w).sort((a, b) => a - b);
              const med = (arr: number[]) =>
                arr.length % 2
                  ? arr[(arr.length - 1) / 2]!
                  : (arr[arr.length / 2 - 1]! + arr[arr.length / 2]!) / 2;
              const m = med(past);
              const mad = med(past.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
              expectClose(d.threshold('buy', 2), m + 2 * 1.4826 * mad, { atol: 1e-12 });
            }
            // the baseline only learns outside bursts
            if (!d.inBurst('buy', 2)) rates.push(d.rate('buy', 2, t));
          }
        },
      ),
      fcParams(),
    );
  });

  it('partly invalid input: only ValidationError escapes, every output stays finite', () => {
    const num = fc.oneof(
      fc.double({ min: 0.001, max: 10, noNaN: true }),
      fc.constantFrom(Number.NaN, -1, 0, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: -5, max: 50 }),
            fc.integer({ min: -1, max: 12 }),
            num,
            fc.boolean(),
          ),
          {
            maxLength: 200,
          },
        ),
        (evs) => {
          const d = new CancelBurstDetector({ levels: 10, tauMs: 20, window: 5, k: 1 });
          let ts = 0;
          for (const [dt, level, qty, buy] of evs) {
            ts += dt;
            const side = buy ? 'buy' : 'sell';
            try {
              d.onCancel(ts, side, level, qty);
            } catch (e) {
              expect(ValidationError.isInstance(e)).toBe(true);
            }
            const l = Math.min(Math.max(level, 0), 9);
            for (const v of [d.rate(side, l), d.intensity(side, l), d.threshold(side, l)]) {
              expect(Number.isFinite(v)).toBe(true);
            }
          }
          for (const b of d.bursts) {
            for (const v of [b.startMs, b.endMs, b.cancels, b.qty, b.peakRate])
              expect(Number.isFinite(v)).toBe(true);
          }
        },
      ),
      fcParams(),
    );
  });

  it('onBook equals onCancel fed by hand with the size decreases at unchanged prices; invalid books throw and keep the reference', () => {
    let seen = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(bookSpecArb(4, 0.2), fc.nat(9)), { maxLength: 60 }), (raw) => {
        // prices pinned most of the time (sizes move), so that cancels are common
        const specs = raw.map(([s, u]) =>
          u < 8
            ? { ...s, bidBest: 10_000, spread: 1, bidGaps: [1, 1, 1, 1], askGaps: [1, 1, 1, 1] }
            : s,
        );
        const books = buildBooks(specs, 4);
        const opts = { levels: 3, tauMs: 20, window: 3, k: 0.5, minCancels: 1 };
        const a = new CancelBurstDetector(opts);
        const b = new CancelBurstDetector(opts);
        let prev: (typeof books)[number] | null = null;
        for (const x of books) {
          let threw = false;
          let got = 0;
          try {
            got = a.onBook(x);
          } catch (e) {
            expect(ValidationError.isInstance(e)).toBe(true);
            threw = true;
          }
          // the reference: validate with the same rules, then diff by hand
          let valid = true;
          try {
            const probe = new CancelBurstDetector(opts);
            probe.onBook({ ...x, ts: Math.max(x.ts, 0) });
          } catch {
            valid = false;
          }
          if (prev !== null && (x.ts < prev.ts || x.bidPrice.length !== prev.bidPrice.length)) {
            valid = false;
          }
          expect(threw).toBe(!valid);
          if (!valid) continue;
          let want = 0;
          if (prev !== null) {
            for (let k = 0; k < 3; k++) {
              const qb = x.bidSize[k] as number;
              const pb = prev.bidSize[k] as number;
              if (qb > 0 && x.bidPrice[k] === prev.bidPrice[k] && qb < pb) {
                b.onCancel(x.ts, 'buy', k, pb - qb);
                want++;
              }
              const qa = x.askSize[k] as number;
              const pa = prev.askSize[k] as number;
              if (qa > 0 && x.askPrice[k] === prev.askPrice[k] && qa < pa) {
                b.onCancel(x.ts, 'sell', k, pa - qa);
                want++;
              }
            }
          }
          expect(got).toBe(want);
          seen += want;
          prev = x;
        }
        expect(a.accepted).toBe(b.accepted);
        expect(a.bursts).toEqual(b.bursts);
        for (const side of ['buy', 'sell'] as const) {
          for (let k = 0; k < 3; k++) {
            const t = prev?.ts ?? 0;
            expect(a.rate(side, k, t)).toBe(b.rate(side, k, t));
            expect(a.intensity(side, k, t)).toBe(b.intensity(side, k, t));
            expect(a.inBurst(side, k)).toBe(b.inBurst(side, k));
          }
        }
      }),
      fcParams(),
    );
    expect(seen).toBeGreaterThan(20); // the streams did contain L2 cancels
  });

  it('rejects bad input', () => {
    const d = new CancelBurstDetector();
    d.onCancel(5, 'buy', 0, 1);
    expect(() => d.onCancel(4, 'buy', 0, 1)).toThrow(ValidationError);
    expect(() => d.onCancel(6, 'buy', 0, Number.NaN)).toThrow(ValidationError);
    expect(() => d.onCancel(6, 'buy', -1, 1)).toThrow(ValidationError);
    expect(d.onCancel(6, 'buy', 99, 1)).toBe(false); // deeper than tracked: ignored
    expect(() => new CancelBurstDetector({ window: 1 })).toThrow(ValidationError);
  });
});
