import {
  exportedModelFromJson,
  exportedModelToJson,
  type Matrix,
  Rng,
  tensor,
  ValidationError,
} from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KFold } from '../src/cv/kfold.js';
import { nextUp } from '../src/internal/cart.js';
import { DecisionTreeRegression } from '../src/internal/ml-cart.js';
import { LinearRegression } from '../src/linear/regression.js';
import { StackingRegressor } from '../src/stacking.js';
import { ForestRegressor, TreeRegressor } from '../src/tree-regression.js';
import { fixture } from './fixtures/index.js';

interface TreeCase {
  name: string;
  params: { max_depth?: number; min_samples_leaf?: number; min_samples_split?: number };
  n: number;
  d: number;
  X: number[];
  y: number[];
  Xtest: number[];
  predictions: number[];
  train: number[];
  nodes: [number, number, number, number][];
}
const golden = fixture<{ sklearn: string; cases: TreeCase[] }>('trees.json');
const mat = (v: number[], d: number) =>
  tensor('float64', [v.length / d, d], Float64Array.from(v)) as Matrix;

describe('TreeRegressor against scikit-learn 1.2 DecisionTreeRegressor', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))(
    '%s: same tree, same predictions',
    (_, c) => {
      const tree = new TreeRegressor({
        ...(c.params.max_depth === undefined ? {} : { maxDepth: c.params.max_depth }),
        ...(c.params.min_samples_leaf === undefined
          ? {}
          : { minSamplesLeaf: c.params.min_samples_leaf }),
        ...(c.params.min_samples_split === undefined
          ? {}
          : { minSamplesSplit: c.params.min_samples_split }),
      });
      tree.fit(mat(c.X, c.d), Float64Array.from(c.y));
      const nodes = tree.nodes();
      expect(nodes.map((nd) => [nd.feature, nd.samples])).toEqual(
        c.nodes.map((nd) => [nd[0], nd[2]]),
      );
      expectArraysClose(
        nodes.map((nd) => nd.threshold),
        c.nodes.map((nd) => nd[1]),
        { atol: 1e-12 },
        'thresholds',
      );
      expectArraysClose(
        nodes.map((nd) => nd.value),
        c.nodes.map((nd) => nd[3]),
        { atol: 1e-12 },
        'node values',
      );
      expectArraysClose(
        tree.predict(mat(c.Xtest, c.d)),
        c.predictions,
        { atol: 1e-12 },
        'test predictions',
      );
      expectArraysClose(tree.predict(mat(c.X, c.d)), c.train, { atol: 1e-12 }, 'train predictions');
    },
  );

  it('makes the perfect split ml-cart 2.1 refuses', () => {
    const c = golden.cases.find((k) => k.name === 'step')!;
    const x = mat(c.X, 1);
    const tree = new TreeRegressor();
    tree.fit(x, Float64Array.from(c.y));
    expect(Array.from(tree.predict(x))).toEqual(c.y);
    const cart = new DecisionTreeRegression();
    cart.train(
      c.X.map((v) => [v]),
      c.y,
    );
    const plain = cart.predict(c.X.map((v) => [v]));
    expect(plain.some((p, i) => p !== c.y[i])).toBe(true); // the library's own growth misses it
  });

  it("nextUp turns x <= t into ml-cart's x < splitValue exactly", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true }),
        (t, x) => {
          expect(x < nextUp(t)).toBe(x <= t);
          expect(t < nextUp(t)).toBe(true);
        },
      ),
      fcParams(),
    );
  });

  it('export and import round-trip exactly; bad input is refused', () => {
    const c = golden.cases[2]!;
    const tree = new TreeRegressor({ maxDepth: 4 });
    tree.fit(mat(c.X, c.d), Float64Array.from(c.y));
    const back = TreeRegressor.importer.importModel(
      exportedModelFromJson(JSON.parse(JSON.stringify(exportedModelToJson(tree.exportModel())))),
    );
    expect(Array.from(back.predict(mat(c.Xtest, c.d)))).toEqual(
      Array.from(tree.predict(mat(c.Xtest, c.d))),
    );
    expect(back.nodes()).toEqual(tree.nodes());
    expect(() => tree.predict(mat([1, 2], 2))).toThrow(ValidationError);
    expect(() => new TreeRegressor({ maxDepth: 0 })).toThrow(ValidationError);
    expect(() => new TreeRegressor({ minSamplesLeaf: 1.5 })).toThrow(ValidationError);
    expect(() => new TreeRegressor().predict(mat([1], 1))).toThrow(/not fitted/);
    expect(() => new TreeRegressor().fit(mat([1, Number.NaN], 1), new Float64Array(2))).toThrow(
      ValidationError,
    );
    const e = tree.exportModel();
    expect(() =>
      TreeRegressor.importer.importModel({ ...e, config: { ...e.config, model: {} } }),
    ).toThrow(ValidationError);
  });
});

