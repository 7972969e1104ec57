/**
 * Price discovery across venues: Hasbrouck (1995) information shares with their bounds over
 * Cholesky orderings, and the Gonzalo and Granger (1995) component shares, from an O(n) VECM.
 *
 * @module
 */
import { assertFinite, ValidationError } from '@x/core';
import { CholeskyDecomposition, determinant, Matrix } from 'ml-matrix';
import { normalQuantile } from './internal/dist.js';
import { accumulateResidualMoments } from './internal/vecm-moments.js';
import { checkVenues, fitVecm, type VecmFit, type VecmOptions } from './vecm.js';

/** Options of {@link informationShare}: the VECM's, plus the interval level. */
export interface InformationShareOptions extends VecmOptions {
  /** Level of the reported confidence intervals, in (0, 1); default 0.95. */
  readonly confidence?: number;
}

/** Hasbrouck information shares and Gonzalo-Granger component shares, one entry per venue. */
export interface InformationShare {
  /** The fitted VECM the shares come from. */
  readonly vecm: VecmFit;
  /** Lower bound of each venue's information share: its minimum over all K! orderings. */
  readonly lower: Float64Array;
  /** Upper bound: the maximum over all orderings. */
  readonly upper: Float64Array;
  /** (lower + upper) / 2, the summary Baillie et al. (2002) suggest. */
  readonly midpoint: Float64Array;
  /** Delta-method standard errors of `lower`. */
  readonly lowerStdErr: Float64Array;
  /** Delta-method standard errors of `upper`. */
  readonly upperStdErr: Float64Array;
  /** Per venue, [lo, hi] of `lower` at `confidence` (clipped to [0, 1]). */
  readonly lowerInterval: readonly (readonly [number, number])[];
  /** Per venue, [lo, hi] of `upper` at `confidence` (clipped to [0, 1]). */
  readonly upperInterval: readonly (readonly [number, number])[];
  /**
   * Gonzalo-Granger component shares α⊥,j / Σ_i α⊥,i: they sum to 1 and, unlike information
   * shares, may fall outside [0, 1] (reported as estimated, never as |α⊥|).
   */
  readonly componentShare: Float64Array;
  /** Delta-method standard errors of `componentShare`. */
  readonly componentShareStdErr: Float64Array;
  /**
   * ψ, the common row of the long-run impact matrix Ψ(1) = β⊥ ψ (Hasbrouck 1995, eq. 5), with β⊥
   * scaled to mean 1 (β⊥ = ι under the known β, where every row of Ψ(1) is ψ).
   */
  readonly psi: Float64Array;
  /** Variance of the efficient price's innovation, ψ Ω ψ'. */
  readonly efficientVariance: number;
  /** Level of the intervals. */
  readonly confidence: number;
}

/** The K-vector orthogonal to the K − 1 columns of a (K × (K − 1)): signed cofactors. */
function orthogonalComplement(a: Matrix): Float64Array {
  const k = a.rows;
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const rows = [];
    for (let v = 0; v < k; v++) if (v !== i) rows.push(v);
    const minor = a.selection(rows, [...Array(k - 1).keys()]);
    const det = k === 2 ? minor.get(0, 0) : determinant(minor);
    out[i] = i % 2 === 0 ? det : -det;
  }
  return out;
}

/** All permutations of 0..k−1 (Heap's algorithm). */
function permutations(k: number): number[][] {
  const out: number[][] = [];
  const a = [...Array(k).keys()];
  const c = new Array<number>(k).fill(0);
  out.push(a.slice());
  let i = 0;
  while (i < k) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[j], a[i]] = [a[i]!, a[j]!];
      out.push(a.slice());
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return out;
}

/**
 * Bounds of the information shares and the component shares as functions of θ = [vec α (row
 * by row), vech Ω (lower triangle, row by row)]: the map the delta method differentiates.
 */
