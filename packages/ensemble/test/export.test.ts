import { type Matrix, tensor, tensorsBitEqual, ValidationError } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  exportStacking,
  stackingClassifierImporter,
  stackingRegressorImporter,
} from '../src/export.js';
import { LogisticRegression } from '../src/linear/logistic.js';
import { LinearRegression } from '../src/linear/regression.js';
import { Ridge } from '../src/linear/ridge.js';
import { StackingClassifier, StackingRegressor } from '../src/stacking.js';
import { fixture } from './fixtures/index.js';

const fx = fixture<{
  n: number;
  d: number;
  X: number[];
  y: number[];
  stackingClassifier: { y: number[] }[];
}>('ensembles.json');
const X = tensor('float64', [fx.n, fx.d], Float64Array.from(fx.X)) as Matrix;
const y = Float64Array.from(fx.y);
const regImporters = [LinearRegression.importer, Ridge.importer];

describe('ensemble export and import', () => {
  it('round-trips a stacking regressor exactly, through JSON-safe config and tensors', async () => {
    const stack = new StackingRegressor({
      estimators: [
        { name: 'ols', create: () => new LinearRegression() },
        { name: 'r', create: () => new Ridge({ alpha: 7 }) },
      ],
      passthrough: true,
    });
    await stack.fit(X, y);
    const e = exportStacking(stack);
    expect(JSON.parse(JSON.stringify(e.config))).toEqual(e.config);
    const back = stackingRegressorImporter(regImporters).importModel(e);
    expect(Array.from(back.predict(X))).toEqual(Array.from(stack.predict(X)));
    expect(back.predictRow(X.data, 0)).toBe(stack.predictRow(X.data, 0));
    const again = exportStacking(back);
    expect(again.config).toEqual(e.config);
    for (const [k, t] of Object.entries(e.tensors))
      expect(tensorsBitEqual(t, again.tensors[k]!)).toBe(true);
    // the imported ensemble can be refitted from its members' imported hyper-parameters
    await back.fit(X, y);
    expect(Array.from(back.predict(X))).toEqual(Array.from(stack.predict(X)));
  });

  it('round-trips a stacking classifier exactly', async () => {
    const labels = Int32Array.from(fx.stackingClassifier.find((c) => new Set(c.y).size === 3)!.y);
    const stack = new StackingClassifier({
      estimators: [
        { name: 'a', create: () => new LogisticRegression() },
        { name: 'b', create: () => new LogisticRegression({ C: 0.05 }) },
      ],
    });
    await stack.fit(X, labels);
    const back = stackingClassifierImporter([LogisticRegression.importer]).importModel(
      exportStacking(stack),
    );
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(stack.predictProba(X).data));
    expect(Array.from(back.classes)).toEqual(Array.from(stack.classes));
  });

  it('refuses unexportable members, unknown kinds and missing tensors with typed errors', async () => {
    const stack = new StackingRegressor({
      estimators: [
        {
          name: 'plain',
          create: () => ({ fit() {}, predict: (x: Matrix) => new Float64Array(x.shape[0]!) }),
        },
      ],
    });
    await stack.fit(X, y);
    expect(() => exportStacking(stack)).toThrow(/exportModel/);
    const ok = new StackingRegressor({
      estimators: [{ name: 'ols', create: () => new LinearRegression() }],
    });
    await ok.fit(X, y);
    const e = exportStacking(ok);
    expect(() => stackingRegressorImporter([Ridge.importer]).importModel(e)).toThrow(
      ValidationError,
    );
    const { 'members.0.coef': _drop, ...rest } = e.tensors;
    expect(() =>
      stackingRegressorImporter(regImporters).importModel({ ...e, tensors: rest }),
    ).toThrow(/lacks tensor/);
    expect(() => stackingRegressorImporter(regImporters).importModel({ ...e, kind: 'x' })).toThrow(
      ValidationError,
    );
  });
});
