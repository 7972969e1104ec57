/**
 * Sufficient statistics of least squares, accumulated once and shared: the Gram matrix of the
 * features shifted by a fixed reference point, their sums, and the cross products with the
 * target. Statistics of a row subset are subtracted from the total to get its complement (a
 * training fold from the whole minus the held-out fold), and one set of statistics serves every
 * ridge strength.
 *
 * @module
 */
import { choleskySolve } from './linalg.js';

/** Least-squares statistics of some rows, about the reference point `ref` (and `yRef`). */
export interface GramStats {
  /** Number of rows. */
  n: number;
  /** Feature count. */
  readonly d: number;
  /** Σ (x - ref)(x - ref)ᵀ, row-major d x d (upper and lower filled). */
  readonly xtx: Float64Array;
  /** Σ (x - ref). */
  readonly xs: Float64Array;
  /** Σ (x - ref)(y - yRef). */
  readonly xty: Float64Array;
  /** Σ (y - yRef). */
  ys: number;
}

/** Empty statistics for `d` features. */
export function emptyStats(d: number): GramStats {
  return {
    n: 0,
    d,
    xtx: new Float64Array(d * d),
    xs: new Float64Array(d),
    xty: new Float64Array(d),
    ys: 0,
  };
}

/**
 * Adds rows `rows` (or all rows) of row-major `x` (n x d) and `y` to `s`, about `ref` / `yRef`.
 * The Gram update is a rank-one loop over the upper triangle, mirrored at the end.
 */
export function accumulate(
  s: GramStats,
  x: Float64Array,
  y: ArrayLike<number>,
  ref: Float64Array,
  yRef: number,
  rows: Int32Array | undefined,
  nRows: number,
): void {
  const d = s.d;
  const g = s.xtx;
  const xs = s.xs;
  const xty = s.xty;
  const z = new Float64Array(d);
  const count = rows === undefined ? nRows : rows.length;
  for (let r = 0; r < count; r++) {
    const i = rows === undefined ? r : rows[r]!;
    const o = i * d;
    for (let j = 0; j < d; j++) z[j] = x[o + j]! - ref[j]!;
    const yi = y[i]! - yRef;
    for (let j = 0; j < d; j++) {
      const zj = z[j]!;
      xs[j]! += zj;
      xty[j]! += zj * yi;
      const gj = j * d;
      for (let k = j; k < d; k++) g[gj + k]! += zj * z[k]!;
    }
    s.ys += yi;
  }
  s.n += count;
}

/** Mirrors the upper triangle of the Gram matrix into the lower one. */
export function symmetrize(s: GramStats): void {
  const d = s.d;
  for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) s.xtx[k * d + j] = s.xtx[j * d + k]!;
}

/** Adds `b` into `a` (the statistics of the union of disjoint row sets). */
export function addInto(a: GramStats, b: GramStats): void {
  a.n += b.n;
  a.ys += b.ys;
  for (let k = 0; k < a.xtx.length; k++) a.xtx[k]! += b.xtx[k]!;
  for (let k = 0; k < a.d; k++) {
    a.xs[k]! += b.xs[k]!;
    a.xty[k]! += b.xty[k]!;
  }
}

/** `a - b` (the statistics of rows in `a` but not in `b`). */
export function subtract(a: GramStats, b: GramStats): GramStats {
  const out = emptyStats(a.d);
  out.n = a.n - b.n;
  out.ys = a.ys - b.ys;
  for (let k = 0; k < a.xtx.length; k++) out.xtx[k] = a.xtx[k]! - b.xtx[k]!;
  for (let k = 0; k < a.d; k++) {
    out.xs[k] = a.xs[k]! - b.xs[k]!;
    out.xty[k] = a.xty[k]! - b.xty[k]!;
  }
  return out;
}

/** Coefficients and intercept of a linear model. */
export interface LinearSolution {
  readonly coef: Float64Array;
  readonly intercept: number;
}

/**
 * Ridge (or, with `alpha = 0`, ordinary least squares) from statistics: with an intercept, the
 * features and target are centred at the rows' means (as scikit-learn does) and
 * `(Xcᵀ Xc + alpha I) w = Xcᵀ yc` is solved by Cholesky; the intercept is `ȳ - x̄ᵀ w`.
 * @returns the solution, or `undefined` when the system is not numerically positive definite
 */
export function solveRidge(
  s: GramStats,
  ref: Float64Array,
  yRef: number,
  alpha: number,
  fitIntercept: boolean,
): LinearSolution | undefined {
  const d = s.d;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const mx = new Float64Array(d);
  const my = fitIntercept && s.n > 0 ? s.ys / s.n : 0;
  if (fitIntercept && s.n > 0) for (let j = 0; j < d; j++) mx[j] = s.xs[j]! / s.n;
  if (fitIntercept) {
    // Σ (z - m)(z - m)ᵀ = Σ z zᵀ - n m mᵀ, with z = x - ref and m the mean of z
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) a[j * d + k] = s.xtx[j * d + k]! - s.n * mx[j]! * mx[k]!;
      b[j] = s.xty[j]! - s.n * mx[j]! * my;
    }
  } else {
    // uncentred: the statistics are about ref, so shift back to the origin
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        a[j * d + k] =
          s.xtx[j * d + k]! + ref[j]! * s.xs[k]! + ref[k]! * s.xs[j]! + s.n * ref[j]! * ref[k]!;
      }
      b[j] = s.xty[j]! + ref[j]! * s.ys + yRef * s.xs[j]! + s.n * ref[j]! * yRef;
    }
  }
  for (let j = 0; j < d; j++) a[j * d + j]! += alpha;
  const coef = choleskySolve(a, b, d);
  if (coef === undefined) return undefined;
  let intercept = 0;
  if (fitIntercept) {
    intercept = my + yRef;
    for (let j = 0; j < d; j++) intercept -= (mx[j]! + ref[j]!) * coef[j]!;
  }
  return { coef, intercept };
}

/** Column means of row-major `x` (n x d): the reference point that keeps the statistics well scaled. */
export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j]! += x[i * d + j]!;
  for (let j = 0; j < d; j++) m[j]! /= Math.max(1, n);
  return m;
}

/** Mean of `y`. */
export function mean(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length === 0 ? 0 : s / y.length;
}
