/**
 * Vector error-correction model of one asset's prices on several venues, fitted in O(n) time and
 * O(1) memory in n from one pass of cross-products (statsmodels builds an n×n projection and
 * cannot run at 200,000 observations).
 *
 * @module
 */
import { assertAllFinite, assertInteger, ValidationError } from '@x/core';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { choleskyInverse, choleskyLower, choleskySolve } from './internal/ols.js';
import { accumulateVecmMoments } from './internal/vecm-moments.js';

/**
 * Deterministic terms, named as in statsmodels' `VECM(deterministic=...)`: `'co'` an
 * unrestricted intercept in every equation (outside the cointegration relation), `'n'` none.
 */
export type VecmDeterministic = 'co' | 'n';

/**
 * How the cointegrating vectors are set: `'known'` β = (1, −1)' of the base venue against each
 * other venue (the price-discovery convention: one asset, so every price difference is
 * stationary); `'johansen'` estimated by Johansen's reduced-rank maximum likelihood and
 * normalised as statsmodels does (first K − 1 rows the identity).
 */
export type VecmCointegration = 'known' | 'johansen';

/** Options of {@link fitVecm}. */
export interface VecmOptions {
  /** Lagged differences Δy_{t−1..t−lags} (statsmodels' `k_ar_diff`); default 1. */
  readonly lags?: number;
  /** Deterministic terms; default `'co'`. */
  readonly deterministic?: VecmDeterministic;
  /** Cointegrating vectors; default `'known'`. */
  readonly cointegration?: VecmCointegration;
  /** Index of the base venue of the known vectors; default 0. */
  readonly base?: number;
  /**
   * Significance of the Johansen trace test that the venues share a single stochastic trend
   * (rank K − 1 against rank ≤ K − 2); the fit throws when it cannot reject. One of 0.1, 0.05,
   * 0.01, or `false` to skip the test. Default 0.05.
   */
  readonly cointegrationTest?: 0.1 | 0.05 | 0.01 | false;
}

/** A fitted VECM; matrices are row-major `Float64Array`s with the stated shapes. */
export interface VecmFit {
  /** Number of venues K. */
  readonly venues: number;
  /** Cointegration rank r = K − 1 (one common efficient price). */
  readonly rank: number;
  /** Lagged differences p. */
  readonly lags: number;
  /** Observations used, T = n − p − 1. */
  readonly nobs: number;
  /** Deterministic terms. */
  readonly deterministic: VecmDeterministic;
  /** How β was set. */
  readonly cointegration: VecmCointegration;
  /** Base venue of the known vectors (0 under `'johansen'`). */
  readonly base: number;
  /** Adjustment coefficients α, K × r. */
  readonly alpha: Float64Array;
  /** Cointegrating vectors β, K × r. */
  readonly beta: Float64Array;
  /** Short-run coefficients [Γ_1 … Γ_p], K × (K·p), as statsmodels' `gamma`. */
  readonly gamma: Float64Array;
  /** Intercepts (zeros under `'n'`), statsmodels' `det_coef`. */
  readonly constant: Float64Array;
  /** Residual covariance Ω = Σ u_t u_t' / T, K × K, as statsmodels' `sigma_u`. */
  readonly sigmaU: Float64Array;
  /**
   * Covariance of the coefficients given β, Ω ⊗ (X'X)^−1 with X = [β'y_{t−1}, Δy lags]
   * (intercept partialled out): (K·m) × (K·m), m = r + K·p, ordered by equation, then
   * [α_i·, Γ_i·].
   */
  readonly coefficientCovariance: Float64Array;
  /** Johansen eigenvalues λ_1 ≥ … ≥ λ_K (statsmodels' `_sij` eigenvalues). */
  readonly eigenvalues: Float64Array;
  /** Johansen trace statistic −T Σ_{i ≥ K−1} ln(1 − λ_i) for rank ≤ K − 2. */
  readonly traceStatistic: number;
  /** Its critical values at 10%, 5% and 1% (Osterwald-Lenum / MacKinnon, as statsmodels). */
  readonly traceCritical: readonly [number, number, number];
}

/** statsmodels' c_sjt(2, det_order) for det_order −1 (`'n'`) and 0 (`'co'`): 90/95/99%. */
const TRACE_CRITICAL_2: Record<VecmDeterministic, readonly [number, number, number]> = {
  n: [10.4741, 12.3212, 16.364],
  co: [13.4294, 15.4943, 19.9349],
};

