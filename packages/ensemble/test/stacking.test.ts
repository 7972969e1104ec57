import { type Matrix, type Regressor, tensor, ValidationError } from '@x/core';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import { CombinatorialPurgedKFold } from '../src/cv/combinatorial.js';
import { KFold } from '../src/cv/kfold.js';
import { TimeSeriesSplit } from '../src/cv/timeseries.js';
import { LogisticRegression } from '../src/linear/logistic.js';
import { LinearRegression } from '../src/linear/regression.js';
import { Ridge } from '../src/linear/ridge.js';
import type { RegressorMember } from '../src/members.js';
import { StackingClassifier, StackingRegressor } from '../src/stacking.js';
import { fixture } from './fixtures/index.js';

interface Fx {
  n: number;
  d: number;
  X: number[];
  y: number[];
  stackingRegressor: {
    cv: string;
    passthrough: boolean;
    pred: number[];
    finalCoef: number[];
    finalIntercept: number;
    oof: number[];
  }[];
  stackingTimeSeries: { covered: number[]; pred: number[] };
  stackingClassifier: {
    case: string;
    passthrough: boolean;
    y: number[];
    proba: number[];
    pred: number[];
    transform: number[];
  }[];
}
const fx = fixture<Fx>('ensembles.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X)) as Matrix;
const y = Float64Array.from(fx.y);
const TOL = { atol: 1e-6, rtol: 1e-6 };

/** Hides a model's class so the shared-Gram path does not recognise it: the per-model path runs. */
function opaque(make: () => Regressor): () => Regressor {
  return () => {
    const m = make();
    return { fit: (a, b) => m.fit(a, b), predict: (a) => m.predict(a) };
  };
}

const linearMembers: RegressorMember[] = [
  { name: 'ols', create: () => new LinearRegression() },
  { name: 'r10', create: () => new Ridge({ alpha: 10 }) },
  { name: 'r100', create: () => new Ridge({ alpha: 100 }) },
];
const cvOf = (name: string) =>
  name === 'kfold5'
    ? new KFold({ nSplits: 5 })
    : new KFold({ nSplits: 4, shuffle: true, randomState: 0 });

describe('StackingRegressor against scikit-learn 1.2', () => {
  it.each(fx.stackingRegressor.map((c) => [c.cv, c.passthrough, c] as const))(
    'cv=%s passthrough=%s (shared-Gram path and per-model path)',
    async (_cv, _p, c) => {
      for (const members of [
        linearMembers,
        linearMembers.map((m) => ({ name: m.name, create: opaque(m.create) })),
      ]) {
        const stack = new StackingRegressor({
          estimators: members,
          finalEstimator: () => new Ridge({ alpha: 1 }),
          cv: cvOf(c.cv),
          passthrough: c.passthrough,
        });
        await stack.fit(X, y);
        expectArraysClose(stack.oofPredictions, c.oof, TOL, 'oof');
        const final = stack.finalEstimator as Ridge;
        expectArraysClose(final.coef, c.finalCoef, TOL, 'final coef');
        expectArraysClose(stack.predict(X), c.pred, TOL, 'predict');
      }
    },
  );

  it('predictRow equals predict row by row and does not allocate', async () => {
    const stack = new StackingRegressor({ estimators: linearMembers, passthrough: true });
    await stack.fit(X, y);
    expect(stack.supportsPredictRow).toBe(true);
    const batch = stack.predict(X);
    for (let i = 0; i < fx.n; i++) expect(stack.predictRow(X.data, i * fx.d)).toBe(batch[i]);
  });

  it('trains the meta stage on covered rows only under TimeSeriesSplit (hand-built sklearn reference)', async () => {
    const stack = new StackingRegressor({
      estimators: linearMembers,
      cv: new TimeSeriesSplit({ nSplits: 4 }),
    });
    await stack.fit(X, y);
    expect(Array.from(stack.covered)).toEqual(fx.stackingTimeSeries.covered);
    expect(Number.isNaN(stack.oofPredictions[0]!)).toBe(true);
    expectArraysClose(stack.predict(X), fx.stackingTimeSeries.pred, TOL);
  });

  it('refuses overlapping test folds and bad input with typed errors', async () => {
    const t1 = Array.from({ length: fx.n }, (_, i) => i);
    const stack = new StackingRegressor({
      estimators: linearMembers,
      cv: new CombinatorialPurgedKFold({ t1 }),
    });
    await expect(stack.fit(X, y)).rejects.toThrow(ValidationError);
    await expect(
      new StackingRegressor({ estimators: linearMembers }).fit(X, y.subarray(2)),
    ).rejects.toThrow(ValidationError);
    expect(() => new StackingRegressor({ estimators: [] })).toThrow(ValidationError);
    expect(
      () => new StackingRegressor({ estimators: [linearMembers[0]!, linearMembers[0]!] }),
    ).toThrow(/unique/);
    expect(() => new StackingRegressor({ estimators: linearMembers }).predict(X)).toThrow(
      /not fitted/,
    );
  });
});

describe('StackingClassifier against scikit-learn 1.2', () => {
  const members = [
    { name: 'lr', create: () => new LogisticRegression() },
    { name: 'lr-strong', create: () => new LogisticRegression({ C: 0.01 }) },
    { name: 'lr-noint', create: () => new LogisticRegression({ fitIntercept: false }) },
  ];
  it.each(fx.stackingClassifier.map((c) => [c.case, c.passthrough, c] as const))(
    '%s passthrough=%s',
    async (_c, _p, c) => {
      const stack = new StackingClassifier({ estimators: members, passthrough: c.passthrough });
      const labels = Int32Array.from(c.y);
      await stack.fit(X, labels);
      const head = tensor(
        'float64',
        [5, fx.d],
        Float64Array.from(fx.X.slice(0, 5 * fx.d)),
      ) as Matrix;
      expectArraysClose(stack.transform(head).data, c.transform, TOL, 'transform');
      expectArraysClose(stack.predictProba(X).data, c.proba, TOL, 'proba');
      expect(Array.from(stack.predict(X))).toEqual(c.pred);
    },
  );
});
