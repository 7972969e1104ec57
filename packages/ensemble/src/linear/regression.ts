/**
 * Ordinary least squares, fitted by Householder QR of the centred design (ml-matrix).
 *
 * @module
 */
import type { ExportableModel, ExportedModel, Matrix, ModelImporter, Regressor } from '@x/core';
import { qrLeastSquares } from '../internal/linalg.js';
import { configBool, registerLinearState } from '../internal/linear-model.js';
import { checkTargets, dense } from '../internal/rows.js';
import type { RowRegressor } from './row.js';

/** Options of {@link LinearRegression} (scikit-learn's names in camelCase). */
export interface LinearRegressionOptions {
  /** Fit an intercept (default true): features and target are centred first. */
  readonly fitIntercept?: boolean;
}

const KIND = '@x/ensemble:LinearRegression';

/**
 * Linear regression by least squares, `min ||y - Xw - b||²`, as
 * `sklearn.linear_model.LinearRegression`: with an intercept, X and y are centred at their means
 * and `w` solves the centred problem by Householder QR (ml-matrix `QrDecomposition`), which
 * avoids squaring the condition number as normal equations would; `b = ȳ - x̄ᵀw`. Unlike
 * scikit-learn (which returns the minimum-norm solution), a rank-deficient design throws.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LinearRegression } from '@x/ensemble';
 * const x = tensor('float64', [4, 1], new Float64Array([0, 1, 2, 3]));
 * const m = new LinearRegression();
 * m.fit(x, new Float64Array([1, 3, 5, 7]));
 * console.log(m.coef[0], m.intercept); // 2 1 (up to rounding)
 * ```
 */
export class LinearRegression implements Regressor, RowRegressor, ExportableModel {
  /** Whether an intercept is fitted. */
  readonly fitIntercept: boolean;
  private readonly state = registerLinearState(this);

  /** @param options - intercept choice */
  constructor(options: LinearRegressionOptions = {}) {
    this.fitIntercept = options.fitIntercept ?? true;
  }

  /** Fitted coefficients, one per feature (empty before `fit`). */
  get coef(): Float64Array {
    return this.state.coef;
  }

  /** Fitted intercept (0 without one). */
  get intercept(): number {
    return this.state.intercept;
  }

  /**
   * Fits by QR least squares.
   * @param x - [samples, features]
   * @param y - targets
   * @throws ValidationError on non-finite data, mismatched lengths or collinear features
   */
  fit(x: Matrix, y: Float64Array): void {
    const { data, n, d } = dense(x);
    checkTargets(y, n);
    const mx = new Float64Array(d);
    let my = 0;
    if (this.fitIntercept) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) mx[j]! += data[i * d + j]!;
        my += y[i]!;
      }
      for (let j = 0; j < d; j++) mx[j]! /= n;
      my /= n;
    }
    const a = new Float64Array(n * d);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) a[i * d + j] = data[i * d + j]! - mx[j]!;
      b[i] = y[i]! - my;
    }
    const coef = qrLeastSquares(a, b, n, d);
    let intercept = 0;
    if (this.fitIntercept) {
      intercept = my;
      for (let j = 0; j < d; j++) intercept -= mx[j]! * coef[j]!;
    }
    this.state.set(coef, intercept);
  }

  /**
   * Predictions `Xw + b`.
   * @param x - [samples, features]
   * @throws InvalidStateError before `fit`; ValidationError on a width mismatch
   */
  predict(x: Matrix): Float64Array {
    return this.state.predict(x, 'LinearRegression');
  }

  /** One row's prediction from `row[offset..offset+d)`, without allocating. */
  predictRow(row: ArrayLike<number>, offset = 0): number {
    return this.state.predictRow(row, offset);
  }

  /** The model as config plus tensors `coef` and `intercept`. */
  exportModel(): ExportedModel {
    return this.state.exportAs(KIND, { fitIntercept: this.fitIntercept }, 'LinearRegression');
  }

  /** Rebuilds a {@link LinearRegression} from {@link LinearRegression.exportModel}'s output. */
  static readonly importer: ModelImporter<LinearRegression> = {
    kind: KIND,
    importModel(e) {
      const m = new LinearRegression({ fitIntercept: configBool(e.config, 'fitIntercept', true) });
      m.state.importFrom(e, KIND);
      return m;
    },
  };
}