/** Validates the venues' prices and returns them as Float64Arrays. */
export function checkVenues(venues: readonly ArrayLike<number>[], minRows: number): Float64Array[] {
  if (!Array.isArray(venues) || venues.length < 2) {
    throw new ValidationError('need at least two venues', { field: 'venues' });
  }
  if (venues.length > 6) {
    throw new ValidationError('at most 6 venues (all K! Cholesky orderings are enumerated)', {
      field: 'venues',
      value: venues.length,
    });
  }
  const n = venues[0]!.length;
  return venues.map((v, i) => {
    if (v.length !== n) {
      throw new ValidationError(`venue ${i} has ${v.length} prices, venue 0 has ${n}`, {
        field: `venues[${i}]`,
      });
    }
    if (n < minRows) {
      throw new ValidationError(`too few observations: ${n}, need at least ${minRows}`, {
        field: 'venues',
        value: n,
      });
    }
    assertAllFinite(v, `venues[${i}]`);
    return v instanceof Float64Array ? v : Float64Array.from(v);
  });
}

/** Sub-matrix of a D×D row-major array over index lists. */
function block(m: Float64Array, d: number, rows: number[], cols: number[]): Matrix {
  const out = new Matrix(rows.length, cols.length);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) out.set(i, j, m[rows[i]! * d + cols[j]!]!);
  }
  return out;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

/** A⁻¹B for a symmetric positive definite A, refusing a singular one (internal/ols.ts). */
function spdSolve(a: Matrix, b: Matrix, what: string): Matrix {
  const x = choleskySolve(
    Float64Array.from(a.to1DArray()),
    Float64Array.from(b.to1DArray()),
    a.rows,
    b.columns,
    what,
  );
  return Matrix.from1DArray(a.rows, b.columns, x);
}

/**
 * Moments of the rows after the linear map z = A·x (A: q × D): Σ z z' centred when an intercept
 * is partialled out, uncentred otherwise, and the means of z. The kernel accumulated x − s with
 * one common level s subtracted from every venue's y_{t−1}; the uncentred moments are rebuilt in
 * z's coordinates, where a map with A·s = 0 (price differences) never sees the large level.
 */
function mapMoments(
  raw: { rows: number; dim: number; sum: Float64Array; cross: Float64Array },
  s: Float64Array,
  a: Matrix,
  det: VecmDeterministic,
): { m: Matrix; mean: Float64Array } {
  const { rows, dim: d, sum, cross } = raw;
  const c = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      c.set(i, j, cross[i * d + j]! - (det === 'co' ? (sum[i]! * sum[j]!) / rows : 0));
    }
  }
  const m = a.mmul(c).mmul(a.transpose());
  const zs = a.mmul(Matrix.columnVector(Array.from(s)));
  const zsum = a.mmul(Matrix.columnVector(Array.from(sum)));
  if (det === 'n') {
    const t = zs.mmul(zsum.transpose());
    m.add(t).add(t.transpose()).add(zs.mmul(zs.transpose()).mul(rows));
  }
  const mean = Float64Array.from(
    { length: a.rows },
    (_, i) => zsum.get(i, 0) / rows + zs.get(i, 0),
  );
  return { m, mean };
}

/** Johansen reduced-rank regression: eigenvalues and the normalised β (K × r). */
function johansen(mm: Matrix, k: number, rows: number) {
  const d = mm.rows;
  const m = Float64Array.from(mm.to1DArray());
  const i0 = range(0, k);
  const i1 = range(k, 2 * k);
  const i2 = range(2 * k, d);
  const s = (a: number[], b: number[]): Matrix => {
    const ab = block(m, d, a, b);
    if (i2.length === 0) return ab.div(rows);
    const m22 = block(m, d, i2, i2);
    const proj = spdSolve(m22, block(m, d, i2, b), 'VECM lagged differences');
    return ab.sub(block(m, d, a, i2).mmul(proj)).div(rows);
  };
  const s00 = s(i0, i0);
  const s01 = s(i0, i1);
  const s11 = s(i1, i1);
  const flat = (x: Matrix) => Float64Array.from(x.to1DArray());
  choleskyInverse(flat(s11), k, 'VECM lagged price levels');
  const l = Matrix.from1DArray(k, k, choleskyLower(flat(s11), k, 'VECM lagged price levels'));
  const linv = inverse(l);
  const c = linv
    .mmul(s01.transpose().mmul(spdSolve(s00, s01, 'VECM price changes')))
    .mmul(linv.transpose());
  const sym = c.add(c.transpose()).div(2);
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const eigenvalues = Float64Array.from(order, (o) => o[0]);
  const r = k - 1;
  const u = new Matrix(k, r);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < k; i++) u.set(i, j, evd.eigenvectorMatrix.get(i, order[j]![1]));
  }
  const betaTilde = linv.transpose().mmul(u);
  const beta = betaTilde.mmul(inverse(betaTilde.subMatrix(0, r - 1, 0, r - 1)));
  return { eigenvalues, beta };
}

