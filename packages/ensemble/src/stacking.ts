/**
 * Stacked generalisation (Wolpert 1992; Breiman 1996): a meta-learner fitted on the members'
 * out-of-fold predictions, as scikit-learn's StackingRegressor and StackingClassifier.
 *
 * @module
 */
import {
  type Classifier,
  InvalidStateError,
  type Matrix,
  type Regressor,
  ValidationError,
} from '@x/core';
import { KFold } from './cv/kfold.js';
import type { Split, Splitter } from './cv/split.js';
import { StratifiedKFold } from './cv/stratified.js';
import type { FitExecutor } from './executor.js';
import { encodeLabels } from './internal/labels.js';
import { linearStateOf } from './internal/linear-model.js';
import { fitLinearStack, isComplementPartition, linearSpecOf } from './internal/linear-stack.js';
import { metaMatrix } from './internal/meta.js';
import { columnMap, pick } from './internal/pick.js';
import { dense, sampleCount } from './internal/rows.js';
import { LogisticRegression } from './linear/logistic.js';
import { Ridge } from './linear/ridge.js';
import { isRowRegressor, type RowRegressor } from './linear/row.js';
import { type ClassifierMember, checkMembers, type RegressorMember } from './members.js';
import { coverage, fitMembers, type SampleArray } from './oof.js';

/** Options of {@link StackingRegressor}. */
export interface StackingRegressorOptions<X extends SampleArray = Matrix> {
  /** The members, as named factories. */
  readonly estimators: readonly RegressorMember<X>[];
  /**
   * Makes the meta-learner (default `new Ridge()`, alpha 1; scikit-learn's default is RidgeCV,
   * which picks alpha by leave-one-out among 0.1, 1, 10).
   */
  readonly finalEstimator?: () => Regressor<Matrix>;
  /** The splitter for the out-of-fold stage (default `new KFold({ nSplits: 5 })`, as scikit-learn's `cv=5`). */
  readonly cv?: Splitter;
  /** Also give the meta-learner the raw features, after the member columns (default false). */
  readonly passthrough?: boolean;
  /**
   * Where the members' fold fits and full refits run (default the calling thread). A
   * `WorkerPool` from `@x/ensemble/workers` runs them in parallel on worker threads, with the
   * same results; its members must come from `builtinMember`.
   */
  readonly executor?: FitExecutor;
  /**
   * Fit all-linear members from shared least-squares statistics when the splitter allows
   * (default true; see the class notes). `false` fits every member and fold separately, on the
   * executor.
   */
  readonly shareLinearWork?: boolean;
}

/**
 * Stacking regressor, as `sklearn.ensemble.StackingRegressor`: every member is fitted on all rows
 * (these fits predict at inference), and the meta-learner is fitted on the members' out-of-fold
 * predictions from `cv` (plus the raw features with `passthrough`). With a splitter whose test
 * folds do not cover every row (TimeSeriesSplit, a purged splitter), the meta-learner trains on
 * the covered rows only (scikit-learn refuses such splitters); overlapping test folds are refused.
 *
 * When every member is a built-in {@link LinearRegression} or {@link Ridge} and the splitter is a
 * partition (KFold, StratifiedKFold), the fits share one pass of least-squares statistics: the
 * Gram matrix of each held-out fold, training folds as total minus held-out, every ridge
 * strength solved from the same statistics by Cholesky. Results equal the per-model fits to
 * rounding; a system too ill-conditioned for Cholesky falls back to the per-model fits.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LinearRegression, Ridge, StackingRegressor } from '@x/ensemble';
 * const n = 50;
 * const x = tensor('float64', [n, 2], Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k)));
 * const y = Float64Array.from({ length: n }, (_, i) => 3 * x.get(i, 0) - x.get(i, 1));
 * const stack = new StackingRegressor({
 *   estimators: [
 *     { name: 'ols', create: () => new LinearRegression() },
 *     { name: 'ridge', create: () => new Ridge({ alpha: 10 }) },
 *   ],
 * });
 * await stack.fit(x, y);
 * console.log(stack.predict(x).length); // 50
 * ```
 */