function sharesOf(theta: Float64Array, k: number, perms: number[][]) {
  const r = k - 1;
  const alpha = new Matrix(k, r);
  for (let i = 0; i < k; i++) for (let j = 0; j < r; j++) alpha.set(i, j, theta[i * r + j]!);
  const omega = new Matrix(k, k);
  let p = k * r;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      omega.set(i, j, theta[p]!);
      omega.set(j, i, theta[p++]!);
    }
  }
  const perp = orthogonalComplement(alpha);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += perp[i]!;
  const lower = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  const upper = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  const permuted = new Matrix(k, k);
  for (const perm of perms) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) permuted.set(i, j, omega.get(perm[i]!, perm[j]!));
    }
    const chol = new CholeskyDecomposition(permuted);
    if (!chol.isPositiveDefinite()) {
      throw new ValidationError('residual covariance is not positive definite', {
        field: 'venues',
      });
    }
    const f = chol.lowerTriangularMatrix;
    let total = 0;
    const v = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let i = j; i < k; i++) acc += perp[perm[i]!]! * f.get(i, j);
      v[j] = acc * acc;
      total += v[j]!;
    }
    for (let j = 0; j < k; j++) {
      const share = v[j]! / total;
      const venue = perm[j]!;
      if (share < lower[venue]!) lower[venue] = share;
      if (share > upper[venue]!) upper[venue] = share;
    }
  }
  const component = Float64Array.from(perp, (x) => x / sum);
  return { lower, upper, component, perp, sum };
}

/** Delta-method standard errors of each output of `f` at θ with covariance V (numerical J). */
function deltaStdErr(
  f: (theta: Float64Array) => Float64Array,
  theta: Float64Array,
  cov: Matrix,
  scale: Float64Array,
): Float64Array {
  const n = theta.length;
  const base = f(theta);
  const jac = new Matrix(base.length, n);
  const t = Float64Array.from(theta);
  for (let i = 0; i < n; i++) {
    const h = 1e-6 * Math.max(Math.abs(theta[i]!), scale[i]!);
    t[i] = theta[i]! + h;
    const up = f(t);
    t[i] = theta[i]! - h;
    const down = f(t);
    t[i] = theta[i]!;
    for (let j = 0; j < base.length; j++) jac.set(j, i, (up[j]! - down[j]!) / (2 * h));
  }
  const v = jac.mmul(cov).mmul(jac.transpose());
  return Float64Array.from({ length: base.length }, (_, j) => Math.sqrt(Math.max(0, v.get(j, j))));
}

/**
 * The common trend's long-run impact ψ (Hasbrouck 1995: the common row of Ψ(1), from α⊥ and
 * Γ(1) with β⊥ normalised to mean 1) and the efficient-price innovation variance ψ'Ωψ.
 * @throws {@link ValidationError} when the adjustment coefficients give no long-run impact
 */
function longRunImpact(
  vecm: VecmFit,
  est: ReturnType<typeof sharesOf>,
): { readonly psi: Float64Array; readonly efficientVariance: number } {
  const k = vecm.venues;
  const r = vecm.rank;
  const p = vecm.lags;
  const alpha = new Matrix(k, r);
  const beta = new Matrix(k, r);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < r; j++) {
      alpha.set(i, j, vecm.alpha[i * r + j]!);
      beta.set(i, j, vecm.beta[i * r + j]!);
    }
  }
  const bperp = orthogonalComplement(beta);
  const bsum = bperp.reduce((s, x) => s + x, 0);
  // β⊥ normalised to mean 1: exactly ι under the known β = (1, −1)', so Ψ(1)'s rows are all ψ
  for (let i = 0; i < k; i++) bperp[i] = (k * bperp[i]!) / (Math.abs(bsum) > 1e-12 ? bsum : 1);
  const g1 = Matrix.eye(k);
  for (let l = 0; l < p; l++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) g1.set(i, j, g1.get(i, j) - vecm.gamma[i * k * p + l * k + j]!);
    }
  }
  let den = 0;
  let norm = 0;
  for (let i = 0; i < k; i++) {
    norm += est.perp[i]! * est.perp[i]!;
    for (let j = 0; j < k; j++) den += est.perp[i]! * g1.get(i, j) * bperp[j]!;
  }
  const tiny = 1e-12 * Math.sqrt(norm);
  if (!(Math.abs(den) > tiny) || !(Math.abs(est.sum) > tiny)) {
    throw new ValidationError(
      'common trend not identified: the adjustment coefficients give no long-run impact',
      { field: 'venues', details: { longRunDenominator: den, alphaPerpSum: est.sum } },
    );
  }
  const psi = Float64Array.from(est.perp, (x) => x / den);
  let efficientVariance = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) efficientVariance += psi[i]! * vecm.sigmaU[i * k + j]! * psi[j]!;
  }
  return { psi, efficientVariance };
}