/** β = (1, −1)' of the base venue against each other venue, K × (K − 1). */
function knownBeta(k: number, base: number): Matrix {
  const beta = new Matrix(k, k - 1);
  let j = 0;
  for (let v = 0; v < k; v++) {
    if (v === base) continue;
    beta.set(base, j, 1);
    beta.set(v, j, -1);
    j++;
  }
  return beta;
}

/**
 * Fits the VECM of K venues' prices of one asset (Johansen 1988; Hasbrouck 1995, eq. 2;
 * Lütkepohl 2005, ch. 7):
 *
 *   Δy_t = α β' y_{t−1} + Γ_1 Δy_{t−1} + … + Γ_p Δy_{t−p} + c + u_t,   E[u u'] = Ω,
 *
 * with cointegration rank K − 1. With `cointegration: 'known'` (default) β holds the price
 * differences of the base venue against the others, and α, Γ, c are OLS (which is the Gaussian
 * ML given β); with `'johansen'` β is the reduced-rank ML estimate, normalised as statsmodels'.
 * Either way α, β, Γ, c and Ω = Σ u u'/T match `statsmodels.tsa.vector_ar.vecm.VECM(y,
 * k_ar_diff=lags, coint_rank=K−1, deterministic=...)` on the same data (Johansen) or its
 * equation-by-equation OLS given β (known). Prices in price units or logs, as given; the
 * sample is t = p + 1 … n − 1 (T = n − p − 1 rows), as statsmodels'.
 *
 * Cost: one O(n·K·D) pass of cross-products (D = K·(p + 2)) and O(D³) dense algebra.
 *
 * @param venues - K ≥ 2 (≤ 6) price series of equal length, aligned in time
 * @param options - lags, deterministic terms, cointegration vectors, cointegration test
 * @returns the fitted model with the Johansen trace statistic
 * @throws `ValidationError` on fewer than two venues, unequal lengths, NaN or infinite
 *   prices, too few observations, a venue without price changes or collinear venues (singular
 *   design), and when the trace test cannot reject that the venues are not cointegrated
 *
 * @example
 * ```ts
 * import { fitVecm } from '@x/microstructure';
 * let seed = 7;
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * const a: number[] = [];
 * const b: number[] = [];
 * let m = 100; // the efficient price, a random walk
 * for (let t = 0; t < 500; t++) {
 *   m += 0.1 * noise();
 *   a.push(m + 0.02 * noise());
 *   b.push(m + 0.05 * noise());
 * }
 * const fit = fitVecm([a, b], { lags: 1 });
 * console.log(fit.alpha, fit.sigmaU); // adjustment speeds and innovation covariance
 * ```
 */