export class StackingRegressor<X extends SampleArray = Matrix>
  implements Regressor<X>, RowRegressor
{
  /** The members' names, in order. */
  readonly names: readonly string[];
  /** Whether raw features reach the meta-learner. */
  readonly passthrough: boolean;
  /** Members fitted on all rows (empty before `fit`). */
  estimators: Regressor<X>[] = [];
  /** The fitted meta-learner. */
  finalEstimator: Regressor<Matrix> | undefined;
  /** Out-of-fold predictions, row-major [samples, members] (NaN on uncovered rows). */
  oofPredictions: Float64Array = new Float64Array(0);
  /** Rows the meta-learner was fitted on. */
  covered: Int32Array = new Int32Array(0);
  private readonly options: StackingRegressorOptions<X>;
  private scratch = new Float64Array(0);
  private nFeatures = 0;

  /**
   * @param options - members, meta-learner, splitter, passthrough
   * @throws ValidationError on no members or duplicate names
   */
  constructor(options: StackingRegressorOptions<X>) {
    checkMembers(options.estimators);
    this.options = options;
    this.names = options.estimators.map((m) => m.name);
    this.passthrough = options.passthrough ?? false;
  }

  /**
   * Fits members on all rows, their out-of-fold predictions, then the meta-learner.
   * @param x - inputs, samples first
   * @param y - targets
   * @throws ValidationError on bad data or a splitter with overlapping test folds
   */
  async fit(x: X, y: Float64Array): Promise<void> {
    const n = sampleCount(x);
    if (y.length !== n)
      throw new ValidationError(`y has ${y.length} values for ${n} samples`, { field: 'y' });
    const cv = this.options.cv ?? new KFold({ nSplits: 5 });
    const splits = cv.split({ nSamples: n, y });
    const covered = coverage(splits, n);
    const M = this.names.length;
    const fast = this.options.shareLinearWork === false ? undefined : this.tryLinear(x, y, splits);
    if (fast !== undefined) {
      this.estimators = fast.members;
      this.oofPredictions = fast.oof;
    } else {
      const r = await fitMembers(
        this.options.estimators,
        'regression',
        x,
        y,
        new Int32Array(0),
        splits,
        this.options.executor,
      );
      const oof = new Float64Array(n * M);
      for (let m = 0; m < M; m++) {
        const p = r.oof[m]!;
        for (let i = 0; i < n; i++) oof[i * M + m] = p[i]!;
      }
      this.estimators = r.models;
      this.oofPredictions = oof;
    }
    const meta = metaMatrix(this.oofPredictions, M, x, this.passthrough, covered, n);
    const final = (this.options.finalEstimator ?? (() => new Ridge()))();
    await final.fit(meta, pick(y, covered));
    this.finalEstimator = final;
    this.covered = covered;
    this.nFeatures = meta.shape[1]! - M;
    this.scratch = new Float64Array(meta.shape[1]!);
  }

  /**
   * Installs fitted parts (what an importer rebuilt): members in order and the meta-learner.
   * Out-of-fold predictions are not part of an export and stay empty.
   * @param estimators - fitted members, one per name
   * @param finalEstimator - the fitted meta-learner
   * @param passthroughFeatures - raw feature count the meta-learner sees after the members (0 without passthrough)
   * @throws ValidationError when the member count differs from the names
   */
  restore(
    estimators: Regressor<X>[],
    finalEstimator: Regressor<Matrix>,
    passthroughFeatures = 0,
  ): void {
    if (estimators.length !== this.names.length) {
      throw new ValidationError(
        `restore got ${estimators.length} members for ${this.names.length} names`,
        { field: 'estimators' },
      );
    }
    this.estimators = estimators;
    this.finalEstimator = finalEstimator;
    this.nFeatures = passthroughFeatures;
    this.scratch = new Float64Array(this.names.length + passthroughFeatures);
  }

  private tryLinear(x: X, y: Float64Array, splits: readonly Split[]) {
    if (x.shape.length !== 2 || !(x.data instanceof Float64Array)) return undefined;
    const members = this.options.estimators.map((m) => m.create());
    const specs = members.map(linearSpecOf);
    if (specs.some((s) => s === undefined)) return undefined;
    const { data, n, d } = dense(x as unknown as Matrix);
    if (!isComplementPartition(splits, n)) return undefined;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]!))
        throw new ValidationError(`y[${i}] is not finite`, { field: 'y' });
    }
    const r = fitLinearStack(data, n, d, y, splits, specs as NonNullable<(typeof specs)[number]>[]);
    if (r === undefined) return undefined;
    members.forEach((m, k) => {
      linearStateOf(m)!.set(r.full[k]!.coef, r.full[k]!.intercept);
    });
    return { members, oof: r.oof };
  }

  /**
   * The meta features of `x`: one column per member, then the raw features with passthrough.
   * @param x - inputs
   * @throws InvalidStateError before `fit`
   */
  transform(x: X): Matrix {
    this.assertFitted();
    const n = sampleCount(x);
    const M = this.estimators.length;
    const block = new Float64Array(n * M);
    this.estimators.forEach((m, k) => {
      const p = m.predict(x);
      for (let i = 0; i < n; i++) block[i * M + k] = p[i]!;
    });
    return metaMatrix(block, M, x, this.passthrough, undefined, n);
  }

  /**
   * Predictions of the meta-learner on the members' predictions.
   * @param x - inputs
   * @throws InvalidStateError before `fit`
   */
  predict(x: X): Float64Array {
    const meta = this.transform(x);
    return this.finalEstimator!.predict(meta);
  }

  /**
   * One row's prediction without allocating, when every member and the meta-learner implement
   * {@link RowRegressor} (the built-in linear models do).
   * @param row - the row's features, row-major
   * @param offset - index of the first feature
   * @throws InvalidStateError before `fit` or when a model lacks `predictRow`
   */
  predictRow(row: ArrayLike<number>, offset = 0): number {
    const s = this.scratch;
    const est = this.estimators;
    const M = est.length;
    for (let k = 0; k < M; k++) s[k] = (est[k] as unknown as RowRegressor).predictRow(row, offset);
    for (let j = 0; j < this.nFeatures; j++) s[M + j] = row[offset + j]!;
    return (this.finalEstimator as unknown as RowRegressor).predictRow(s, 0);
  }

  /** Raw features passed to the meta-learner (0 without passthrough). */
  get passthroughFeatures(): number {
    return this.nFeatures;
  }

  /** True when {@link StackingRegressor.predictRow} can be used. */
  get supportsPredictRow(): boolean {
    return (
      this.finalEstimator !== undefined &&
      isRowRegressor(this.finalEstimator) &&
      this.estimators.every(isRowRegressor)
    );
  }

  private assertFitted(): void {
    if (this.finalEstimator === undefined)
      throw new InvalidStateError('StackingRegressor is not fitted: call fit first');
  }
}

