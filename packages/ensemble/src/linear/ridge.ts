/**
 * Ridge regression, fitted by Cholesky of the regularised centred Gram matrix (ml-matrix).
 *
 * @module
 */
import {
  assertNonNegative,
  type ExportableModel,
  type ExportedModel,
  type Matrix,
  type ModelImporter,
  type Regressor,
  ValidationError,
} from '@x/core';
import {
  accumulate,
  columnMeans,
  emptyStats,
  mean,
  solveRidge,
  symmetrize,
} from '../internal/gram.js';
import { configBool, configNumber, registerLinearState } from '../internal/linear-model.js';
import { checkTargets, dense } from '../internal/rows.js';
import type { RowRegressor } from './row.js';

/** Options of {@link Ridge} (scikit-learn's names in camelCase). */
export interface RidgeOptions {
  /** L2 strength `alpha >= 0` (default 1). */
  readonly alpha?: number;
  /** Fit an unpenalised intercept (default true). */
  readonly fitIntercept?: boolean;
}

const KIND = '@x/ensemble:Ridge';

/**
 * Ridge regression, `min ||y - Xw - b||² + alpha ||w||²` (Hoerl and Kennard 1970), as
 * `sklearn.linear_model.Ridge` with its dense `cholesky` solver: X and y are centred at their
 * means (the intercept is not penalised), `(Xcᵀ Xc + alpha I) w = Xcᵀ yc` is solved by Cholesky
 * (ml-matrix `CholeskyDecomposition`, no inverse is formed), and `b = ȳ - x̄ᵀ w`.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { Ridge } from '@x/ensemble';
 * const x = tensor('float64', [4, 1], new Float64Array([0, 1, 2, 3]));
 * const m = new Ridge({ alpha: 5 });
 * m.fit(x, new Float64Array([1, 3, 5, 7]));
 * console.log(m.coef[0]); // 1: the slope 2 shrunk by Σx²/(Σx² + alpha) = 5/10
 * ```
 */
export class Ridge implements Regressor, RowRegressor, ExportableModel {
  /** L2 strength. */
  readonly alpha: number;
  /** Whether an intercept is fitted. */
  readonly fitIntercept: boolean;
  private readonly state = registerLinearState(this);

  /**
   * @param options - strength and intercept
   * @throws ValidationError when `alpha` is negative or not finite
   */
  constructor(options: RidgeOptions = {}) {
    this.alpha = options.alpha ?? 1;
    this.fitIntercept = options.fitIntercept ?? true;
    assertNonNegative(this.alpha, 'alpha');
  }

  /** Fitted coefficients (empty before `fit`). */
  get coef(): Float64Array {
    return this.state.coef;
  }

  /** Fitted intercept. */
  get intercept(): number {
    return this.state.intercept;
  }

  /**
   * Fits by Cholesky.
   * @param x - [samples, features]
   * @param y - targets
   * @throws ValidationError on bad data, or a singular system (`alpha = 0` with collinear features)
   */
  fit(x: Matrix, y: Float64Array): void {
    const { data, n, d } = dense(x);
    checkTargets(y, n);
    const ref = columnMeans(data, n, d);
    const yRef = mean(y);
    const s = emptyStats(d);
    accumulate(s, data, y, ref, yRef, undefined, n);
    symmetrize(s);
    const sol = solveRidge(s, ref, yRef, this.alpha, this.fitIntercept);
    if (sol === undefined) {
      throw new ValidationError(
        'the ridge system is singular: raise alpha or remove collinear features',
        {
          field: 'alpha',
          value: this.alpha,
        },
      );
    }
    this.state.set(sol.coef, sol.intercept);
  }

  /**
   * Predictions `Xw + b`.
   * @param x - [samples, features]
   * @throws InvalidStateError before `fit`; ValidationError on a width mismatch
   */
  predict(x: Matrix): Float64Array {
    return this.state.predict(x, 'Ridge');
  }

  /** One row's prediction from `row[offset..offset+d)`, without allocating. */
  predictRow(row: ArrayLike<number>, offset = 0): number {
    return this.state.predictRow(row, offset);
  }

  /** The model as config plus tensors `coef` and `intercept`. */
  exportModel(): ExportedModel {
    return this.state.exportAs(
      KIND,
      { alpha: this.alpha, fitIntercept: this.fitIntercept },
      'Ridge',
    );
  }

  /** Rebuilds a {@link Ridge} from {@link Ridge.exportModel}'s output. */
  static readonly importer: ModelImporter<Ridge> = {
    kind: KIND,
    importModel(e) {
      const m = new Ridge({
        alpha: configNumber(e.config, 'alpha', 1),
        fitIntercept: configBool(e.config, 'fitIntercept', true),
      });
      m.state.importFrom(e, KIND);
      return m;
    },
  };
}
