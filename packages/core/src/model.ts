/**
 * Model contracts shared by the ensemble, attention-LSTM and registry packages: fit/predict for
 * regressors and classifiers, and export/import of a model as a JSON config plus named tensors,
 * so any model can be stored in the registry and used as an ensemble member.
 *
 * @module
 */
import type { NdArray } from 'ndarray';
import { ValidationError } from './errors.js';
import { isContiguous, type NamedTensors, shapeSize, toContiguous } from './tensor.js';

/** A JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** A 2-D design matrix (rows = samples, columns = features) over a `Float64Array`. */
export type Matrix = NdArray<Float64Array>;

/**
 * A model as data: which kind it is, its hyper-parameters and its weights. This is what the
 * registry stores and what an importer turns back into a live model.
 */
export interface ExportedModel {
  /** The model kind, namespaced by package, such as `'@x/attention-lstm:AttentionLstm'`. */
  readonly kind: string;
  /** The version of the kind's export format; an importer rejects versions it does not know. */
  readonly formatVersion: number;
  /** Hyper-parameters and anything else needed to rebuild the model, as JSON. */
  readonly config: JsonObject;
  /** The learned parameters by name. */
  readonly tensors: NamedTensors;
}

/** A model that can be exported as an {@link ExportedModel}. */
export interface ExportableModel {
  /** The model as config plus named tensors; importing it back gives an identical model. */
  exportModel(): ExportedModel;
}

/** Turns an {@link ExportedModel} of one kind back into a live model. */
export interface ModelImporter<M> {
  /** The kind this importer reads. */
  readonly kind: string;
  /**
   * Rebuilds the model.
   * @param exported - what {@link ExportableModel.exportModel} produced
   * @throws a `ValidationError` when the kind, version, config or a tensor's shape is wrong
   */
  importModel(exported: ExportedModel): M;
}

/**
 * A regressor: learns y ≈ f(X). `X` is a {@link Matrix} for tabular models; sequence models use
 * their own input type.
 */
export interface Regressor<X = Matrix> {
  /**
   * Learns from samples; may be asynchronous for models that train in steps.
   * @param x - inputs, one sample per row (or per leading index)
   * @param y - targets, one per sample
   */
  fit(x: X, y: Float64Array): void | Promise<void>;
  /**
   * Predicts one value per sample.
   * @param x - inputs
   */
  predict(x: X): Float64Array;
}

/** A classifier over integer class labels. */
export interface Classifier<X = Matrix> {
  /** The class labels seen in `fit`, sorted ascending; column order of {@link Classifier.predictProba}. */
  readonly classes: Int32Array;
  /**
   * Learns from labelled samples.
   * @param x - inputs
   * @param y - integer labels, one per sample
   */
  fit(x: X, y: Int32Array): void | Promise<void>;
  /**
   * The most likely class per sample.
   * @param x - inputs
   */
  predict(x: X): Int32Array;
  /**
   * Class probabilities per sample: a matrix of shape [samples, classes] whose rows sum to 1.
   * @param x - inputs
   */
  predictProba(x: X): Matrix;
}

/**
 * Checks the structure of an exported model: kind, integer format version, and tensors whose
 * storage matches their shape.
 * @param exported - the model to check
 * @param expectedKind - the kind the importer reads
 * @throws {@link ValidationError} naming the first problem
 */
export function validateExportedModel(exported: ExportedModel, expectedKind: string): void {
  if (exported.kind !== expectedKind) {
    throw new ValidationError(
      `expected a model of kind '${expectedKind}', got '${String(exported.kind)}'`,
      {
        field: 'kind',
        value: exported.kind,
      },
    );
  }
  if (!Number.isInteger(exported.formatVersion) || exported.formatVersion < 1) {
    throw new ValidationError('formatVersion must be a positive integer', {
      field: 'formatVersion',
      value: exported.formatVersion,
    });
  }
  for (const [name, t] of Object.entries(exported.tensors)) {
    if (t.size !== shapeSize(t.shape)) {
      throw new ValidationError(`tensor '${name}' size does not match its shape`, { field: name });
    }
  }
}

/**
 * The most probable class of each row of a probability matrix, as {@link Classifier.predict}
 * derives it from {@link Classifier.predictProba}: the first of equal maxima wins (numpy's and
 * scikit-learn's `argmax` rule), so ties go to the smallest label when `classes` is sorted.
 * @param proba - probabilities, shape `[samples, classes]`
 * @param classes - the label of each column
 * @returns one label per row
 * @throws {@link ValidationError} when `classes` does not match the matrix's columns
 *
 * @example
 * ```ts
 * const p = tensor('float64', [2, 2], new Float64Array([0.2, 0.8, 0.5, 0.5]));
 * mostProbableClass(p, new Int32Array([3, 7])); // Int32Array [7, 3]
 * ```
 */
export function mostProbableClass(proba: Matrix, classes: Int32Array): Int32Array {
  const n = proba.shape[0] ?? 0;
  const K = proba.shape[1] ?? 0;
  if (K !== classes.length || K === 0) {
    throw new ValidationError(`${classes.length} class labels for ${K} probability columns`, {
      field: 'classes',
    });
  }
  const c = (isContiguous(proba) ? proba : toContiguous(proba)).data;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (c[i * K + k]! > c[i * K + best]!) best = k;
    out[i] = classes[best]!;
  }
  return out;
}
