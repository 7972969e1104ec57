/**
 * Ordinary least squares with plain and heteroskedasticity-robust covariances, shared by the
 * estimators of this package (Kyle and Hasbrouck lambda, spreads, VAR/VECM).
 *
 * Layout: the design `x` is a row-major `Float64Array` of `n` rows and `k` columns, `y` has `n`
 * entries. The O(n·k²) accumulation kernels ({@link crossProducts}, {@link hcMeat}) are written
 * by hand; the k×k solves go through `ml-matrix`'s Cholesky on the unit-diagonal (equilibrated)
 * normal matrix, which is how a singular design is detected ({@link choleskySolve}).
 *
 * Covariance types are named as statsmodels names them (`OLSResults.get_robustcov_results`):
 * - `nonrobust`: s²(X'X)⁻¹ with s² = SSR / (n − k);
 * - `HC0`: (X'X)⁻¹ X' diag(eᵢ²) X (X'X)⁻¹ (White 1980);
 * - `HC1`: HC0 · n / (n − k);
 * - `HC2`: eᵢ² / (1 − hᵢᵢ) in the meat; `HC3`: eᵢ² / (1 − hᵢᵢ)², with hᵢᵢ = xᵢ'(X'X)⁻¹xᵢ.
 *
 * R² is centred (1 − SSR / Σ(y − ȳ)²) when the design has a constant column and uncentred
 * (1 − SSR / Σy²) otherwise, as statsmodels does.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Covariance estimator of the coefficients, named as in statsmodels. */
export type CovType = 'nonrobust' | 'HC0' | 'HC1' | 'HC2' | 'HC3';

/** Smallest pivot of the unit-diagonal normal matrix accepted as non-singular (cond ≲ 1e12). */
const PIVOT_TOL = 1e-12;

/**
 * X'X (k×k, row-major, exactly symmetric), X'y (k) and y'y of a row-major design.
 * NaN or ±Infinity anywhere propagates into the sums; callers check them with {@link allFinite}.
 */
function crossProducts(
  x: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
): { xtx: Float64Array; xty: Float64Array; yty: number } {
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  let yty = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const yi = y[i]!;
    yty += yi * yi;
    for (let a = 0; a < k; a++) {
      const xa = x[o + a]!;
      xty[a]! += xa * yi;
      const ra = a * k;
      for (let b = a; b < k; b++) xtx[ra + b]! += xa * x[o + b]!;
    }
  }
  symmetrize(xtx, k);
  return { xtx, xty, yty };
}

/** Copies the upper triangle of a row-major k×k matrix onto its lower triangle. */
export function symmetrize(a: Float64Array, k: number): void {
  for (let r = 1; r < k; r++) for (let c = 0; c < r; c++) a[r * k + c] = a[c * k + r]!;
}

/** Whether every entry is finite. */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * Solves A X = B for a symmetric positive definite A (k×k) and B (k×m), both row-major, by
 * Cholesky (`ml-matrix`) of D A D with D = diag(A)^-1/2, which makes the singularity test
 * scale-free.
 * @param what - names the design in the error message (e.g. `'Kyle regression design'`)
 * @returns X (k×m, row-major)
 * @throws `ValidationError` when A is singular to working precision (a constant or collinear
 *   regressor, or too little variation); `details.column` is the first dependent column
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  k: number,
  m: number,
  what: string,
): Float64Array {
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const v = a[i * k + i]!;
    if (!(v > 0) || !Number.isFinite(v)) singular(what, i);
    d[i] = 1 / Math.sqrt(v);
  }
  const s = new Matrix(k, k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) s.set(i, j, a[i * k + j]! * d[i]! * d[j]!);
  }
  // exact symmetry for ml-matrix's isSymmetric check
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) s.set(i, j, s.get(j, i));
  const chol = new CholeskyDecomposition(s);
  const l = chol.lowerTriangularMatrix;
  for (let i = 0; i < k; i++) {
    const piv = l.get(i, i);
    if (!(piv * piv > PIVOT_TOL)) singular(what, i);
  }
  const rhs = new Matrix(k, m);
  for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) rhs.set(i, j, b[i * m + j]! * d[i]!);
  const sol = chol.solve(rhs);
  const out = new Float64Array(k * m);
  for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) out[i * m + j] = sol.get(i, j) * d[i]!;
  return out;
}