/**
 * The covariance of θ̂ = (vec α, vech Ω): the α block from the VECM's coefficient covariance, the
 * vech Ω block from the residuals' fourth moments.
 */
function thetaCovariance(vecm: VecmFit, y: readonly Float64Array[], size: number): Matrix {
  const k = vecm.venues;
  const r = vecm.rank;
  const p = vecm.lags;
  const q = (k * (k + 1)) / 2;
  const m = r + k * p;
  const coef = new Float64Array(k * k * (1 + p));
  const shift = new Float64Array(k).fill(y[0]![0]!);
  const constant = Float64Array.from(vecm.constant);
  for (let i = 0; i < k; i++) {
    for (let v = 0; v < k; v++) {
      let pi = 0;
      for (let j = 0; j < r; j++) pi += vecm.alpha[i * r + j]! * vecm.beta[v * r + j]!;
      coef[i * k * (1 + p) + v] = pi;
      constant[i] = constant[i]! + pi * shift[v]!;
    }
    for (let j = 0; j < k * p; j++) coef[i * k * (1 + p) + k + j] = vecm.gamma[i * k * p + j]!;
  }
  const res = accumulateResidualMoments(y, p, shift, coef, constant);
  const cov = new Matrix(size, size);
  const w = k * m;
  for (let a = 0; a < k * r; a++) {
    for (let b = 0; b < k * r; b++) {
      const ia = Math.floor(a / r) * m + (a % r);
      const ib = Math.floor(b / r) * m + (b % r);
      cov.set(a, b, vecm.coefficientCovariance[ia * w + ib]!);
    }
  }
  const t = res.rows;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      const c = res.cross[a * q + b]! / t - (res.sum[a]! / t) * (res.sum[b]! / t);
      cov.set(k * r + a, k * r + b, c / t);
    }
  }
  return cov;
}

/**
 * Hasbrouck's (1995) information shares of K venues trading one asset, with their bounds over
 * all K! Cholesky orderings, and Gonzalo and Granger's (1995) component shares.
 *
 * The VECM is {@link fitVecm}'s (default: β = (1, −1)' of the base venue against each other
 * venue, one lagged difference, an intercept). With one common trend the long-run impact matrix
 * is Ψ(1) = β⊥ (α⊥' Γ(1) β⊥)^−1 α⊥' with Γ(1) = I − Σ Γ_i (Hasbrouck 1995, eq. 5; Baillie et
 * al. 2002), its rows equal ψ; with Ω = F F' (F the lower Cholesky factor of Ω under one ordering
 * of the venues) venue j's share is IS_j = [ψ F]_j² / (ψ Ω ψ') (Hasbrouck 1995, eq. 9). The
 * lower and upper bounds are the minimum and maximum of IS_j over every ordering; for two venues
 * these are the two orderings. The component share is CS_j = α⊥,j / Σ_i α⊥,i (Gonzalo and
 * Granger 1995; for two venues CS_1 = α_2 / (α_2 − α_1)). Both depend on α and Ω only.
 *
 * Standard errors: delta method with a numerical Jacobian, Cov(vec α̂) = Ω ⊗ (X'X)^−1 from the
 * VECM and Cov(vech Ω̂) from the fourth moments of the residuals (a second O(n) pass), taken as
 * independent (exact when the innovations are symmetric); β is held fixed (known, or
 * super-consistent under Johansen).
 *
 * Cost: two O(n) passes over the prices and O(K!·K³) per Jacobian column.
 *
 * @param venues - K ≥ 2 (≤ 6) aligned price series of one asset
 * @param options - VECM options and the interval level
 * @returns bounds, midpoints, component shares, standard errors and intervals
 * @throws `ValidationError` for everything {@link fitVecm} rejects, a confidence outside
 *   (0, 1), and a VECM whose common trend is not identified (α⊥'Γ(1)β⊥ = 0 or Σ α⊥ = 0)
 *
 * @example
 * ```ts
 * import { informationShare } from '@x/microstructure';
 * let seed = 11;
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // venue 0 leads: venue 1 corrects 60% of its gap to venue 0 each step
 * const a = [100];
 * const b = [100];
 * for (let t = 1; t < 2000; t++) {
 *   a.push(a[t - 1]! + 0.05 * noise());
 *   b.push(b[t - 1]! + 0.6 * (a[t - 1]! - b[t - 1]!) + 0.02 * noise());
 * }
 * const is = informationShare([a, b], { lags: 1 });
 * console.log(is.lower, is.upper, is.componentShare); // venue 0 near 1
 * ```
 */
