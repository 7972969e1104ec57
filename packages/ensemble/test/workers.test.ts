import {
  exportedModelToJson,
  InvalidStateError,
  type Matrix,
  Rng,
  tensor,
  UnsupportedError,
  ValidationError,
} from '@x/core';
import Tinypool from 'tinypool';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinMember } from '../src/builtin.js';
import { KFold } from '../src/cv/kfold.js';
import { StratifiedKFold } from '../src/cv/stratified.js';
import { exportStacking } from '../src/export.js';
import { Ridge } from '../src/linear/ridge.js';
import { crossValPredict, crossValPredictProba } from '../src/oof.js';
import { StackingClassifier, StackingRegressor } from '../src/stacking.js';
import { WorkerPool } from '../src/workers.js';

const rng = Rng.fromSeed(31);
const n = 240;
const d = 4;
const X = tensor(
  'float64',
  [n, d],
  Float64Array.from({ length: n * d }, () => rng.normal()),
) as Matrix;
const yReg = Float64Array.from(
  { length: n },
  (_, i) => X.get(i, 0) - 2 * X.get(i, 1) + 0.5 * X.get(i, 3) + rng.normal(0, 0.3),
);
const yClf = Int32Array.from({ length: n }, (_, i) =>
  X.get(i, 0) + 0.5 * X.get(i, 2) > 0.3 ? 2 : X.get(i, 1) > 0 ? 1 : 0,
);

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.destroy());

const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

function regressionMembers() {
  return [
    builtinMember('ols', 'LinearRegression'),
    builtinMember('ridge1', 'Ridge', { alpha: 1 }),
    builtinMember('ridge30', 'Ridge', { alpha: 30, fitIntercept: false }),
  ];
}

/** The same ensemble fitted on the calling thread and on the pool. */
async function both<M extends { fit(x: Matrix, y: never): Promise<void> }>(
  make: (executor?: WorkerPool) => M,
  y: Float64Array | Int32Array,
): Promise<{ single: M; pooled: M }> {
  const single = make();
  await single.fit(X, y as never);
  const pooled = make(pool);
  await pooled.fit(X, y as never);
  return { single, pooled };
}

describe('WorkerPool: fits on worker threads equal the calling thread bit for bit', () => {
  it('StackingRegressor: members, out-of-fold predictions and predictions', async () => {
    const make = (executor?: WorkerPool) =>
      new StackingRegressor({
        estimators: regressionMembers(),
        cv: new KFold({ nSplits: 5, shuffle: true, randomState: 3 }),
        shareLinearWork: false,
        ...(executor ? { executor } : {}),
      });
    const { single, pooled } = await both(make, yReg);
    expect(bits(pooled.oofPredictions)).toEqual(bits(single.oofPredictions));
    expect(bits(pooled.predict(X))).toEqual(bits(single.predict(X)));
    expect(pooled.estimators[1]).toBeInstanceOf(Ridge);
    expect(JSON.stringify(exportedModelToJson(exportStacking(pooled)))).toBe(
      JSON.stringify(exportedModelToJson(exportStacking(single))),
    );
    // and the result is a real fit: the out-of-fold error is near the noise level
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (single.oofPredictions[i * 3]! - yReg[i]!) ** 2;
    expect(Math.sqrt(sse / n)).toBeLessThan(0.4);
  });

  it('StackingClassifier with a forest and logistic members (multiclass probabilities)', async () => {
    const make = (executor?: WorkerPool) =>
      new StackingClassifier({
        estimators: [
          builtinMember('logit', 'LogisticRegression', { C: 2 }),
          builtinMember('forest', 'ForestClassifier', { nEstimators: 8, seed: 5 }),
        ],
        cv: new StratifiedKFold({ nSplits: 3 }),
        ...(executor ? { executor } : {}),
      });
    const { single, pooled } = await both(make, yClf);
    expect(bits(pooled.predictProba(X).data)).toEqual(bits(single.predictProba(X).data));
    expect(Array.from(pooled.classes)).toEqual([0, 1, 2]);
  });

  it('tree and forest regressors fit on workers to the same bits', async () => {
    const make = (executor?: WorkerPool) =>
      new StackingRegressor({
        estimators: [
          builtinMember('tree', 'TreeRegressor', { maxDepth: 4 }),
          builtinMember('forest', 'ForestRegressor', { nEstimators: 6, maxFeatures: 0.5, seed: 4 }),
        ],
        cv: new KFold({ nSplits: 3 }),
        ...(executor ? { executor } : {}),
      });
    const { single, pooled } = await both(make, yReg);
    expect(bits(pooled.oofPredictions)).toEqual(bits(single.oofPredictions));
    expect(bits(pooled.predict(X))).toEqual(bits(single.predict(X)));
  });

  it('crossValPredict and crossValPredictProba take the pool', async () => {
    const m = builtinMember('ridge', 'Ridge', { alpha: 2 });
    const cv = new KFold({ nSplits: 4 });
    const a = await crossValPredict(m, X, yReg, cv);
    const b = await crossValPredict(m, X, yReg, cv, { executor: pool });
    expect(bits(b.predictions)).toEqual(bits(a.predictions));
    const c = builtinMember('logit', 'LogisticRegression');
    const p = await crossValPredictProba(c, X, yClf, new StratifiedKFold({ nSplits: 3 }));
    const q = await crossValPredictProba(c, X, yClf, new StratifiedKFold({ nSplits: 3 }), {
      executor: pool,
    });
    expect(bits(q.proba)).toEqual(bits(p.proba));
  });
});

