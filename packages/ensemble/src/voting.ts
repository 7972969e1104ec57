/**
 * Voting ensembles, as scikit-learn's VotingClassifier and VotingRegressor: members fitted on
 * all rows, combined by a (weighted) vote or average.
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
import { encodeLabels } from './internal/labels.js';
import { columnMap } from './internal/pick.js';
import { asMatrix, sampleCount } from './internal/rows.js';
import {
  type ClassifierMember,
  checkMembers,
  checkWeights,
  fitAll,
  type RegressorMember,
  weightedPredictions,
} from './members.js';
import type { SampleArray } from './oof.js';

/** Options of {@link VotingClassifier}. */
export interface VotingClassifierOptions<X extends SampleArray = Matrix> {
  /** The members. */
  readonly estimators: readonly ClassifierMember<X>[];
  /** `'hard'`: weighted majority of predicted labels (default); `'soft'`: argmax of weighted mean probabilities. */
  readonly voting?: 'hard' | 'soft';
  /** One non-negative weight per member (default equal). */
  readonly weights?: readonly number[];
}

/**
 * Voting classifier, as `sklearn.ensemble.VotingClassifier`. Hard voting sums each member's
 * weight on its predicted class and takes the largest sum; soft voting takes the largest
 * weighted mean probability. Ties go to the smallest class label, as scikit-learn's `argmax`
 * over its sorted, label-encoded classes does.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LogisticRegression, VotingClassifier } from '@x/ensemble';
 * const x = tensor('float64', [6, 1], new Float64Array([-2, -1, -0.5, 0.5, 1, 2]));
 * const y = new Int32Array([0, 0, 1, 0, 1, 1]);
 * const vote = new VotingClassifier({
 *   estimators: [
 *     { name: 'a', create: () => new LogisticRegression({ C: 0.5 }) },
 *     { name: 'b', create: () => new LogisticRegression({ C: 5 }) },
 *   ],
 *   voting: 'soft',
 * });
 * await vote.fit(x, y);
 * console.log(vote.predict(x)); // Int32Array [0, 0, 0, 1, 1, 1]
 * ```
 */
export class VotingClassifier<X extends SampleArray = Matrix> implements Classifier<X> {
  /** Member names. */
  readonly names: readonly string[];
  /** Hard or soft. */
  readonly voting: 'hard' | 'soft';
  /** Member weights (equal when not given). */
  readonly weights: Float64Array;
  /** Sorted classes. */
  classes: Int32Array = new Int32Array(0);
  /** Fitted members. */
  estimators: Classifier<X>[] = [];
  private readonly options: VotingClassifierOptions<X>;

  /**
   * @param options - members, voting rule and weights
   * @throws ValidationError on no members, duplicate names or bad weights
   */
  constructor(options: VotingClassifierOptions<X>) {
    checkMembers(options.estimators);
    this.options = options;
    this.names = options.estimators.map((m) => m.name);
    this.voting = options.voting ?? 'hard';
    if (this.voting !== 'hard' && this.voting !== 'soft') {
      throw new ValidationError("voting must be 'hard' or 'soft'", {
        field: 'voting',
        value: this.voting,
      });
    }
    this.weights = checkWeights(options.weights, options.estimators.length);
  }

  /**
   * Fits every member on all rows.
   * @param x - inputs
   * @param y - integer labels
   */
  async fit(x: X, y: Int32Array): Promise<void> {
    const { classes } = encodeLabels(y, sampleCount(x));
    this.estimators = await fitAll(this.options.estimators, x, y);
    this.classes = classes;
  }