export function informationShare(
  venues: readonly ArrayLike<number>[],
  options: InformationShareOptions = {},
): InformationShare {
  const confidence = options.confidence ?? 0.95;
  assertFinite(confidence, 'confidence');
  if (!(confidence > 0 && confidence < 1)) {
    throw new ValidationError('confidence must be in (0, 1)', {
      field: 'confidence',
      value: confidence,
    });
  }
  const vecm = fitVecm(venues, options);
  const y = checkVenues(venues, 0);
  const k = vecm.venues;
  const r = vecm.rank;
  const q = (k * (k + 1)) / 2;
  const perms = permutations(k);
  const theta = new Float64Array(k * r + q);
  theta.set(vecm.alpha);
  let at = k * r;
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) theta[at++] = vecm.sigmaU[i * k + j]!;
  const est = sharesOf(theta, k, perms);
  const { psi, efficientVariance } = longRunImpact(vecm, est);
  const cov = thetaCovariance(vecm, y, theta.length);
  const scale = new Float64Array(theta.length);
  let amax = 0;
  let omax = 0;
  for (let i = 0; i < theta.length; i++) {
    if (i < k * r) amax = Math.max(amax, Math.abs(theta[i]!));
    else omax = Math.max(omax, Math.abs(theta[i]!));
  }
  for (let i = 0; i < theta.length; i++) scale[i] = 1e-3 * (i < k * r ? amax : omax);
  const stacked = (th: Float64Array): Float64Array => {
    const s = sharesOf(th, k, perms);
    const out = new Float64Array(3 * k);
    out.set(s.lower, 0);
    out.set(s.upper, k);
    out.set(s.component, 2 * k);
    return out;
  };
  const se = deltaStdErr(stacked, theta, cov, scale);
  const z = normalQuantile(0.5 + confidence / 2);
  const clip = (x: number) => Math.min(1, Math.max(0, x));
  const interval = (x: Float64Array, s: Float64Array) =>
    Array.from(x, (v, i) => [clip(v - z * s[i]!), clip(v + z * s[i]!)] as const);
  const lowerStdErr = se.slice(0, k);
  const upperStdErr = se.slice(k, 2 * k);
  return {
    vecm,
    lower: est.lower,
    upper: est.upper,
    midpoint: Float64Array.from(est.lower, (l, i) => (l + est.upper[i]!) / 2),
    lowerStdErr,
    upperStdErr,
    lowerInterval: interval(est.lower, lowerStdErr),
    upperInterval: interval(est.upper, upperStdErr),
    componentShare: est.component,
    componentShareStdErr: se.slice(2 * k),
    psi,
    efficientVariance,
    confidence,
  };
}
