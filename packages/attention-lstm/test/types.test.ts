/**
 * Type tests of the public API (checked by `tsc` over the test files): configs and options are
 * closed unions a typo cannot slip through, the estimators satisfy core's model contract over
 * tensors, and the training report's outcome is a closed set.
 */
import type { Classifier, ExportableModel, ExportedModel, Regressor, Tensor } from '@x/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AttentionLstm,
  type AttentionLstmClassifier,
  type AttentionLstmConfig,
  type AttentionLstmRegressor,
  type LossKind,
  type OptimizerOptions,
  type Pooling,
  type TrainingReport,
  type TrainOptions,
} from '../src/index.js';

describe('public types of @x/attention-lstm', () => {
  it('config and training options are closed unions', () => {
    expectTypeOf<'mean'>().toExtend<Pooling>();
    expectTypeOf<'avg'>().not.toExtend<Pooling>();
    expectTypeOf<'mse'>().toExtend<LossKind>();
    expectTypeOf<'mae'>().not.toExtend<LossKind>();
    expectTypeOf<{ type: 'adam'; lr: 1e-3 }>().toExtend<OptimizerOptions>();
    expectTypeOf<{ type: 'rmsprop' }>().not.toExtend<OptimizerOptions>();
    // @ts-expect-error: an unknown pooling name does not compile (and is refused at run time)
    const bad: AttentionLstmConfig = { inputSize: 2, hiddenSize: 4, pooling: 'avg' };
    void bad;
    // @ts-expect-error: nor an unknown training option
    const typo: TrainOptions = { epoch: 3 };
    void typo;
  });

  it('the model and the estimators speak core tensors and the model contract', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, numHeads: 1 });
    expectTypeOf(m.forward).parameter(0).toEqualTypeOf<Tensor>();
    expectTypeOf(m.forward).returns.toEqualTypeOf<Tensor>();
    expectTypeOf(m.exportModel()).toEqualTypeOf<ExportedModel>();
    expectTypeOf<AttentionLstmRegressor>().toExtend<Regressor<Tensor> & ExportableModel>();
    expectTypeOf<AttentionLstmClassifier>().toExtend<Classifier<Tensor> & ExportableModel>();
    expectTypeOf(AttentionLstm.importModel).returns.toEqualTypeOf<AttentionLstm>();
    expect(AttentionLstm.importModel(m.exportModel()).exportModel().kind).toBe(
      m.exportModel().kind,
    );
  });

  it('a training report ends for one of a closed set of reasons', () => {
    expectTypeOf<TrainingReport['stopReason']>().toEqualTypeOf<
      'completed' | 'early-stopping' | 'non-finite' | 'too-many-skipped'
    >();
  });
});