describe('WorkerPool: errors', () => {
  it('refuses a closure member with a typed error naming it', async () => {
    const stack = new StackingRegressor({
      estimators: [
        builtinMember('ols', 'LinearRegression'),
        { name: 'mine', create: () => new Ridge({ alpha: 2 }) },
      ],
      executor: pool,
      shareLinearWork: false,
    });
    const err = await stack.fit(X, yReg).catch((e: unknown) => e);
    expect(UnsupportedError.isInstance(err)).toBe(true);
    expect((err as UnsupportedError).message).toMatch(/member 'mine' cannot be sent to a worker/);
    expect((err as UnsupportedError).details.member).toBe('mine');
    // a copy of a built-in member with its factory replaced is a closure too
    const copy = { ...builtinMember('r', 'Ridge'), create: () => new Ridge() };
    await expect(crossValPredict(copy, X, yReg, new KFold(), { executor: pool })).rejects.toThrow(
      /member 'r' cannot be sent/,
    );
  });

  it('a typed error thrown on a worker comes back as the same class with its fields', async () => {
    // collinear columns make the unregularised ridge system singular
    const col = tensor(
      'float64',
      [20, 2],
      Float64Array.from({ length: 40 }, (_, k) => Math.floor(k / 2)),
    ) as Matrix;
    const y = Float64Array.from({ length: 20 }, (_, i) => i);
    const m = builtinMember('flat', 'Ridge', { alpha: 0 });
    const inline = await crossValPredict(m, col, y, new KFold()).catch((e: unknown) => e);
    const remote = await crossValPredict(m, col, y, new KFold(), { executor: pool }).catch(
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(inline)).toBe(true);
    expect(remote).toBeInstanceOf(ValidationError);
    const fields = (e: unknown) => {
      const v = e as ValidationError;
      return { name: v.name, code: v.code, message: v.message, field: v.field, value: v.value };
    };
    expect(fields(remote)).toEqual(fields(inline));
    expect(fields(remote).field).toBe('alpha');
  });

  it('process.exit inside a worker throws instead of ending the worker', async () => {
    const p = new Tinypool({
      filename: new URL('./children/exit-worker.cjs', import.meta.url).href,
      execArgv: ['--conditions=@x/source'],
      maxThreads: 1,
    });
    try {
      const r = (await p.run(null)) as { name: string; message: string };
      expect(r.name).toBe('InvalidStateError');
      expect(r.message).toMatch(/process\.exit\(3\).*refused/);
    } finally {
      await p.destroy();
    }
  });

  it('validates threads and refuses work after destroy', async () => {
    expect(() => new WorkerPool({ threads: 0 })).toThrow(ValidationError);
    expect(() => new WorkerPool({ threads: 1.5 })).toThrow(ValidationError);
    const p = new WorkerPool({ threads: 1 });
    await p.destroy();
    await expect(
      crossValPredict(builtinMember('r', 'Ridge'), X, yReg, new KFold(), { executor: p }),
    ).rejects.toThrow(InvalidStateError);
  });

  it('builtinMember checks the kind and the options up front', () => {
    expect(() => builtinMember('r', 'Ridge', { alpha: -1 })).toThrow(ValidationError);
    expect(() => builtinMember('r', 'toString' as 'Ridge')).toThrow(/unknown built-in member kind/);
  });
});