/**
 * Inverse of a symmetric positive definite k×k matrix (row-major), by {@link choleskySolve}.
 * @throws `ValidationError` when singular
 */
export function choleskyInverse(a: Float64Array, k: number, what: string): Float64Array {
  const eye = new Float64Array(k * k);
  for (let i = 0; i < k; i++) eye[i * k + i] = 1;
  const inv = choleskySolve(a, eye, k, k, what);
  // average the two triangles: the exact inverse is symmetric
  for (let r = 0; r < k; r++) {
    for (let c = r + 1; c < k; c++) {
      const v = 0.5 * (inv[r * k + c]! + inv[c * k + r]!);
      inv[r * k + c] = v;
      inv[c * k + r] = v;
    }
  }
  return inv;
}

/** ml-matrix's Cholesky of a row-major symmetric k×k matrix; throws unless positive definite. */
function spdCholesky(a: Float64Array, k: number, what: string): Matrix {
  const s = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s.set(i, j, a[i * k + j]!);
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) s.set(i, j, s.get(j, i));
  const chol = new CholeskyDecomposition(s);
  if (!chol.isPositiveDefinite()) {
    throw new ValidationError(`${what} is not positive definite`, { field: what });
  }
  return chol.lowerTriangularMatrix;
}

/** log det of a symmetric positive definite matrix (2 Σ log Lᵢᵢ of its Cholesky factor). */
export function logDetSpd(a: Float64Array, k: number, what: string): number {
  const l = spdCholesky(a, k, what);
  let ld = 0;
  for (let i = 0; i < k; i++) ld += Math.log(l.get(i, i));
  return 2 * ld;
}

/** Lower Cholesky factor (row-major) of a symmetric positive definite k×k matrix. */
export function choleskyLower(a: Float64Array, k: number, what: string): Float64Array {
  const l = spdCholesky(a, k, what);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) out[i * k + j] = l.get(i, j);
  return out;
}

function singular(what: string, column: number): never {
  throw new ValidationError(
    `${what} is singular: column ${column} is constant, all zero or collinear with the others`,
    { field: what, details: { column } },
  );
}

/** Options of {@link ols}. */
export interface OlsOptions {
  /** Whether the design has a constant column (decides centred vs uncentred R²). */
  readonly hasConstant: boolean;
  /** Names the design in error messages (default `'regression design'`). */
  readonly what?: string;
}

/** An OLS fit: everything the covariance estimators need. */
export interface OlsFit {
  /** Observations. */
  readonly n: number;
  /** Regressors (columns of the design). */
  readonly k: number;
  /** Coefficients (k). */
  readonly coef: Float64Array;
  /** Residuals y − Xb (n). */
  readonly residuals: Float64Array;
  /** (X'X)⁻¹ (k×k, row-major). */
  readonly xtxInv: Float64Array;
  /** Sum of squared residuals. */
  readonly ssr: number;
  /** Total sum of squares (centred when `hasConstant`, else Σy²). */
  readonly tss: number;
  /** Coefficient of determination 1 − SSR/TSS. */
  readonly r2: number;
  /** Residual degrees of freedom n − k. */
  readonly dfResid: number;
  /** s² = SSR / (n − k). */
  readonly sigma2: number;
  /** Whether the design has a constant column. */
  readonly hasConstant: boolean;
}

/**
 * OLS of y on X (row-major n×k).
 * @throws `ValidationError` when n ≤ k, on NaN/Infinity in x or y, when y has zero variance,
 *   or when the design is singular
 */