  /**
   * Weighted mean of the members' probabilities, [samples, classes] (the soft vote; defined for
   * hard voting too, as scikit-learn's only for soft).
   * @param x - inputs
   * @throws InvalidStateError before `fit`
   */
  predictProba(x: X): Matrix {
    this.assertFitted();
    const n = sampleCount(x);
    const K = this.classes.length;
    const out = new Float64Array(n * K);
    let wsum = 0;
    this.estimators.forEach((m, k) => {
      const w = this.weights[k]!;
      wsum += w;
      const p = m.predictProba(x);
      const cols = columnMap(m.classes, this.classes);
      for (let i = 0; i < n; i++)
        for (let c = 0; c < cols.length; c++) out[i * K + cols[c]!]! += w * p.get(i, c);
    });
    for (let k = 0; k < out.length; k++) out[k]! /= wsum;
    return asMatrix(out, n, K);
  }

  /**
   * The voted class per row.
   * @param x - inputs
   * @throws InvalidStateError before `fit`
   */
  predict(x: X): Int32Array {
    this.assertFitted();
    const n = sampleCount(x);
    const K = this.classes.length;
    const score = new Float64Array(n * K);
    if (this.voting === 'soft') score.set(this.predictProba(x).data);
    else {
      this.estimators.forEach((m, k) => {
        const p = m.predict(x);
        for (let i = 0; i < n; i++) {
          const c = this.classes.indexOf(p[i]!);
          if (c < 0)
            throw new ValidationError(
              `member '${this.names[k]}' predicted unknown class ${p[i]}`,
              {},
            );
          score[i * K + c]! += this.weights[k]!;
        }
      });
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (score[i * K + c]! > score[i * K + best]!) best = c;
      out[i] = this.classes[best]!;
    }
    return out;
  }

  private assertFitted(): void {
    if (this.estimators.length === 0)
      throw new InvalidStateError('VotingClassifier is not fitted: call fit first');
  }
}

/** Options of {@link VotingRegressor}. */
export interface VotingRegressorOptions<X extends SampleArray = Matrix> {
  /** The members. */
  readonly estimators: readonly RegressorMember<X>[];
  /** One non-negative weight per member (default equal). */
  readonly weights?: readonly number[];
}

/**
 * Voting regressor, as `sklearn.ensemble.VotingRegressor`: the weighted mean of the members'
 * predictions, each member fitted on all rows.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LinearRegression, Ridge, VotingRegressor } from '@x/ensemble';
 * const x = tensor('float64', [4, 1], new Float64Array([0, 1, 2, 3]));
 * const vote = new VotingRegressor({
 *   estimators: [
 *     { name: 'ols', create: () => new LinearRegression() },
 *     { name: 'ridge', create: () => new Ridge({ alpha: 5 }) },
 *   ],
 *   weights: [3, 1],
 * });
 * await vote.fit(x, new Float64Array([1, 3, 5, 7]));
 * console.log(vote.predict(x)); // 0.75 of the OLS line plus 0.25 of the ridge line
 * ```
 */
export class VotingRegressor<X extends SampleArray = Matrix> implements Regressor<X> {
  /** Member names. */
  readonly names: readonly string[];
  /** Member weights. */
  readonly weights: Float64Array;
  /** Fitted members. */
  estimators: Regressor<X>[] = [];
  private readonly options: VotingRegressorOptions<X>;

  /**
   * @param options - members and weights
   * @throws ValidationError on no members or bad weights
   */
  constructor(options: VotingRegressorOptions<X>) {
    checkMembers(options.estimators);
    this.options = options;
    this.names = options.estimators.map((m) => m.name);
    this.weights = checkWeights(options.weights, options.estimators.length);
  }

  /** Fits every member on all rows. */
  async fit(x: X, y: Float64Array): Promise<void> {
    this.estimators = await fitAll(this.options.estimators, x, y);
  }

  /**
   * The weighted mean prediction.
   * @throws InvalidStateError before `fit`
   */
  predict(x: X): Float64Array {
    if (this.estimators.length === 0)
      throw new InvalidStateError('VotingRegressor is not fitted: call fit first');
    let wsum = 0;
    for (let k = 0; k < this.weights.length; k++) wsum += this.weights[k]!;
    return weightedPredictions(this.estimators, this.weights, x, sampleCount(x), wsum);
  }
}
