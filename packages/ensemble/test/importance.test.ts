import { type Matrix, tensor, ValidationError } from '@x/core';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { classifierDiversity, regressorDiversity } from '../src/diversity.js';
import { aggregateImportance, permutationImportance } from '../src/importance.js';
import { fixture } from './fixtures/index.js';

interface Fx {
  X: number[];
  y: number[];
  n: number;
  d: number;
  coef: number[];
  intercept: number;
  cases: {
    randomState: number;
    nRepeats: number;
    importances: number[];
    mean: number[];
    std: number[];
  }[];
}
const fx = fixture<Fx>('importance.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X)) as Matrix;
/** The sklearn model's exact linear predictor, so only the permutations are under test. */
const predict = (x: Matrix) =>
  Float64Array.from(
    { length: x.shape[0]! },
    (_, i) => fx.intercept + fx.coef.reduce((s, c, j) => s + c * x.get(i, j), 0),
  );

describe('permutationImportance against scikit-learn 1.2', () => {
  it.each(fx.cases.map((c) => [c.randomState, c.nRepeats, c] as const))(
    'random_state=%i n_repeats=%i',
    (_s, _r, c) => {
      const imp = permutationImportance(predict, X, Float64Array.from(fx.y), {
        nRepeats: c.nRepeats,
        randomState: c.randomState,
      });
      expectArraysClose(imp.importances, c.importances, { atol: 1e-12, rtol: 1e-10 });
      expectArraysClose(imp.mean, c.mean, { atol: 1e-12, rtol: 1e-10 });
      expectArraysClose(imp.std, c.std, { atol: 1e-12, rtol: 1e-10 });
    },
  );

  it('aggregates member importances by the ensemble weights', () => {
    const a = {
      baseline: 1,
      mean: new Float64Array([1, 0]),
      std: new Float64Array(2),
      importances: new Float64Array(2),
    };
    const b = { ...a, mean: new Float64Array([0, 1]) };
    expectArraysClose(aggregateImportance([a, b], [3, 1]), [0.75, 0.25], { atol: 1e-15 });
    expect(() => aggregateImportance([a, b], [0, 0])).toThrow(ValidationError);
    expect(() =>
      permutationImportance(predict, X, Float64Array.from(fx.y), { nRepeats: 0 }),
    ).toThrow(ValidationError);
  });
});

describe('diversity', () => {
  it('Kuncheva-Whitaker measures match hand counts', () => {
    // y all 0; member a right on rows 0-5, b right on rows 3-8, of 10 rows
    const y = new Array(10).fill(0);
    const a = y.map((_, r) => (r < 6 ? 0 : 1));
    const b = y.map((_, r) => (r >= 3 && r < 9 ? 0 : 1));
    // N11 = 3 (rows 3-5), N10 = 3 (0-2), N01 = 3 (6-8), N00 = 1 (9)
    const d = classifierDiversity(y, [a, b]);
    const p = d.pairs[0]!;
    expect(p.q).toBeCloseTo((3 * 1 - 9) / (3 * 1 + 9), 15);
    expect(p.correlation).toBeCloseTo((3 - 9) / Math.sqrt(6 * 4 * 6 * 4), 15);
    expect(p.disagreement).toBe(0.6);
    expect(p.doubleFault).toBe(0.1);
    expect(d.mean.q).toBe(p.q);
    expect(() => classifierDiversity(y, [a])).toThrow(ValidationError);
  });

  it('error correlation: proportional errors give 1, opposite give -1, NaN rows are skipped', () => {
    const y = [0, 0, 0, 0, 0];
    const p = [1, 2, -1, -1, -2, 1, 2, 4, -2, Number.NaN, Number.NaN, Number.NaN, 3, 6, -3];
    const d = regressorDiversity(y, p, 3);
    expect(d.correlation[0 * 3 + 1]).toBeCloseTo(1, 12);
    expect(d.correlation[0 * 3 + 2]).toBeCloseTo(-1, 12);
    expect(() => regressorDiversity([0], [1, 2], 2)).toThrow(ValidationError);
  });
});
