/**
 * Blending: members fitted on a training part, convex combination weights fitted on a holdout.
 *
 * @module
 */
import { InvalidStateError, type Matrix, type Regressor, ValidationError } from '@x/core';
import { pick } from './internal/pick.js';
import { sampleCount, takeRows } from './internal/rows.js';
import { simplexLeastSquares } from './internal/simplex.js';
import { checkMembers, fitAll, type RegressorMember, weightedPredictions } from './members.js';
import type { SampleArray } from './oof.js';

/** Options of {@link BlendingRegressor}. */
export interface BlendingRegressorOptions<X extends SampleArray = Matrix> {
  /** The members. */
  readonly estimators: readonly RegressorMember<X>[];
  /** Fraction of rows, the last ones in order, held out to fit the weights (default 0.2). */
  readonly holdoutFraction?: number;
  /** Refit the members on all rows after the weights are fitted (default true). */
  readonly refit?: boolean;
}

/**
 * Blending regressor: members are fitted on the first `1 - holdoutFraction` of the rows (kept in
 * order, so a time-sorted data set holds out its most recent part), and the weights minimise
 * the holdout squared error `||y - P w||²` subject to `w >= 0` and `Σ w = 1`, solved by
 * accelerated projected gradient onto the simplex. With `refit`, members are then refitted on
 * all rows and combined with those weights.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { BlendingRegressor, LinearRegression, Ridge } from '@x/ensemble';
 * const n = 100;
 * const x = tensor('float64', [n, 1], Float64Array.from({ length: n }, (_, i) => i / 10));
 * const y = Float64Array.from({ length: n }, (_, i) => 2 * (i / 10) + Math.sin(i));
 * const blend = new BlendingRegressor({
 *   estimators: [
 *     { name: 'ols', create: () => new LinearRegression() },
 *     { name: 'ridge', create: () => new Ridge({ alpha: 1000 }) },
 *   ],
 * });
 * await blend.fit(x, y);
 * console.log(blend.weights); // non-negative, summing to 1, mostly on 'ols'
 * ```
 */
export class BlendingRegressor<X extends SampleArray = Matrix> implements Regressor<X> {
  /** Member names. */
  readonly names: readonly string[];
  /** Holdout fraction. */
  readonly holdoutFraction: number;
  /** Whether members are refitted on all rows. */
  readonly refit: boolean;
  /** Fitted simplex weights, one per member. */
  weights: Float64Array = new Float64Array(0);
  /** Fitted members. */
  estimators: Regressor<X>[] = [];
  private readonly options: BlendingRegressorOptions<X>;

  /**
   * @param options - members, holdout and refit
   * @throws ValidationError on no members or a holdout fraction outside (0, 1)
   */
  constructor(options: BlendingRegressorOptions<X>) {
    checkMembers(options.estimators);
    this.options = options;
    this.names = options.estimators.map((m) => m.name);
    this.holdoutFraction = options.holdoutFraction ?? 0.2;
    this.refit = options.refit ?? true;
    if (!(this.holdoutFraction > 0 && this.holdoutFraction < 1)) {
      throw new ValidationError('holdoutFraction must be in (0, 1)', {
        field: 'holdoutFraction',
        value: this.holdoutFraction,
      });
    }
  }

  /**
   * Fits members on the training part, weights on the holdout, then (with `refit`) members on all rows.
   * @throws ValidationError when either part would be empty
   */
  async fit(x: X, y: Float64Array): Promise<void> {
    const n = sampleCount(x);
    if (y.length !== n)
      throw new ValidationError(`y has ${y.length} values for ${n} samples`, { field: 'y' });
    const nHold = Math.floor(n * this.holdoutFraction);
    if (nHold < 1 || nHold >= n) {
      throw new ValidationError(
        `holdoutFraction ${this.holdoutFraction} leaves an empty part of ${n} rows`,
        {
          field: 'holdoutFraction',
        },
      );
    }
    const train = Int32Array.from({ length: n - nHold }, (_, i) => i);
    const hold = Int32Array.from({ length: nHold }, (_, i) => n - nHold + i);
    const xTrain = takeRows(x, train);
    const yTrain = pick(y, train);
    const xHold = takeRows(x, hold);
    const yHold = pick(y, hold);
    const M = this.names.length;
    let members = await fitAll(this.options.estimators, xTrain, yTrain);
    const P = members.map((m) => m.predict(xHold));
    const G = new Float64Array(M * M);
    const b = new Float64Array(M);
    for (let k = 0; k < M; k++) {
      for (let i = 0; i < nHold; i++) b[k]! += P[k]![i]! * yHold[i]!;
      for (let j = k; j < M; j++) {
        let s = 0;
        for (let i = 0; i < nHold; i++) s += P[k]![i]! * P[j]![i]!;
        G[k * M + j] = s;
        G[j * M + k] = s;
      }
    }
    this.weights = simplexLeastSquares(G, b, M);
    if (this.refit) members = await fitAll(this.options.estimators, x, y);
    this.estimators = members;
  }

  /**
   * The weighted sum of the members' predictions.
   * @throws InvalidStateError before `fit`
   */
  predict(x: X): Float64Array {
    if (this.estimators.length === 0)
      throw new InvalidStateError('BlendingRegressor is not fitted: call fit first');
    return weightedPredictions(this.estimators, this.weights, x, sampleCount(x), 1);
  }
}
