import { type Matrix, Rng, tensor } from '@x/core';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../src/linear/logistic.js';
import { StackingClassifier } from '../src/stacking.js';
import { ForestClassifier } from '../src/trees.js';

const rng = Rng.fromSeed(8);
const n = 200;
const X = tensor(
  'float64',
  [n, 2],
  Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1)),
) as Matrix;
// a known piecewise truth: linear members cannot express it, trees can
const truth = (a: number, b: number) => (a > 0 ? 2 : -1) + (b > 0.5 ? 1 : 0);
const y = Float64Array.from({ length: n }, (_, i) => truth(X.get(i, 0), X.get(i, 1)));

describe('forest classifier adapter (ml-random-forest)', () => {
  it('learns a piecewise boundary a linear member cannot, and serves as a stacking member', async () => {
    const labels = Int32Array.from({ length: n }, (_, i) =>
      X.get(i, 0) > 0 !== X.get(i, 1) > 0 ? 1 : 0,
    ); // XOR
    const c = new ForestClassifier({ nEstimators: 15, seed: 2 });
    c.fit(X, labels);
    const acc = (p: Int32Array) => p.reduce((a, v, i) => a + (v === labels[i] ? 1 : 0), 0) / n;
    const lin = new LogisticRegression();
    lin.fit(X, labels);
    expect(acc(c.predict(X))).toBeGreaterThan(0.9);
    expect(acc(lin.predict(X))).toBeLessThan(0.75);
    const stack = new StackingClassifier({
      estimators: [
        { name: 'forest', create: () => new ForestClassifier({ nEstimators: 10, seed: 3 }) },
        { name: 'logit', create: () => new LogisticRegression() },
      ],
    });
    await stack.fit(X, labels);
    expect(acc(stack.predict(X))).toBeGreaterThan(0.85);
  });

  it('forest vote shares are probabilities consistent with the majority vote', () => {
    const labels = Int32Array.from(y, (v) => (v > 0 ? 7 : 3));
    const c = new ForestClassifier({ nEstimators: 11, seed: 4 });
    c.fit(X, labels);
    const p = c.predictProba(X);
    const pred = c.predict(X);
    for (let i = 0; i < n; i++) {
      expect(p.get(i, 0) + p.get(i, 1)).toBeCloseTo(1, 12);
      expect(pred[i]).toBe(p.get(i, 1) > p.get(i, 0) ? 7 : 3);
    }
  });

  it('export and import round-trip exactly', () => {
    const c = new ForestClassifier({ nEstimators: 5 });
    c.fit(
      X,
      Int32Array.from(y, (v) => (v > 0 ? 1 : 0)),
    );
    const back = ForestClassifier.importer.importModel(JSON.parse(JSON.stringify(c.exportModel())));
    expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(c.predictProba(X).data));
    expect(() =>
      ForestClassifier.importer.importModel({ ...c.exportModel(), kind: 'x' }),
    ).toThrow();
  });
});