describe('ForestRegressor (bagged TreeRegressor trees, core Rng)', () => {
  const rng = Rng.fromSeed(5);
  const n = 300;
  const X = tensor(
    'float64',
    [n, 4],
    Float64Array.from({ length: 4 * n }, () => rng.uniform(-2, 2)),
  ) as Matrix;
  const truth = (i: number) => 2 * Math.sin(1.5 * X.get(i, 0)) + 0.5 * X.get(i, 1) ** 2;
  const y = Float64Array.from({ length: n }, (_, i) => truth(i) + rng.normal(0, 0.3));

  it('beats a single tree and a linear model out of fold, and stacks', async () => {
    const cv = new KFold({ nSplits: 5, shuffle: true, randomState: 1 });
    const rmse = async (create: () => TreeRegressor | ForestRegressor | LinearRegression) => {
      const s = new StackingRegressor({
        estimators: [{ name: 'm', create }],
        cv,
        shareLinearWork: false,
      });
      await s.fit(X, y);
      let e = 0;
      for (let i = 0; i < n; i++) e += (s.oofPredictions[i]! - y[i]!) ** 2;
      return Math.sqrt(e / n);
    };
    const forest = await rmse(
      () => new ForestRegressor({ nEstimators: 30, maxFeatures: 0.5, seed: 2 }),
    );
    const tree = await rmse(() => new TreeRegressor());
    const linear = await rmse(() => new LinearRegression());
    expect(forest).toBeLessThan(tree);
    expect(forest).toBeLessThan(0.6 * linear);
  });

  it('is reproducible from its seed, and export/import round-trips exactly', () => {
    const a = new ForestRegressor({ nEstimators: 8, maxFeatures: 2, seed: 9 });
    const b = new ForestRegressor({ nEstimators: 8, maxFeatures: 2, seed: 9 });
    const c = new ForestRegressor({ nEstimators: 8, maxFeatures: 2, seed: 10 });
    a.fit(X, y);
    b.fit(X, y);
    c.fit(X, y);
    expect(Array.from(b.predict(X))).toEqual(Array.from(a.predict(X)));
    expect(Array.from(c.predict(X))).not.toEqual(Array.from(a.predict(X)));
    const back = ForestRegressor.importer.importModel(
      exportedModelFromJson(JSON.parse(JSON.stringify(exportedModelToJson(a.exportModel())))),
    );
    expect(back.treeCount).toBe(8);
    expect(Array.from(back.predict(X))).toEqual(Array.from(a.predict(X)));
  });

  it('without bootstrap and with every feature, every tree is the single tree', () => {
    const f = new ForestRegressor({ nEstimators: 3, bootstrap: false, maxDepth: 5 });
    f.fit(X, y);
    const t = new TreeRegressor({ maxDepth: 5 });
    t.fit(X, y);
    // the mean of three equal predictions, to rounding
    expectArraysClose(f.predict(X), t.predict(X), { atol: 1e-12 }, 'forest of identical trees');
  });

  it('validates its options', () => {
    expect(() => new ForestRegressor({ nEstimators: 0 })).toThrow(ValidationError);
    expect(() => new ForestRegressor({ maxFeatures: 0 })).toThrow(ValidationError);
    expect(() => new ForestRegressor({ maxFeatures: 2.5 })).toThrow(ValidationError);
    expect(() => new ForestRegressor({ seed: -1 })).toThrow(ValidationError);
  });
});
