/**
 * The core `Regressor` / `Classifier` contracts over sequences, so an attention-LSTM can sit in
 * an ensemble or a registry like any other model.
 *
 * @module
 */
import {
  type Classifier,
  type ExportableModel,
  type ExportedModel,
  InvalidStateError,
  type JsonObject,
  type Matrix,
  type ModelImporter,
  mostProbableClass,
  type Regressor,
  type Tensor,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import ndarray from 'ndarray';
import type { AttentionLstmConfig, ResolvedAttentionLstmConfig } from './config.js';
import { ATTENTION_LSTM_FORMAT_VERSION, ATTENTION_LSTM_KIND, AttentionLstm } from './model.js';
import { type TrainingReport, type TrainOptions, trainAttentionLstm } from './train.js';

/** Model settings of an estimator: everything but `inputSize` and `outputSize`, which come from the data. */
export type EstimatorModelConfig = Omit<AttentionLstmConfig, 'inputSize' | 'outputSize'>;

/** The `kind` of an exported {@link AttentionLstmClassifier} (its model plus its class labels). */
export const ATTENTION_LSTM_CLASSIFIER_KIND = '@x/attention-lstm:AttentionLstmClassifier';

function estimatorConfigOf(c: ResolvedAttentionLstmConfig): EstimatorModelConfig {
  const { inputSize: _i, outputSize: _o, ...rest } = c;
  return rest;
}

/**
 * A scalar regressor on sequences `[samples, steps, features]` (core `Regressor<Tensor>`): `fit`
 * builds a fresh model from the data's width and trains it with MSE (or Huber) loss.
 *
 * @example
 * ```ts
 * // 8 sequences of 5 steps × 2 features; the target is the sum of the last step's features
 * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
 * const y = Float64Array.from({ length: 8 }, (_, s) => x.get(s, 4, 0) + x.get(s, 4, 1));
 * const reg = new AttentionLstmRegressor({ hiddenSize: 16, numHeads: 2 }, { epochs: 5 });
 * reg.fit(x, y);
 * const yhat = reg.predict(x); // Float64Array(8)
 * ```
 */
export class AttentionLstmRegressor implements Regressor<Tensor>, ExportableModel {
  /** The trained model, once `fit` has run. */
  model: AttentionLstm | undefined;
  /** The report of the last `fit`. */
  lastReport: TrainingReport | undefined;

  /**
   * @param config - model hyper-parameters (hidden size, heads, layers, ...)
   * @param train - training settings; `loss` must be `'mse'` or `'huber'`
   */
  constructor(
    readonly config: EstimatorModelConfig,
    readonly train: TrainOptions = {},
  ) {
    if (train.loss === 'cross-entropy') {
      throw new ValidationError('a regressor trains with mse or huber loss', { field: 'loss' });
    }
  }

  /**
   * Trains a new model on the samples.
   * @param x - inputs `[samples, steps, features]`
   * @param y - one target per sample
   * @throws `ValidationError` (from `@x/core`) on malformed data
   */
  fit(x: Tensor, y: Float64Array): void {
    const m = AttentionLstm.create({ ...this.config, inputSize: x.shape[2] ?? 0, outputSize: 1 });
    this.lastReport = trainAttentionLstm(m, { x, y }, this.train);
    this.model = m;
  }

  /**
   * Predicts one value per sample.
   * @param x - inputs `[samples, steps, features]`
   * @returns the predictions
   * @throws `InvalidStateError` (from `@x/core`) before `fit`
   */
  predict(x: Tensor): Float64Array {
    return Float64Array.from(fitted(this.model).forward(x).data);
  }

  /**
   * The trained model through the core contract.
   * @returns the exported model
   * @throws `InvalidStateError` (from `@x/core`) before `fit`
   */
  exportModel(): ExportedModel {
    return fitted(this.model).exportModel();
  }

  /**
   * A fitted regressor from {@link AttentionLstmRegressor.exportModel}'s output (an exported
   * scalar-output {@link AttentionLstm}); bit-exact. Training settings are not part of an
   * export: pass them to train it again.
   * @param exported - the exported model
   * @param train - training settings for a later `fit`
   * @returns the regressor
   * @throws `ValidationError` (from `@x/core`) when the kind, version or a tensor is wrong, or
   * the model has more than one output
   */
  static importModel(exported: ExportedModel, train: TrainOptions = {}): AttentionLstmRegressor {
    const m = AttentionLstm.importModel(exported);
    if (m.config.outputSize !== 1) {
      throw new ValidationError('a regressor model has one output', {
        field: 'outputSize',
        value: m.config.outputSize,
      });
    }
    const reg = new AttentionLstmRegressor(estimatorConfigOf(m.config), train);
    reg.model = m;
    return reg;
  }
}

/**
 * A classifier on sequences (core `Classifier<Tensor>`): labels are any integers; the model's
 * head has one logit per class seen in `fit` and trains with cross-entropy.
 *
 * @example
 * ```ts
 * // 8 sequences of 5 steps × 2 features; the target is the sum of the last step's features
 * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
 * const y = Float64Array.from({ length: 8 }, (_, s) => x.get(s, 4, 0) + x.get(s, 4, 1));
 * const labels = Int32Array.from(y, (v) => (v > 0 ? 1 : 0));
 * const clf = new AttentionLstmClassifier({ hiddenSize: 16 }, { epochs: 5 });
 * clf.fit(x, labels);
 * const proba = clf.predictProba(x); // [samples, classes]: shape [8, 2]
 * ```
 */
export class AttentionLstmClassifier implements Classifier<Tensor>, ExportableModel {
  /** The trained model, once `fit` has run. */
  model: AttentionLstm | undefined;
  /** The report of the last `fit`. */
  lastReport: TrainingReport | undefined;
  /** Sorted class labels seen in `fit` (column order of `predictProba`). */
  classes: Int32Array = new Int32Array(0);

  /**
   * @param config - model hyper-parameters
   * @param train - training settings (the loss is always cross-entropy)
   */
  constructor(
    readonly config: EstimatorModelConfig,
    readonly train: TrainOptions = {},
  ) {}

  /**
   * Trains a new model on labelled samples.
   * @param x - inputs `[samples, steps, features]`
   * @param y - one integer label per sample
   * @throws `ValidationError` (from `@x/core`) on malformed data or fewer than two classes
   */
  fit(x: Tensor, y: Int32Array): void {
    const classes = Int32Array.from(new Set(y)).sort();
    if (classes.length < 2) {
      throw new ValidationError('classification needs at least two classes', { field: 'y' });
    }
    const index = new Map<number, number>();
    for (let i = 0; i < classes.length; i++) index.set(classes[i]!, i);
    const encoded = Int32Array.from(y, (v) => index.get(v)!);
    const m = AttentionLstm.create({
      ...this.config,
      inputSize: x.shape[2] ?? 0,
      outputSize: classes.length,
    });
    this.lastReport = trainAttentionLstm(
      m,
      { x, y: encoded },
      { ...this.train, loss: 'cross-entropy' },
    );
    this.model = m;
    this.classes = classes;
  }

  /**
   * Class probabilities (softmax of the logits).
   * @param x - inputs `[samples, steps, features]`
   * @returns a `[samples, classes]` matrix whose rows sum to 1
   * @throws `InvalidStateError` (from `@x/core`) before `fit`
   */
  predictProba(x: Tensor): Matrix {
    const logits = fitted(this.model).forward(x).data;
    const K = this.classes.length;
    const n = logits.length / K;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      let mx = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) mx = Math.max(mx, logits[i * K + k]!);
      let s = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(logits[i * K + k]! - mx);
        out[i * K + k] = e;
        s += e;
      }
      for (let k = 0; k < K; k++) out[i * K + k] = out[i * K + k]! / s;
    }
    return ndarray(out, [n, K]);
  }

  /**
   * The most likely class per sample.
   * @param x - inputs `[samples, steps, features]`
   * @returns labels from {@link AttentionLstmClassifier.classes}
   * @throws `InvalidStateError` (from `@x/core`) before `fit`
   */
  predict(x: Tensor): Int32Array {
    return mostProbableClass(this.predictProba(x), this.classes);
  }

  /**
   * The trained classifier through the core contract: the model's config and tensors plus the
   * class labels, as JSON-safe config (kind {@link ATTENTION_LSTM_CLASSIFIER_KIND}).
   * @returns the exported classifier
   * @throws `InvalidStateError` (from `@x/core`) before `fit`
   */
  exportModel(): ExportedModel {
    const inner = fitted(this.model).exportModel();
    const config: JsonObject = { model: inner.config, classes: Array.from(this.classes) };
    return {
      kind: ATTENTION_LSTM_CLASSIFIER_KIND,
      formatVersion: ATTENTION_LSTM_FORMAT_VERSION,
      config,
      tensors: inner.tensors,
    };
  }

  /**
   * A fitted classifier from {@link AttentionLstmClassifier.exportModel}'s output, labels
   * included; bit-exact.
   * @param exported - the exported classifier
   * @param train - training settings for a later `fit`
   * @returns the classifier
   * @throws `ValidationError` (from `@x/core`) when the kind, version, labels or a tensor is wrong
   */
  static importModel(exported: ExportedModel, train: TrainOptions = {}): AttentionLstmClassifier {
    validateExportedModel(exported, ATTENTION_LSTM_CLASSIFIER_KIND);
    const { model: modelConfig, classes } = exported.config as {
      model?: unknown;
      classes?: unknown;
    };
    if (
      !Array.isArray(classes) ||
      !classes.every((c) => Number.isInteger(c) && c >= -(2 ** 31) && c < 2 ** 31) ||
      classes.some((c, i) => i > 0 && c <= classes[i - 1])
    ) {
      throw new ValidationError('classes must be strictly increasing 32-bit integers', {
        field: 'classes',
      });
    }
    const m = AttentionLstm.importModel({
      kind: ATTENTION_LSTM_KIND,
      formatVersion: exported.formatVersion,
      config: modelConfig as JsonObject,
      tensors: exported.tensors,
    });
    if (m.config.outputSize !== classes.length) {
      throw new ValidationError(
        `the model has ${m.config.outputSize} outputs for ${classes.length} classes`,
        { field: 'classes', value: classes.length },
      );
    }
    const clf = new AttentionLstmClassifier(estimatorConfigOf(m.config), train);
    clf.model = m;
    clf.classes = Int32Array.from(classes as number[]);
    return clf;
  }
}

/**
 * The importer of exported classifiers for the core model registry contract.
 *
 * @example
 * ```ts
 * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
 * const clf = new AttentionLstmClassifier({ hiddenSize: 8 }, { epochs: 2 });
 * clf.fit(x, Int32Array.from({ length: 8 }, (_, s) => s % 2));
 * const copy = attentionLstmClassifierImporter.importModel(clf.exportModel());
 * copy.predict(x); // the same classes as clf.predict(x)
 * ```
 */
export const attentionLstmClassifierImporter: ModelImporter<AttentionLstmClassifier> = {
  kind: ATTENTION_LSTM_CLASSIFIER_KIND,
  importModel: (exported) => AttentionLstmClassifier.importModel(exported),
};

function fitted(m: AttentionLstm | undefined): AttentionLstm {
  if (m === undefined)
    throw new InvalidStateError('call fit before predicting', { state: 'unfitted' });
  return m;
}
