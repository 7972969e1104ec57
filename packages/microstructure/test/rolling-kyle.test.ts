import { Rng, ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kyleLambda, RollingKyleLambda } from '../src/index.js';

describe('RollingKyleLambda', () => {
  it('equals the batch OLS of each window (λ, α, plain and HC0/HC1 se, R²), with and without intercept', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 40 }),
        fc.boolean(),
        fc.array(
          fc.tuple(
            fc.integer({ min: -5000, max: 5000 }).map((v) => v / 100),
            fc.integer({ min: -30, max: 30 }),
          ),
          {
            minLength: 45,
            maxLength: 120,
          },
        ),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom('HC0', 'HC1') as fc.Arbitrary<'HC0' | 'HC1'>,
        (window, intercept, obs, resyncEvery, covType) => {
          const k = new RollingKyleLambda({ window, intercept, resyncEvery, covType });
          for (let i = 0; i < obs.length; i++) {
            const [dp, q] = obs[i]!;
            k.update(dp, q);
            if (i + 1 < window) continue;
            const ys = obs.slice(i + 1 - window, i + 1).map((o) => o[0]);
            const xs = obs.slice(i + 1 - window, i + 1).map((o) => o[1]);
            let batch: ReturnType<typeof kyleLambda> | undefined;
            try {
              batch = kyleLambda(ys, xs, { intercept, covType });
            } catch {
              batch = undefined; // degenerate window (no negative flow, constant, ...)
            }
            if (batch === undefined || !k.ready) continue;
            const tol = { atol: 1e-9, rtol: 1e-7 };
            expectClose(k.lambda as number, batch.lambda, tol, 'lambda');
            expectClose(
              k.intercept as number,
              batch.intercept,
              { atol: 1e-7, rtol: 1e-7 },
              'alpha',
            );
            expectClose(k.stdError as number, batch.stdError, tol, 'se');
            expectClose(k.robustStdError as number, batch.robustStdError, tol, 'robust se');
            expectClose(k.r2 as number, batch.r2, { atol: 1e-9 }, 'r2');
          }
        },
      ),
      fcParams({ numRuns: 60 }),
    );
  });

  it('stays accurate over 200,000 updates far from the origin (drift bounded by the resync)', () => {
    const rng = Rng.fromSeed(9);
    const k = new RollingKyleLambda({ window: 500 });
    const xs = new Float64Array(500);
    const ys = new Float64Array(500);
    for (let i = 0; i < 200_000; i++) {
      const q = 1e6 + rng.normal(0, 50);
      const dp = 1e3 + 3e-3 * q + rng.normal(0, 0.5);
      k.update(dp, q);
      xs[i % 500] = q;
      ys[i % 500] = dp;
    }
    // the batch fit needs signed flow and changes: shift both (λ and se are shift-invariant with α)
    const b = kyleLambda(
      Array.from(ys, (y) => y - 4e3),
      Array.from(xs, (x) => x - 1e6),
    );
    expectClose(k.lambda as number, b.lambda, { rtol: 1e-8 }, 'lambda');
    expectClose(k.stdError as number, b.stdError, { rtol: 1e-7 }, 'se');
    expectClose(k.robustStdError as number, b.robustStdError, { rtol: 1e-6 }, 'robust se');
  });

  it('is undefined (never NaN) until the window has variation, and after reset', () => {
    const k = new RollingKyleLambda({ window: 5 });
    expect(k.lambda).toBeUndefined();
    k.update(0.1, 2);
    k.update(0.1, 2);
    k.update(0.1, 2);
    expect(k.ready).toBe(false);
    expect(k.lambda).toBeUndefined();
    expect(k.stdError).toBeUndefined();
    expect(k.tStat).toBeUndefined();
    expect(k.r2).toBeUndefined();
    expect(k.intercept).toBeUndefined();
    k.update(0.3, 4);
    expect(k.lambda).toBeCloseTo(0.1, 12);
    k.reset();
    expect(k.count).toBe(0);
    expect(k.lambda).toBeUndefined();
  });

  it("follows onInvalid: 'throw' by default, 'skip' counts and leaves the window unchanged", () => {
    const t = new RollingKyleLambda({ window: 3 });
    expect(() => t.update(Number.NaN, 1)).toThrow(ValidationError);
    expect(() => t.update(0.1, Number.POSITIVE_INFINITY)).toThrow(/must be finite/);
    const s = new RollingKyleLambda({ window: 3, onInvalid: 'skip' });
    s.update(0.1, 1);
    s.update(-0.2, -2);
    s.update(0.25, 3);
    const before = s.lambda;
    expect(s.update(Number.NaN, 1)).toBe(false);
    expect(s.skipped).toBe(1);
    expect(s.lambda).toBe(before);
    expect(() => new RollingKyleLambda({ window: 2 })).toThrow(/window/);
    expect(() => new RollingKyleLambda({ window: 3, onInvalid: 'drop' as 'skip' })).toThrow(
      /onInvalid/,
    );
  });
});
