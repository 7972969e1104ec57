/**
 * Out-of-fold predictions: every row predicted by a model that did not see it, under any
 * splitter.
 *
 * @module
 */
import { type Classifier, type Matrix, type Regressor, ValidationError } from '@x/core';
import type { NdArray } from 'ndarray';
import type { Split, Splitter } from './cv/split.js';
import { encodeLabels } from './internal/labels.js';
import { sampleCount, takeRows } from './internal/rows.js';

/** A sample-first input: a matrix, or a [samples, ...] tensor for sequence models. */
export type SampleArray = NdArray<Float64Array> | NdArray<Float32Array>;

/** Out-of-fold predictions of one regressor. */
export interface OofPredictions {
  /** One prediction per row; `NaN` for rows no test fold covered. */
  readonly predictions: Float64Array;
  /** The covered rows, ascending (all rows for a partitioning splitter such as KFold). */
  readonly covered: Int32Array;
}

/** Out-of-fold class probabilities of one classifier. */
export interface OofProbabilities {
  /** [samples, classes] in the order of `classes`; `NaN` rows where no test fold covered. */
  readonly proba: Float64Array;
  /** The classes of the whole `y`, sorted. */
  readonly classes: Int32Array;
  /** The covered rows, ascending. */
  readonly covered: Int32Array;
}

/**
 * @internal The test folds' coverage: each row in at most one test fold.
 * @throws ValidationError when test folds overlap (CPCV: use its backtest paths instead)
 */
export function coverage(splits: readonly { test: Int32Array }[], n: number): Int32Array {
  const seen = new Uint8Array(n);
  let count = 0;
  for (const s of splits) {
    for (const r of s.test) {
      if (seen[r]) {
        throw new ValidationError(
          `row ${r} is in more than one test fold: out-of-fold predictions need disjoint test folds`,
          { field: 'cv' },
        );
      }
      seen[r] = 1;
      count++;
    }
  }
  const covered = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (seen[i]) covered[k++] = i;
  return covered;
}

/**
 * Out-of-fold predictions of a regressor (scikit-learn's `cross_val_predict`): for each split a
 * fresh model from `create` is fitted on the train rows and predicts the test rows. Unlike
 * scikit-learn, splitters whose test folds do not cover every row (TimeSeriesSplit, purged
 * splitters with uneven coverage) are accepted: uncovered rows get `NaN` and are left out of
 * `covered`, and ensembles train their meta stage on the covered rows only.
 *
 * @param create - makes a fresh, unfitted regressor
 * @param x - inputs, samples first
 * @param y - targets
 * @param cv - the splitter
 * @returns predictions and covered rows
 * @throws ValidationError on mismatched lengths or overlapping test folds
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { crossValPredict, KFold, Ridge } from '@x/ensemble';
 * const x = tensor('float64', [6, 1], new Float64Array([0, 1, 2, 3, 4, 5]));
 * const y = new Float64Array([0, 2, 4, 6, 8, 10]);
 * const oof = await crossValPredict(() => new Ridge({ alpha: 0 }), x, y, new KFold({ nSplits: 3 }));
 * console.log(oof.predictions); // [0, 2, 4, 6, 8, 10] up to rounding: a line extrapolates exactly
 * ```
 */
export async function crossValPredict<X extends SampleArray = Matrix>(
  create: () => Regressor<X>,
  x: X,
  y: Float64Array,
  cv: Splitter,
): Promise<OofPredictions> {
  const n = sampleCount(x);
  if (y.length !== n)
    throw new ValidationError(`y has ${y.length} values for ${n} samples`, { field: 'y' });
  const splits = cv.split({ nSamples: n, y });
  return { predictions: await oofRegression(create, x, y, splits), covered: coverage(splits, n) };
}

/** @internal OOF predictions over given splits (NaN where uncovered). */
export async function oofRegression<X extends SampleArray>(
  create: () => Regressor<X>,
  x: X,
  y: Float64Array,
  splits: readonly Split[],
): Promise<Float64Array> {
  const predictions = new Float64Array(sampleCount(x)).fill(Number.NaN);
  for (const s of splits) {
    const m = create();
    await m.fit(takeRows(x, s.train), pick(y, s.train));
    const p = m.predict(takeRows(x, s.test));
    for (let k = 0; k < s.test.length; k++) predictions[s.test[k]!] = p[k]!;
  }
  return predictions;
}

/**
 * Out-of-fold class probabilities of a classifier (`cross_val_predict(method='predict_proba')`).
 * Columns follow the classes of the whole `y`; a class missing from a fold's training rows gets
 * probability 0 there, as scikit-learn does.
 *
 * @param create - makes a fresh, unfitted classifier
 * @param x - inputs, samples first
 * @param y - integer labels
 * @param cv - the splitter (StratifiedKFold keeps every class in every fold)
 * @returns probabilities, classes and covered rows
 * @throws ValidationError on mismatched lengths or overlapping test folds
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { crossValPredictProba, LogisticRegression, StratifiedKFold } from '@x/ensemble';
 * const x = tensor('float64', [8, 1], new Float64Array([-3, -2, -1, -0.5, 0.5, 1, 2, 3]));
 * const y = new Int32Array([0, 0, 0, 1, 0, 1, 1, 1]);
 * const oof = await crossValPredictProba(() => new LogisticRegression(), x, y, new StratifiedKFold({ nSplits: 2 }));
 * console.log(oof.classes, oof.proba.length); // Int32Array [0, 1] 16
 * ```
 */
export async function crossValPredictProba<X extends SampleArray = Matrix>(
  create: () => Classifier<X>,
  x: X,
  y: Int32Array,
  cv: Splitter,
): Promise<OofProbabilities> {
  const n = sampleCount(x);
  const { classes } = encodeLabels(y, n);
  const splits = cv.split({ nSamples: n, y });
  const covered = coverage(splits, n);
  return { proba: await oofProba(create, x, y, classes, splits), classes, covered };
}

/** @internal OOF probabilities over given splits, columns in the order of `classes`. */
export async function oofProba<X extends SampleArray>(
  create: () => Classifier<X>,
  x: X,
  y: Int32Array,
  classes: Int32Array,
  splits: readonly Split[],
): Promise<Float64Array> {
  const K = classes.length;
  const proba = new Float64Array(sampleCount(x) * K).fill(Number.NaN);
  for (const s of splits) {
    const m = create();
    await m.fit(takeRows(x, s.train), pick(y, s.train));
    const p = m.predictProba(takeRows(x, s.test));
    const cols = columnMap(m.classes, classes);
    const km = m.classes.length;
    for (let r = 0; r < s.test.length; r++) {
      const o = s.test[r]! * K;
      for (let k = 0; k < K; k++) proba[o + k] = 0;
      for (let c = 0; c < km; c++)
        proba[o + cols[c]!] = p.data[p.offset + r * p.stride[0]! + c * p.stride[1]!]!;
    }
  }
  return proba;
}

/** @internal Position of each of `sub`'s classes among `all`. */
export function columnMap(sub: Int32Array, all: Int32Array): Int32Array {
  const out = new Int32Array(sub.length);
  for (let c = 0; c < sub.length; c++) {
    const k = all.indexOf(sub[c]!);
    if (k < 0)
      throw new ValidationError(`member predicted unknown class ${sub[c]}`, { field: 'classes' });
    out[c] = k;
  }
  return out;
}

/** @internal `a[rows]`. */
export function pick<T extends Float64Array | Int32Array>(a: T, rows: Int32Array): T {
  const out = new (a.constructor as { new (n: number): T })(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]!]!;
  return out;
}