/** Options of {@link StackingClassifier}. */
export interface StackingClassifierOptions<X extends SampleArray = Matrix> {
  /** The members, as named factories. */
  readonly estimators: readonly ClassifierMember<X>[];
  /** Makes the meta-learner (default `new LogisticRegression()`, as scikit-learn). */
  readonly finalEstimator?: () => Classifier<Matrix>;
  /** The splitter (default `new StratifiedKFold({ nSplits: 5 })`, as scikit-learn's `cv=5`). */
  readonly cv?: Splitter;
  /** Also give the meta-learner the raw features (default false). */
  readonly passthrough?: boolean;
  /**
   * Where the members' fold fits and full refits run (default the calling thread); see
   * {@link StackingRegressorOptions.executor}.
   */
  readonly executor?: FitExecutor;
}

/**
 * Stacking classifier, as `sklearn.ensemble.StackingClassifier` with `stack_method='auto'`
 * (members' `predict_proba`): members are fitted on all rows, the meta-learner on their
 * out-of-fold class probabilities. With two classes each member contributes only the
 * probability of the second class (the first column is dropped because the columns sum to one);
 * with more, every column. Rows not covered by a test fold are left out of the meta stage.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LogisticRegression, StackingClassifier } from '@x/ensemble';
 * const n = 40;
 * const x = tensor('float64', [n, 1], Float64Array.from({ length: n }, (_, i) => i / n - 0.5 + 0.3 * Math.sin(i)));
 * const y = Int32Array.from({ length: n }, (_, i) => (i >= n / 2 ? 1 : 0));
 * const stack = new StackingClassifier({
 *   estimators: [
 *     { name: 'weak', create: () => new LogisticRegression({ C: 0.1 }) },
 *     { name: 'strong', create: () => new LogisticRegression({ C: 100 }) },
 *   ],
 * });
 * await stack.fit(x, y);
 * console.log(stack.predictProba(x).shape); // [40, 2]
 * ```
 */
