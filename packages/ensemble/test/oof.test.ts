import { type Classifier, type Matrix, tensor, ValidationError } from '@x/core';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { KFold } from '../src/cv/kfold.js';
import { StratifiedKFold } from '../src/cv/stratified.js';
import { TimeSeriesSplit } from '../src/cv/timeseries.js';
import { LogisticRegression } from '../src/linear/logistic.js';
import { LinearRegression } from '../src/linear/regression.js';
import { crossValPredict, crossValPredictProba } from '../src/oof.js';
import { fixture } from './fixtures/index.js';

interface Fx {
  n: number;
  d: number;
  X: number[];
  y: number[];
  stackingRegressor: { cv: string; passthrough: boolean; oof: number[] }[];
}
const fx = fixture<Fx>('ensembles.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X)) as Matrix;

describe('crossValPredict', () => {
  it('equals sklearn cross_val_predict for LinearRegression under KFold(5)', async () => {
    const oof = await crossValPredict(
      () => new LinearRegression(),
      X,
      Float64Array.from(fx.y),
      new KFold({ nSplits: 5 }),
    );
    const ref = fx.stackingRegressor[0]!.oof.filter((_, k) => k % 3 === 0);
    expectArraysClose(oof.predictions, ref, { atol: 1e-6, rtol: 1e-6 });
    expect(oof.covered.length).toBe(fx.n);
  });

  it('marks rows no test fold covers as NaN and leaves them out of covered', async () => {
    const oof = await crossValPredict(
      () => new LinearRegression(),
      X,
      Float64Array.from(fx.y),
      new TimeSeriesSplit({ nSplits: 3 }),
    );
    const first = fx.n - 3 * Math.floor(fx.n / 4);
    expect(oof.covered[0]).toBe(first);
    expect(oof.covered.length).toBe(fx.n - first);
    for (let i = 0; i < first; i++) expect(Number.isNaN(oof.predictions[i]!)).toBe(true);
  });

  it('fills probability 0 for a class missing from a fold and rejects mismatched lengths', async () => {
    // a member that only knows the classes it saw; KFold without stratification can miss class 2
    const y = new Int32Array(fx.n).map((_, i) => (i < fx.n - 5 ? i % 2 : 2));
    const oof = await crossValPredictProba(
      () => new LogisticRegression() as Classifier,
      X,
      y,
      new KFold({ nSplits: 5 }),
    );
    expect(Array.from(oof.classes)).toEqual([0, 1, 2]);
    const last = fx.n - 1;
    expect(oof.proba[last * 3 + 2]).toBe(0);
    await expect(
      crossValPredict(() => new LinearRegression(), X, new Float64Array(3), new KFold()),
    ).rejects.toThrow(ValidationError);
    const strat = await crossValPredictProba(
      () => new LogisticRegression(),
      X,
      y,
      new StratifiedKFold({ nSplits: 5 }),
    );
    for (let i = 0; i < fx.n; i++)
      expect(strat.proba[i * 3]! + strat.proba[i * 3 + 1]! + strat.proba[i * 3 + 2]!).toBeCloseTo(
        1,
        12,
      );
  });
});
