import { readFileSync } from 'node:fs';
import { InvalidStateError, Rng, ValidationError } from '@x/core';
import { expectArraysClose, expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitIntegratedOfi,
  IntegratedOfi,
  integratedOfi,
  integratedOfiWalkForward,
  scaledOfi,
} from '../src/index.js';

const pca = JSON.parse(readFileSync(new URL('./fixtures/pca.json', import.meta.url), 'utf8')) as {
  rows: number;
  levels: number;
  x: number[];
  weights: number[];
  explained_variance_ratio: number;
};

describe('fitIntegratedOfi (Cont, Cucuringu & Zhang 2023)', () => {
  it('matches scikit-learn PCA first component (L1-normalised, positive sum)', () => {
    const fit = fitIntegratedOfi(Float64Array.from(pca.x), pca.rows, pca.levels);
    expectArraysClose(fit.weights, pca.weights, { atol: 1e-10 }, 'weights');
    expectClose(fit.explainedVarianceRatio, pca.explained_variance_ratio, { atol: 1e-10 });
    let l1 = 0;
    for (const w of fit.weights) l1 += Math.abs(w);
    expectClose(l1, 1, { atol: 1e-14 });
  });

  it('recovers known loadings of a one-factor model', () => {
    const rng = Rng.fromSeed(11);
    const m = 10;
    const rows = 20_000;
    const load = Float64Array.from({ length: m }, (_, k) => 1 / (k + 1));
    const x = new Float64Array(rows * m);
    for (let r = 0; r < rows; r++) {
      const f = rng.normal(0, 5);
      for (let k = 0; k < m; k++) x[r * m + k] = f * load[k]! + rng.normal(0, 0.05);
    }
    const fit = fitIntegratedOfi(x, rows, m);
    let l1 = 0;
    for (const v of load) l1 += v;
    expectArraysClose(
      fit.weights,
      Array.from(load, (v) => v / l1),
      { atol: 2e-3 },
      'weights',
    );
    expect(fit.explainedVarianceRatio).toBeGreaterThan(0.99);
  });

  it('is invariant to the sign of the data and sums to a positive number', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 12, maxLength: 60 }),
        (vals) => {
          const m = 3;
          const rows = Math.floor(vals.length / m);
          const x = Float64Array.from(vals.slice(0, rows * m));
          let fit: ReturnType<typeof fitIntegratedOfi>;
          try {
            fit = fitIntegratedOfi(x, rows, m);
          } catch (e) {
            expect(ValidationError.isInstance(e)).toBe(true);
            return;
          }
          const neg = fitIntegratedOfi(
            x.map((v) => -v),
            rows,
            m,
          );
          let s = 0;
          for (const w of fit.weights) s += w;
          expect(s).toBeGreaterThanOrEqual(0);
          for (const w of fit.weights) expect(Number.isFinite(w)).toBe(true);
          // a PCA direction is sign-free; only a tie in the sum could flip it
          if (Math.abs(s) > 1e-9) expectArraysClose(neg.weights, fit.weights, { atol: 1e-8 });
        },
      ),
      fcParams(),
    );
  });

  it('rejects data without variance and bad shapes', () => {
    expect(() => fitIntegratedOfi(new Float64Array(20), 10, 2)).toThrow(/variance/);
    expect(() => fitIntegratedOfi(new Float64Array(3), 2, 2)).toThrow(ValidationError);
    expect(() => fitIntegratedOfi([1, Number.NaN, 2, 3], 2, 2)).toThrow(/finite/);
  });
});

describe('IntegratedOfi streaming', () => {
  it('applies the fitted weights to raw OFI scaled by depth', () => {
    const iofi = new IntegratedOfi(pca.levels);
    expect(() => iofi.apply(new Float64Array(10), 1)).toThrow(InvalidStateError);
    iofi.fit(Float64Array.from(pca.x), pca.rows);
    const ofi = Float64Array.from({ length: 10 }, (_, k) => k - 3);
    const want = integratedOfi(iofi.fitted!.weights, scaledOfi(ofi, 4));
    expectClose(iofi.apply(ofi, 4), want, { atol: 1e-14 });
    let manual = 0;
    for (let k = 0; k < 10; k++) manual += (pca.weights[k]! * (k - 3)) / 4;
    expectClose(iofi.apply(ofi, 4), manual, { atol: 1e-10 });
    expect(iofi.apply(ofi, 0)).toBe(0);
    expect(() => iofi.apply(ofi, Number.NaN)).toThrow(ValidationError);
  });

  it('walk-forward uses only past windows', () => {
    const rows = pca.rows;
    const x = Float64Array.from(pca.x);
    const wf = integratedOfiWalkForward(x, rows, pca.levels, 100);
    expect(Array.from(wf.valid.subarray(0, 100)).every((v) => v === 0)).toBe(true);
    const t = 150;
    const w = fitIntegratedOfi(x, 100, pca.levels, (t - 100) * pca.levels).weights;
    expectClose(wf.values[t]!, integratedOfi(w, x.subarray(t * 10, t * 10 + 10)), { atol: 1e-14 });
    // changing the future does not change the past outputs
    const y = x.slice();
    for (let i = (t + 1) * 10; i < y.length; i++) y[i]! *= -3;
    const wf2 = integratedOfiWalkForward(y, rows, pca.levels, 100);
    expectArraysClose(wf2.values.subarray(0, t + 1), wf.values.subarray(0, t + 1));
  });

  it('walk-forward: a NaN is an error, not "no variance" (nothing marked invalid silently)', () => {
    const x = Float64Array.from(pca.x);
    x[120 * pca.levels + 3] = Number.NaN;
    expect(() => integratedOfiWalkForward(x, pca.rows, pca.levels, 100)).toThrow(
      /scaled\[1203\].*window 120.*finite/,
    );
    x[120 * pca.levels + 3] = Number.POSITIVE_INFINITY;
    expect(() => integratedOfiWalkForward(x, pca.rows, pca.levels, 100)).toThrow(ValidationError);
  });

  it('walk-forward: a training window without variance gives no output until it has some', () => {
    const levels = 2;
    const rows = 12;
    const x = new Float64Array(rows * levels);
    for (let t = 6; t < rows; t++) {
      x[t * levels] = t % 2;
      x[t * levels + 1] = (t * 7) % 3;
    }
    const wf = integratedOfiWalkForward(x, rows, levels, 3);
    // windows 3..7 are fitted on constant zeros (rows 0..6); window 8 on rows 5..7, which vary
    expect(Array.from(wf.valid)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('walk-forward validates its arguments', () => {
    const x = Float64Array.from(pca.x);
    expect(() => integratedOfiWalkForward(x, 2.5, pca.levels, 2)).toThrow(/rows/);
    expect(() => integratedOfiWalkForward(x, 10, 0, 2)).toThrow(/levels/);
    expect(() => integratedOfiWalkForward(x, 10, 1.5, 2)).toThrow(/levels/);
    expect(() => integratedOfiWalkForward(x, 10, pca.levels, 2, 0)).toThrow(/refitEvery/);
  });

  it('scaledOfi and integratedOfi refuse non-finite input', () => {
    expect(() => scaledOfi([1, Number.NaN], 2)).toThrow(ValidationError);
    expect(() => scaledOfi([1e308, 1], 1e-10)).toThrow(ValidationError);
    expect(() => integratedOfi([0.5, 0.5], [1])).toThrow(ValidationError);
  });
});