export class StackingClassifier<X extends SampleArray = Matrix> implements Classifier<X> {
  /** The members' names. */
  readonly names: readonly string[];
  /** Whether raw features reach the meta-learner. */
  readonly passthrough: boolean;
  /** Sorted classes seen in `fit`. */
  classes: Int32Array = new Int32Array(0);
  /** Members fitted on all rows. */
  estimators: Classifier<X>[] = [];
  /** The fitted meta-learner. */
  finalEstimator: Classifier<Matrix> | undefined;
  /** Rows the meta-learner was fitted on. */
  covered: Int32Array = new Int32Array(0);
  private readonly options: StackingClassifierOptions<X>;

  /**
   * @param options - members, meta-learner, splitter, passthrough
   * @throws ValidationError on no members or duplicate names
   */
  constructor(options: StackingClassifierOptions<X>) {
    checkMembers(options.estimators);
    this.options = options;
    this.names = options.estimators.map((m) => m.name);
    this.passthrough = options.passthrough ?? false;
  }

  /**
   * Fits members on all rows, their out-of-fold probabilities, then the meta-learner.
   * @param x - inputs
   * @param y - integer labels
   * @throws ValidationError on bad data, fewer than two classes, or overlapping test folds
   */
  async fit(x: X, y: Int32Array): Promise<void> {
    const n = sampleCount(x);
    const { classes } = encodeLabels(y, n);
    if (classes.length < 2)
      throw new ValidationError('classification needs at least two classes', { field: 'y' });
    const cv = this.options.cv ?? new StratifiedKFold({ nSplits: 5 });
    const splits = cv.split({ nSamples: n, y });
    const covered = coverage(splits, n);
    const K = classes.length;
    const width = K === 2 ? 1 : K;
    const M = this.names.length;
    const block = new Float64Array(n * M * width);
    const r = await fitMembers(
      this.options.estimators,
      'proba',
      x,
      y,
      classes,
      splits,
      this.options.executor,
    );
    const members = r.models;
    for (let m = 0; m < M; m++) {
      const p = r.oof[m]!;
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < width; c++)
          block[(i * M + m) * width + c] = p[i * K + c + (K === 2 ? 1 : 0)]!;
      }
    }
    const meta = metaMatrix(block, M * width, x, this.passthrough, covered, n);
    const final = (this.options.finalEstimator ?? (() => new LogisticRegression()))();
    await final.fit(meta, pick(y, covered));
    this.estimators = members;
    this.finalEstimator = final;
    this.classes = classes;
    this.covered = covered;
  }

  /**
   * Installs fitted parts (what an importer rebuilt).
   * @param estimators - fitted members, one per name
   * @param finalEstimator - the fitted meta-learner
   * @param classes - the sorted classes
   * @throws ValidationError when the member count differs from the names
   */
  restore(
    estimators: Classifier<X>[],
    finalEstimator: Classifier<Matrix>,
    classes: Int32Array,
  ): void {
    if (estimators.length !== this.names.length) {
      throw new ValidationError(
        `restore got ${estimators.length} members for ${this.names.length} names`,
        { field: 'estimators' },
      );
    }
    this.estimators = estimators;
    this.finalEstimator = finalEstimator;
    this.classes = classes;
  }

  /**
   * The meta features of `x`: each member's probabilities (the second class's only, for two
   * classes), then the raw features with passthrough.
   * @param x - inputs
   * @throws InvalidStateError before `fit`
   */
  transform(x: X): Matrix {
    if (this.finalEstimator === undefined)
      throw new InvalidStateError('StackingClassifier is not fitted: call fit first');
    const n = sampleCount(x);
    const K = this.classes.length;
    const width = K === 2 ? 1 : K;
    const M = this.estimators.length;
    const block = new Float64Array(n * M * width);
    this.estimators.forEach((m, k) => {
      const p = m.predictProba(x);
      const cols = columnMap(m.classes, this.classes);
      const full = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        full.fill(0);
        for (let c = 0; c < cols.length; c++) full[cols[c]!] = p.get(i, c);
        for (let c = 0; c < width; c++)
          block[(i * M + k) * width + c] = full[c + (K === 2 ? 1 : 0)]!;
      }
    });
    return metaMatrix(block, M * width, x, this.passthrough, undefined, n);
  }

  /** Class probabilities of the meta-learner, [samples, classes]. */
  predictProba(x: X): Matrix {
    const meta = this.transform(x);
    return this.finalEstimator!.predictProba(meta);
  }

  /** The meta-learner's class per row. */
  predict(x: X): Int32Array {
    const meta = this.transform(x);
    return this.finalEstimator!.predict(meta);
  }
}
