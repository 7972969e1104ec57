/**
 * L2-penalised logistic regression (binary and multinomial), fitted by Newton's method with
 * Cholesky-solved steps (ml-matrix).
 *
 * @module
 */
import {
  assertPositive,
  type Classifier,
  type ExportableModel,
  type ExportedModel,
  type Matrix,
  type ModelImporter,
  mostProbableClass,
  tensor,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import { encodeLabels } from '../internal/labels.js';
import { assertFitted, choleskySolve } from '../internal/linalg.js';
import { checkWidth, configBool, configNumber } from '../internal/linear-model.js';
import { asMatrix, dense } from '../internal/rows.js';

/** Options of {@link LogisticRegression} (scikit-learn's names in camelCase). */
export interface LogisticRegressionOptions {
  /** Inverse L2 strength `C > 0` (default 1): the loss is `C · Σ log-loss + ½ ||W||²`. */
  readonly C?: number;
  /** Fit an unpenalised intercept (default true). */
  readonly fitIntercept?: boolean;
  /** Newton iterations at most (default 100). */
  readonly maxIter?: number;
  /**
   * Stop when the largest gradient entry is below `tol · (1 + C·n)` (default 1e-10). Newton's
   * method reaches it in a few more steps than scikit-learn's lbfgs reaches its own `tol=1e-4`,
   * so the coefficients are the optimum itself rather than an approximation of it.
   */
  readonly tol?: number;
}

const KIND = '@x/ensemble:LogisticRegression';

/**
 * Logistic regression with an L2 penalty, as `sklearn.linear_model.LogisticRegression` with its
 * defaults (`penalty='l2'`, `C=1`, intercept unpenalised, `multi_class='auto'`): two classes give
 * one coefficient row for the larger label (`predictProba` columns `[1 - p, p]`), more classes
 * give the multinomial (softmax) model with one row per class. The penalised log-likelihood is
 * strictly convex, and Newton's method (Hessian solved by Cholesky, backtracking line search)
 * converges to its unique optimum; for multinomial models the intercepts are fixed up to their
 * common shift by keeping them summing to zero, as gradient methods started at zero do.
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LogisticRegression } from '@x/ensemble';
 * const x = tensor('float64', [6, 1], new Float64Array([-2, -1, -0.5, 0.5, 1, 2]));
 * const m = new LogisticRegression();
 * m.fit(x, new Int32Array([0, 0, 1, 0, 1, 1]));
 * console.log(m.predict(x)); // Int32Array [0, 0, 0, 1, 1, 1]
 * ```
 */
export class LogisticRegression implements Classifier, ExportableModel {
  /** Inverse penalty strength. */
  readonly C: number;
  /** Whether intercepts are fitted. */
  readonly fitIntercept: boolean;
  /** Newton iteration cap. */
  readonly maxIter: number;
  /** Gradient tolerance. */
  readonly tol: number;
  /** Sorted class labels seen in `fit`. */
  classes: Int32Array = new Int32Array(0);
  /** Coefficients, row-major [rows, features]: 1 row for two classes, else one per class. */
  coef: Float64Array = new Float64Array(0);
  /** Intercepts, one per coefficient row. */
  intercept: Float64Array = new Float64Array(0);
  /** Newton iterations used by the last `fit`. */
  nIter = 0;
  /** Whether the last `fit` met `tol` within `maxIter`. */
  converged = false;
  private nFeatures = 0;

  /**
   * @param options - penalty, intercept and stopping rule
   * @throws ValidationError on a non-positive `C`, `maxIter` or `tol`
   */
  constructor(options: LogisticRegressionOptions = {}) {
    this.C = options.C ?? 1;
    this.fitIntercept = options.fitIntercept ?? true;
    this.maxIter = options.maxIter ?? 100;
    this.tol = options.tol ?? 1e-10;
    assertPositive(this.C, 'C');
    assertPositive(this.maxIter, 'maxIter');
    assertPositive(this.tol, 'tol');
  }

  /**
   * Fits by Newton's method.
   * @param x - [samples, features]
   * @param y - integer labels, at least two distinct
   * @throws ValidationError on bad data or fewer than two classes
   */
  fit(x: Matrix, y: Int32Array): void {
    const { data, n, d } = dense(x);
    const { classes, codes } = encodeLabels(y, n);
    if (classes.length < 2)
      throw new ValidationError('logistic regression needs at least two classes', { field: 'y' });
    const K = classes.length;
    const m = K === 2 ? 1 : K;
    const p = d + (this.fitIntercept ? 1 : 0);
    const theta = new Float64Array(m * p);
    const ctx: Ctx = { data, n, d, p, m, K, codes, C: this.C, fitIntercept: this.fitIntercept };
    const grad = new Float64Array(m * p);
    const hess = new Float64Array(m * p * m * p);
    let f = objective(ctx, theta, grad, hess);
    this.converged = false;
    let it = 0;
    const gtol = this.tol * (1 + this.C * n);
    for (; it < this.maxIter; it++) {
      if (maxAbs(grad) <= gtol) {
        this.converged = true;
        break;
      }
      const step = newtonStep(hess, grad, m * p);
      let t = 1;
      const trial = new Float64Array(theta.length);
      let fTrial = Number.POSITIVE_INFINITY;
      let slope = 0;
      for (let k = 0; k < step.length; k++) slope += step[k]! * grad[k]!;
      for (let ls = 0; ls < 50; ls++) {
        for (let k = 0; k < theta.length; k++) trial[k] = theta[k]! - t * step[k]!;
        fTrial = objective(ctx, trial, undefined, undefined);
        if (fTrial <= f - 1e-4 * t * slope || !(slope > 0)) break;
        t /= 2;
      }
      theta.set(trial);
      f = objective(ctx, theta, grad, hess);
    }
    if (!this.converged && maxAbs(grad) <= gtol) this.converged = true;
    this.nIter = it;
    this.classes = classes;
    this.nFeatures = d;
    this.coef = new Float64Array(m * d);
    this.intercept = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < d; j++) this.coef[k * d + j] = theta[k * p + j]!;
      if (this.fitIntercept) this.intercept[k] = theta[k * p + d]!;
    }
  }

  /**
   * Class probabilities, [samples, classes], columns in the order of {@link LogisticRegression.classes}.
   * @param x - [samples, features]
   * @throws InvalidStateError before `fit`; ValidationError on a width mismatch
   */
  predictProba(x: Matrix): Matrix {
    assertFitted(this.classes.length > 0, 'LogisticRegression');
    const { data, n, d } = dense(x);
    checkWidth(d, this.nFeatures);
    const K = this.classes.length;
    const out = new Float64Array(n * K);
    const z = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      if (K === 2) {
        const s = this.intercept[0]! + dot(this.coef, 0, data, i * d, d);
        const p1 = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
      } else {
        for (let k = 0; k < K; k++)
          z[k] = this.intercept[k]! + dot(this.coef, k * d, data, i * d, d);
        softmaxInto(z, out, i * K);
      }
    }
    return asMatrix(out, n, K);
  }

  /**
   * The most probable class per row (the first of equal maxima, as numpy's `argmax`).
   * @param x - [samples, features]
   */
  predict(x: Matrix): Int32Array {
    return mostProbableClass(this.predictProba(x), this.classes);
  }

  /** The model as config (options, classes) plus tensors `coef` [rows, features] and `intercept` [rows]. */
  exportModel(): ExportedModel {
    assertFitted(this.classes.length > 0, 'LogisticRegression');
    const rows = this.intercept.length;
    return {
      kind: KIND,
      formatVersion: 1,
      config: {
        C: this.C,
        fitIntercept: this.fitIntercept,
        maxIter: this.maxIter,
        tol: this.tol,
        classes: Array.from(this.classes),
        nFeatures: this.nFeatures,
      },
      tensors: {
        coef: tensor('float64', [rows, this.nFeatures], this.coef.slice()),
        intercept: tensor('float64', [rows], this.intercept.slice()),
      },
    };
  }

  /** Rebuilds a {@link LogisticRegression} from {@link LogisticRegression.exportModel}'s output. */
  static readonly importer: ModelImporter<LogisticRegression> = {
    kind: KIND,
    importModel(e) {
      validateExportedModel(e, KIND);
      const c = e.config;
      const m = new LogisticRegression({
        C: configNumber(c, 'C', 1),
        fitIntercept: configBool(c, 'fitIntercept', true),
        maxIter: configNumber(c, 'maxIter', 100),
        tol: configNumber(c, 'tol', 1e-10),
      });
      const classes = Array.isArray(c.classes) ? (c.classes as number[]) : [];
      const d = configNumber(c, 'nFeatures', -1);
      const rows = classes.length === 2 ? 1 : classes.length;
      const coef = e.tensors.coef;
      const b = e.tensors.intercept;
      if (classes.length < 2 || coef?.size !== rows * d || b?.size !== rows) {
        throw new ValidationError(
          'LogisticRegression export has inconsistent classes, coef or intercept',
          {
            field: 'tensors',
          },
        );
      }
      m.classes = Int32Array.from(classes);
      m.nFeatures = d;
      m.coef = Float64Array.from(coef.data);
      m.intercept = Float64Array.from(b.data);
      return m;
    },
  };
}

