/**
 * Type tests of the public API (checked by `tsc` over the test files): an ensemble's input type
 * follows its members', members of different input types do not mix, the meta-learner reads the
 * OOF matrix, and the built-in models satisfy core's contracts.
 */
import type { ExportableModel, Matrix, Regressor } from '@x/core';
import { tensor } from '@x/core';
import type { NdArray } from 'ndarray';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  KFold,
  LinearRegression,
  type RegressorMember,
  Ridge,
  type Split,
  type Splitter,
  StackingRegressor,
} from '../src/index.js';

type F32 = NdArray<Float32Array>;

/** A member that reads float32 samples, as an attention-LSTM feature window would. */
const f32Member: RegressorMember<F32> = {
  name: 'f32',
  create: () => ({ fit: () => {}, predict: (x) => new Float64Array(x.shape[0] ?? 0) }),
};

describe('public types of @x/ensemble', () => {
  it('an ensemble takes the input type of its members', () => {
    const s = new StackingRegressor({ estimators: [f32Member], cv: new KFold({ nSplits: 2 }) });
    expectTypeOf(s).toEqualTypeOf<StackingRegressor<F32>>();
    expectTypeOf(s).toExtend<Regressor<F32>>();
    expectTypeOf(s.predict).parameter(0).toEqualTypeOf<F32>();
    const plain = new StackingRegressor({
      estimators: [{ name: 'ols', create: () => new LinearRegression() }],
    });
    expectTypeOf(plain).toEqualTypeOf<StackingRegressor<Matrix>>();
    expect(s.names).toEqual(['f32']);
  });

  it('members of different input types do not mix, and the meta-learner reads a Matrix', () => {
    new StackingRegressor({
      // @ts-expect-error: a float64 member beside a float32 one
      estimators: [f32Member, { name: 'ols', create: () => new LinearRegression() }],
    });
    new StackingRegressor({
      estimators: [f32Member],
      // @ts-expect-error: the meta-learner reads the OOF matrix, not the members' input
      finalEstimator: () => f32Member.create(),
    });
  });

  it('built-in models satisfy core contracts; splitters give Int32Array indices', () => {
    expectTypeOf<Ridge>().toExtend<Regressor & ExportableModel>();
    expectTypeOf<LinearRegression>().toExtend<Regressor>();
    expectTypeOf<KFold>().toExtend<Splitter>();
    const splits = new KFold({ nSplits: 2 }).split({ nSamples: 4 });
    expectTypeOf(splits).toEqualTypeOf<Split[]>();
    expectTypeOf(splits[0]!.train).toEqualTypeOf<Int32Array>();
    const x = tensor('float64', [4, 1], new Float64Array([1, 2, 3, 4]));
    const r = new Ridge({ alpha: 1 });
    r.fit(x, new Float64Array([2, 4, 6, 8]));
    expectTypeOf(r.predict(x)).toEqualTypeOf<Float64Array>();
    expect(splits).toHaveLength(2);
  });
});
