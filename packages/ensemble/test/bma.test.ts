import { Rng, ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bicWeights,
  gaussianLpd,
  pseudoBmaPlusWeights,
  pseudoBmaWeights,
  stackingDistributionWeights,
} from '../src/bma.js';
import { DynamicWeights } from '../src/dynamic.js';

describe('Bayesian model averaging weights (closed forms)', () => {
  it('pseudo-BMA: elpd differing by log 3 gives 3:1', () => {
    expectArraysClose(pseudoBmaWeights([Math.log(3) - 1000, -1000]), [0.75, 0.25], { atol: 1e-12 });
  });

  it('BIC: a BIC gap of 2 ln 3 gives 3:1', () => {
    expectArraysClose(bicWeights([50, 50 + 2 * Math.log(3), 1e6]), [0.75, 0.25, 0], {
      atol: 1e-15,
    });
  });

  it('pseudo-BMA+ equals pseudo-BMA when every row has the same lpd (the bootstrap has nothing to vary)', () => {
    const lpd = [];
    for (let i = 0; i < 30; i++) lpd.push(-1, -1.05, -1.2);
    const plus = pseudoBmaPlusWeights({ lpd, nModels: 3 }, { draws: 200 });
    expectArraysClose(plus, pseudoBmaWeights([-30, -31.5, -36]), { atol: 1e-12 });
  });

  it('pseudo-BMA+ is symmetric in the models and shrinks a noisy lead toward equal weights', () => {
    const rng = Rng.fromSeed(4);
    const lpd: number[] = [];
    for (let i = 0; i < 50; i++) lpd.push(-1 + rng.normal(0, 1), -1.02 + rng.normal(0, 1));
    const w = pseudoBmaPlusWeights({ lpd, nModels: 2 });
    const swapped = pseudoBmaPlusWeights({ lpd: lpd.map((_, k) => lpd[k ^ 1]!), nModels: 2 });
    expectArraysClose(w, [swapped[1]!, swapped[0]!], { atol: 1e-12 });
    let e0 = 0;
    let e1 = 0;
    for (let i = 0; i < 50; i++) {
      e0 += lpd[2 * i]!;
      e1 += lpd[2 * i + 1]!;
    }
    const plain = pseudoBmaWeights([e0, e1]);
    expect(Math.abs(w[0]! - 0.5)).toBeLessThan(Math.abs(plain[0]! - 0.5));
  });

  it('stacking of predictive distributions: w = 3f - 1 for the two-density mixture', () => {
    for (const f of [0.4, 0.5, 0.6]) {
      const n = 100;
      const lpd: number[] = [];
      for (let i = 0; i < n; i++) lpd.push(...(i < f * n ? [Math.log(2), 0] : [0, Math.log(2)]));
      expectArraysClose(stackingDistributionWeights({ lpd, nModels: 2 }), [3 * f - 1, 2 - 3 * f], {
        atol: 1e-8,
      });
    }
    // f <= 1/3: the boundary optimum puts all weight on model 1
    const lpd: number[] = [];
    for (let i = 0; i < 90; i++) lpd.push(...(i < 20 ? [Math.log(2), 0] : [0, Math.log(2)]));
    expectArraysClose(stackingDistributionWeights({ lpd, nModels: 2 }), [0, 1], { atol: 1e-4 });
  });

  it('stacking weights stay on the simplex and do not lower the log score of any vertex (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 1, noNaN: true }), { minLength: 30, maxLength: 30 }),
        (lpd) => {
          const w = stackingDistributionWeights({ lpd, nModels: 3 });
          expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          const score = (v: ArrayLike<number>) => {
            let s = 0;
            for (let i = 0; i < 10; i++)
              s += Math.log(
                v[0]! * Math.exp(lpd[i * 3]!) +
                  v[1]! * Math.exp(lpd[i * 3 + 1]!) +
                  v[2]! * Math.exp(lpd[i * 3 + 2]!),
              );
            return s;
          };
          for (const e of [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ])
            expect(score(w)).toBeGreaterThanOrEqual(score(e) - 1e-7);
        },
      ),
      fcParams({ numRuns: 30 }),
    );
  });

  it('gaussianLpd is the normal log density at the RMSE scale, and bad inputs throw', () => {
    const g = gaussianLpd([0, 0], [1, 0, -1, 0], 2);
    // model 0: errors ±1, σ² = 1; model 1: perfect, σ² floored
    expect(g.lpd[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - 0.5, 12);
    expect(() => pseudoBmaWeights([])).toThrow(ValidationError);
    expect(() => stackingDistributionWeights({ lpd: [1, 2, 3], nModels: 2 })).toThrow(
      ValidationError,
    );
    expect(() => pseudoBmaPlusWeights({ lpd: [Number.NaN, 1], nModels: 2 })).toThrow(
      ValidationError,
    );
  });
});

describe('DynamicWeights', () => {
  it('shifts weight to the member that becomes better after a simulated regime change', () => {
    const rng = Rng.fromSeed(9);
    for (const score of ['squared-error', 'log-score'] as const) {
      const dw = new DynamicWeights({ nMembers: 2, halfLife: 20, score });
      const seen: number[] = [];
      for (let t = 0; t < 600; t++) {
        const y = rng.normal();
        // member 0 is accurate before t = 300, member 1 after
        const sd = t < 300 ? [0.2, 1] : [1, 0.2];
        const f = [y + rng.normal(0, sd[0]), y + rng.normal(0, sd[1])];
        if (score === 'squared-error') dw.update(y, f);
        else
          dw.update(
            y,
            f.map(
              (v, k) =>
                -0.5 * Math.log(2 * Math.PI * sd[k]! ** 2) - (y - v) ** 2 / (2 * sd[k]! ** 2),
            ),
          );
        seen.push(dw.weights[1]!);
      }
      expect(seen[299]!).toBeLessThan(0.15);
      expect(seen[599]!).toBeGreaterThan(0.85);
      // it adapts within a few half-lives of the change
      expect(seen[300 + 100]!).toBeGreaterThan(0.7);
    }
  });

  it('rejects bad updates without changing state', () => {
    const dw = new DynamicWeights({ nMembers: 2 });
    dw.update(1, [1, 2]);
    const before = Array.from(dw.weights);
    expect(() => dw.update(1, [1])).toThrow(ValidationError);
    expect(() => dw.update(1, [1, Number.NaN])).toThrow(ValidationError);
    expect(Array.from(dw.weights)).toEqual(before);
    expect(dw.count).toBe(1);
    expect(dw.combine([2, 4])).toBeCloseTo(2 * before[0]! + 4 * before[1]!, 14);
    expect(() => new DynamicWeights({ nMembers: 0 })).toThrow(ValidationError);
  });
});
