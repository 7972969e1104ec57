import { Rng, ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CancelBurst, CancelBurstDetector } from '../src/index.js';

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
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 8, maxLength: 60 }),
        fc.integer({ min: 3, max: 8 }),
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
                  ? arr[(arr.length - 1) / 2]
                  : (arr[arr.length / 2 - 1] + arr[arr.length / 2]) / 2;
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