export function ols(
  x: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  options: OlsOptions,
): OlsFit {
  const what = options.what ?? 'regression design';
  if (!(n > k)) {
    throw new ValidationError(`${what} needs more observations than regressors (n=${n}, k=${k})`, {
      field: 'n',
      value: n,
      details: { k },
    });
  }
  if (x.length < n * k || y.length < n) {
    throw new ValidationError(`${what}: arrays are shorter than n·k and n`, { field: 'n' });
  }
  const { xtx, xty, yty } = crossProducts(x, y, n, k);
  if (!allFinite(xtx) || !allFinite(xty) || !Number.isFinite(yty)) {
    throw new ValidationError(`${what} contains NaN or Infinity`, { field: what });
  }
  const xtxInv = choleskyInverse(xtx, k, what);
  const coef = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += xtxInv[a * k + b]! * xty[b]!;
    coef[a] = s;
  }
  const residuals = new Float64Array(n);
  let ssr = 0;
  let ysum = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let f = 0;
    for (let a = 0; a < k; a++) f += x[o + a]! * coef[a]!;
    const e = y[i]! - f;
    residuals[i] = e;
    ssr += e * e;
    ysum += y[i]!;
  }
  let tss: number;
  if (options.hasConstant) {
    const ybar = ysum / n;
    tss = 0;
    for (let i = 0; i < n; i++) tss += (y[i]! - ybar) * (y[i]! - ybar);
  } else {
    tss = yty;
  }
  // relative: a constant y leaves only rounding in Σ(y − ȳ)²
  if (!(tss > 1e-20 * yty)) {
    throw new ValidationError(`${what}: the dependent variable has zero variance`, {
      field: 'y',
    });
  }
  const dfResid = n - k;
  return {
    n,
    k,
    coef,
    residuals,
    xtxInv,
    ssr,
    tss,
    r2: 1 - ssr / tss,
    dfResid,
    sigma2: ssr / dfResid,
    hasConstant: options.hasConstant,
  };
}

/**
 * Σᵢ wᵢ xᵢxᵢ' (k×k) with wᵢ = eᵢ² scaled for the HC type: the "meat" of the sandwich.
 * HC2/HC3 need the leverage hᵢᵢ = xᵢ'(X'X)⁻¹xᵢ, computed on the fly (O(n·k²)).
 */
function hcMeat(fit: OlsFit, x: Float64Array, type: 'HC0' | 'HC2' | 'HC3'): Float64Array {
  const { n, k, residuals, xtxInv } = fit;
  const meat = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const e = residuals[i]!;
    let w = e * e;
    if (type !== 'HC0') {
      let h = 0;
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let b = 0; b < k; b++) s += xtxInv[a * k + b]! * x[o + b]!;
        h += x[o + a]! * s;
      }
      const one = 1 - h;
      if (!(one > 1e-12)) {
        throw new ValidationError(`observation ${i} has leverage 1: ${type} is undefined`, {
          field: 'covType',
          value: type,
          details: { observation: i },
        });
      }
      w = type === 'HC2' ? w / one : w / (one * one);
    }
    for (let a = 0; a < k; a++) {
      const wa = w * x[o + a]!;
      const ra = a * k;
      for (let b = a; b < k; b++) meat[ra + b]! += wa * x[o + b]!;
    }
  }
  symmetrize(meat, k);
  return meat;
}

/** A B C for row-major k×k matrices. */
function sandwich(bread: Float64Array, meat: Float64Array, k: number): Float64Array {
  const t = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += bread[r * k + j]! * meat[j * k + c]!;
      t[r * k + c] = s;
    }
  }
  const out = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += t[r * k + j]! * bread[j * k + c]!;
      out[r * k + c] = s;
    }
  }
  return out;
}

/**
 * Covariance of the coefficients (k×k, row-major) of type `type` (see the module notes).
 * @param x - the design the fit was made on
 */
export function olsCovariance(fit: OlsFit, x: Float64Array, type: CovType): Float64Array {
  const { k } = fit;
  if (type === 'nonrobust') {
    const out = new Float64Array(k * k);
    for (let i = 0; i < k * k; i++) out[i] = fit.sigma2 * fit.xtxInv[i]!;
    return out;
  }
  const cov = sandwich(fit.xtxInv, hcMeat(fit, x, type === 'HC1' ? 'HC0' : type), k);
  if (type === 'HC1') {
    const f = fit.n / fit.dfResid;
    for (let i = 0; i < k * k; i++) cov[i]! *= f;
  }
  return cov;
}

/** Square roots of the diagonal of a k×k covariance. */
export function standardErrors(cov: Float64Array, k: number): Float64Array {
  const se = new Float64Array(k);
  for (let i = 0; i < k; i++) se[i] = Math.sqrt(Math.max(cov[i * k + i]!, 0));
  return se;
}

/** Validates a covariance type option (default `'HC1'`). */
export function checkCovType(v: unknown, fallback: CovType = 'HC1'): CovType {
  if (v === undefined) return fallback;
  if (v !== 'nonrobust' && v !== 'HC0' && v !== 'HC1' && v !== 'HC2' && v !== 'HC3') {
    throw new ValidationError("covType must be 'nonrobust', 'HC0', 'HC1', 'HC2' or 'HC3'", {
      field: 'covType',
      value: v,
    });
  }
  return v;
}