interface Ctx {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly p: number;
  readonly m: number;
  readonly K: number;
  readonly codes: Int32Array;
  readonly C: number;
  readonly fitIntercept: boolean;
}

/** Penalised objective; fills gradient and Hessian when given. */
function objective(
  c: Ctx,
  theta: Float64Array,
  grad: Float64Array | undefined,
  hess: Float64Array | undefined,
): number {
  const { data, n, d, p, m, K, codes, C } = c;
  const q = m * p;
  grad?.fill(0);
  hess?.fill(0);
  const xt = new Float64Array(p);
  const z = new Float64Array(K);
  const prob = new Float64Array(K);
  const r = new Float64Array(m);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xt[j] = data[i * d + j]!;
    if (c.fitIntercept) xt[d] = 1;
    if (m === 1) {
      z[0] = 0;
      z[1] = dot(theta, 0, xt, 0, p);
    } else for (let k = 0; k < K; k++) z[k] = dot(theta, k * p, xt, 0, p);
    const lse = softmaxInto(z, prob, 0);
    loss += lse - z[codes[i]!]!;
    if (grad === undefined || hess === undefined) continue;
    for (let k = 0; k < m; k++) {
      const kk = m === 1 ? 1 : k;
      r[k] = prob[kk]! - (codes[i] === kk ? 1 : 0);
      for (let j = 0; j < p; j++) grad[k * p + j]! += C * r[k]! * xt[j]!;
    }
    for (let k = 0; k < m; k++) {
      const pk = prob[m === 1 ? 1 : k]!;
      for (let l = k; l < m; l++) {
        const pl = prob[m === 1 ? 1 : l]!;
        const w = C * (k === l ? pk * (1 - pk) : -pk * pl);
        for (let a = 0; a < p; a++) {
          const wa = w * xt[a]!;
          const row = (k * p + a) * q + l * p;
          for (let b = 0; b < p; b++) hess[row + b]! += wa * xt[b]!;
        }
      }
    }
  }
  let pen = 0;
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < d; j++) {
      const w = theta[k * p + j]!;
      pen += w * w;
      if (grad !== undefined && hess !== undefined) {
        grad[k * p + j]! += w;
        hess[(k * p + j) * q + k * p + j]! += 1;
      }
    }
  }
  if (hess !== undefined) {
    // mirror the upper block triangle
    for (let k = 0; k < m; k++) {
      for (let l = k + 1; l < m; l++) {
        for (let a = 0; a < p; a++)
          for (let b = 0; b < p; b++)
            hess[(l * p + b) * q + k * p + a] = hess[(k * p + a) * q + l * p + b]!;
      }
    }
    // multinomial intercepts are determined only up to a common shift: fix the direction u
    // (all intercepts equal) by adding u uᵀ, which leaves steps orthogonal to u since g ⟂ u
    if (m > 1 && c.fitIntercept) {
      for (let k = 0; k < m; k++)
        for (let l = 0; l < m; l++) hess[(k * p + d) * q + l * p + d]! += 1 / m;
    }
  }
  return C * loss + 0.5 * pen;
}

function newtonStep(hess: Float64Array, grad: Float64Array, q: number): Float64Array {
  let step = choleskySolve(hess, grad, q);
  // a nearly flat direction (separable data with a weak penalty): damp until solvable
  for (let lambda = 1e-8; step === undefined && lambda < 1e8; lambda *= 100) {
    const h = hess.slice();
    for (let k = 0; k < q; k++) h[k * q + k]! += lambda;
    step = choleskySolve(h, grad, q);
  }
  if (step === undefined)
    throw new ValidationError('logistic regression Hessian is not positive definite', {});
  return step;
}

function dot(a: Float64Array, ao: number, b: ArrayLike<number>, bo: number, len: number): number {
  let s = 0;
  for (let j = 0; j < len; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
}

/** Writes softmax(z) at out[o..o+K) and returns log Σ exp z. */
function softmaxInto(z: Float64Array, out: Float64Array, o: number): number {
  let mx = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < z.length; k++) mx = Math.max(mx, z[k]!);
  let s = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! - mx);
    out[o + k] = e;
    s += e;
  }
  for (let k = 0; k < z.length; k++) out[o + k]! /= s;
  return mx + Math.log(s);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]!));
  return m;
}