export function fitVecm(venues: readonly ArrayLike<number>[], options: VecmOptions = {}): VecmFit {
  const lags = options.lags ?? 1;
  assertInteger(lags, 'lags', 0, 100);
  const det = options.deterministic ?? 'co';
  if (det !== 'co' && det !== 'n') {
    throw new ValidationError("deterministic must be 'co' or 'n'", { field: 'deterministic' });
  }
  const cointegration = options.cointegration ?? 'known';
  const k = venues.length;
  const base = options.base ?? 0;
  const y = checkVenues(venues, 0);
  assertInteger(base, 'base', 0, k - 1);
  const r = k - 1;
  const mDim = r + k * lags;
  const minRows = lags + 2 + mDim + k + 10;
  if (y[0]!.length < minRows) checkVenues(venues, minRows);
  const shift = new Float64Array(k).fill(y[0]![0]!);
  const raw = accumulateVecmMoments(y, lags, shift);
  const { rows, dim: d } = raw;
  const s = new Float64Array(d);
  s.fill(y[0]![0]!, k, 2 * k);
  const full = mapMoments(raw, s, Matrix.eye(d), det).m;
  for (let v = 0; v < k; v++) {
    if (!(full.get(v, v) > 0)) {
      throw new ValidationError(`venue ${v} prices never change (zero variance)`, {
        field: `venues[${v}]`,
      });
    }
  }
  const jo = johansen(full, k, rows);
  const beta = cointegration === 'johansen' ? jo.beta : knownBeta(k, base);
  // z = A·x = [Δy_t; β'y_{t−1}; lags]
  const a = new Matrix(k + mDim, d);
  for (let v = 0; v < k; v++) a.set(v, v, 1);
  for (let i = 0; i < r; i++) for (let v = 0; v < k; v++) a.set(k + i, k + v, beta.get(v, i));
  for (let i = r; i < mDim; i++) a.set(k + i, k + k + i - r, 1);
  const { m: mz, mean } = mapMoments(raw, s, a, det);
  const i0 = range(0, k);
  const ix = range(k, k + mDim);
  const mzf = Float64Array.from(mz.to1DArray());
  const mxx = block(mzf, k + mDim, ix, ix);
  const m0x = block(mzf, k + mDim, i0, ix);
  const coef = spdSolve(
    mxx,
    m0x.transpose(),
    'VECM regressors (error correction and lags)',
  ).transpose(); // K × m
  const sigma = block(mzf, k + mDim, i0, i0)
    .sub(coef.mmul(m0x.transpose()))
    .div(rows);
  const omega = sigma.add(sigma.transpose()).div(2);
  const constant = new Float64Array(k);
  if (det === 'co') {
    for (let i = 0; i < k; i++) {
      let c = mean[i]!;
      for (let j = 0; j < mDim; j++) c -= coef.get(i, j) * mean[k + j]!;
      constant[i] = c;
    }
  }
  const xtxInv = Matrix.from1DArray(
    mDim,
    mDim,
    choleskyInverse(Float64Array.from(mxx.to1DArray()), mDim, 'VECM regressors'),
  );
  const cov = new Float64Array(k * mDim * k * mDim);
  const w = k * mDim;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const s = omega.get(a, b);
      for (let i = 0; i < mDim; i++) {
        for (let j = 0; j < mDim; j++)
          cov[(a * mDim + i) * w + b * mDim + j] = s * xtxInv.get(i, j);
      }
    }
  }
  const lam = jo.eigenvalues;
  if (!(lam[0]! < 1)) {
    throw new ValidationError(
      'singular design: the price changes are an exact linear function of past prices (deterministic input)',
      { field: 'venues' },
    );
  }
  const traceStatistic = -rows * (Math.log(1 - lam[k - 2]!) + Math.log(1 - lam[k - 1]!));
  const traceCritical = TRACE_CRITICAL_2[det];
  const level = options.cointegrationTest ?? 0.05;
  if (level !== false) {
    const crit = traceCritical[level === 0.1 ? 0 : level === 0.05 ? 1 : 2];
    if (!(traceStatistic > crit)) {
      throw new ValidationError(
        `venues not cointegrated: Johansen trace statistic ${traceStatistic.toPrecision(4)} for rank <= ${k - 2} is below the ${level} critical value ${crit}`,
        { field: 'venues', details: { traceStatistic, critical: crit } },
      );
    }
  }
  const pick = (from: number, cols: number) => {
    const out = new Float64Array(k * cols);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < cols; j++) out[i * cols + j] = coef.get(i, from + j);
    return out;
  };
  return {
    venues: k,
    rank: r,
    lags,
    nobs: rows,
    deterministic: det,
    cointegration,
    base: cointegration === 'known' ? base : 0,
    alpha: pick(0, r),
    beta: Float64Array.from(beta.to1DArray()),
    gamma: pick(r, k * lags),
    constant,
    sigmaU: Float64Array.from(omega.to1DArray()),
    coefficientCovariance: cov,
    eigenvalues: lam,
    traceStatistic,
    traceCritical,
  };
}
