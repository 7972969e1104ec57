/**
 * Bayesian model averaging weights from held-out predictive performance: pseudo-BMA, pseudo-BMA+
 * (Bayesian bootstrap), BIC weights, and stacking of predictive distributions (Yao, Vehtari,
 * Simpson and Gelman 2018, "Using stacking to average Bayesian predictive distributions",
 * Bayesian Analysis 13(3)).
 *
 * @module
 */
import { assertFinite, Rng, ValidationError } from '@x/core';
import { simplexMixtureWeights } from './internal/simplex.js';

/** Pointwise held-out log predictive densities: `lpd[i * nModels + k]` for row i and model k. */
export interface PointwiseLpd {
  /** Row-major [rows, models]. */
  readonly lpd: ArrayLike<number>;
  /** Number of models (columns). */
  readonly nModels: number;
}

function checkLpd({ lpd, nModels }: PointwiseLpd): number {
  if (!Number.isInteger(nModels) || nModels < 1 || lpd.length % nModels !== 0 || lpd.length === 0) {
    throw new ValidationError('lpd must hold rows x nModels values', { field: 'lpd' });
  }
  for (let k = 0; k < lpd.length; k++) {
    if (!Number.isFinite(lpd[k]!))
      throw new ValidationError(`lpd[${k}] is not finite`, { field: 'lpd', value: lpd[k] });
  }
  return lpd.length / nModels;
}

/** exp(v - max) normalised: softmax of scores. */
function softmax(v: ArrayLike<number>): Float64Array {
  let mx = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < v.length; k++) mx = Math.max(mx, v[k]!);
  const w = Float64Array.from({ length: v.length }, (_, k) => Math.exp(v[k]! - mx));
  const s = w.reduce((a, b) => a + b, 0);
  for (let k = 0; k < w.length; k++) w[k]! /= s;
  return w;
}

/**
 * Pseudo-BMA weights (Yao et al. 2018, eq. 8): `w_k ∝ exp(elpd_k)`, with `elpd_k = Σ_i lpd_ik` the
 * expected log predictive density estimated on held-out data (LOO or out-of-fold).
 *
 * @param elpd - one elpd per model
 * @returns weights on the simplex
 * @throws ValidationError on an empty or non-finite input
 *
 * @example
 * ```ts
 * import { pseudoBmaWeights } from '@x/ensemble';
 * console.log(pseudoBmaWeights([Math.log(3), 0])); // [0.75, 0.25]
 * ```
 */
export function pseudoBmaWeights(elpd: readonly number[]): Float64Array {
  if (elpd.length === 0) throw new ValidationError('elpd must not be empty', { field: 'elpd' });
  elpd.forEach((v, k) => {
    assertFinite(v, `elpd[${k}]`);
  });
  return softmax(elpd);
}

/** Options of {@link pseudoBmaPlusWeights}. */
export interface PseudoBmaPlusOptions {
  /** Bayesian bootstrap draws (default 1000). */
  readonly draws?: number;
  /** Seed of the draws (default 0). */
  readonly seed?: number;
}

/**
 * Pseudo-BMA+ weights (Yao et al. 2018, section 3.4): the pseudo-BMA weights averaged over
 * Bayesian-bootstrap draws `α ~ Dirichlet(1, ..., 1)` of the rows, with `elpd_k^b = n Σ_i α_i lpd_ik`,
 * which accounts for the uncertainty of the elpd estimates and so regularises weights toward
 * models that are not clearly worse.
 *
 * @param input - pointwise held-out log predictive densities
 * @param options - draws and seed
 * @returns weights on the simplex
 * @throws ValidationError on a malformed or non-finite input
 *
 * @example
 * ```ts
 * import { pseudoBmaPlusWeights } from '@x/ensemble';
 * // two models, four rows: the first is better on average but not on every row
 * const w = pseudoBmaPlusWeights({ lpd: [-1, -2, -1, -1.5, -3, -1, -1, -2], nModels: 2 });
 * console.log(w[0]! > 0.5); // true
 * ```
 */
export function pseudoBmaPlusWeights(
  input: PointwiseLpd,
  options: PseudoBmaPlusOptions = {},
): Float64Array {
  const n = checkLpd(input);
  const M = input.nModels;
  const draws = options.draws ?? 1000;
  if (!Number.isInteger(draws) || draws < 1)
    throw new ValidationError('draws must be a positive integer', { field: 'draws' });
  const rng = Rng.fromSeed(options.seed ?? 0);
  const alpha = new Float64Array(n);
  const elpd = new Float64Array(M);
  const out = new Float64Array(M);
  for (let b = 0; b < draws; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      alpha[i] = rng.exponential(1);
      s += alpha[i]!;
    }
    elpd.fill(0);
    for (let i = 0; i < n; i++) {
      const a = (n * alpha[i]!) / s;
      for (let k = 0; k < M; k++) elpd[k]! += a * input.lpd[i * M + k]!;
    }
    const w = softmax(elpd);
    for (let k = 0; k < M; k++) out[k]! += w[k]! / draws;
  }
  return out;
}

/**
 * BIC weights (Schwarz 1978; Raftery 1995): `w_k ∝ exp(-BIC_k / 2)`, the large-sample
 * approximation of posterior model probabilities under equal priors.
 *
 * @param bic - one BIC per model (`k ln n - 2 ln L̂`)
 * @returns weights on the simplex
 *
 * @example
 * ```ts
 * import { bicWeights } from '@x/ensemble';
 * console.log(bicWeights([100, 100 + 2 * Math.log(3)])); // [0.75, 0.25]
 * ```
 */
export function bicWeights(bic: readonly number[]): Float64Array {
  if (bic.length === 0) throw new ValidationError('bic must not be empty', { field: 'bic' });
  return pseudoBmaWeights(bic.map((b) => -b / 2));
}

/**
 * Stacking of predictive distributions (Yao et al. 2018, eq. 4): the simplex weights maximising
 * the held-out log score of the mixture, `Σ_i log Σ_k w_k exp(lpd_ik)`, found by EM (monotone
 * ascent of this concave objective). Unlike pseudo-BMA, it rewards models that predict
 * differently well on different rows rather than picking one winner.
 *
 * @param input - pointwise held-out log predictive densities
 * @returns weights on the simplex
 *
 * @example
 * ```ts
 * import { stackingDistributionWeights } from '@x/ensemble';
 * // half the rows favour model 0 (densities 2 vs 1), half model 1 (1 vs 2): w = 3f - 1 = 0.5
 * const L2 = Math.log(2);
 * console.log(stackingDistributionWeights({ lpd: [L2, 0, 0, L2], nModels: 2 })); // [0.5, 0.5]
 * ```
 */
export function stackingDistributionWeights(input: PointwiseLpd): Float64Array {
  const n = checkLpd(input);
  return simplexMixtureWeights(Float64Array.from(input.lpd), n, input.nModels);
}

/**
 * Gaussian log predictive densities of point forecasts: `log N(y_i; ŷ_ik, σ_k²)` with each
 * model's `σ_k` its root-mean-square held-out error, the usual input to the weights above when
 * members give point predictions only.
 *
 * @param y - held-out targets
 * @param predictions - row-major [rows, models] held-out predictions (out-of-fold)
 * @param nModels - number of models
 * @returns pointwise lpd, row-major [rows, models]
 */
export function gaussianLpd(
  y: ArrayLike<number>,
  predictions: ArrayLike<number>,
  nModels: number,
): PointwiseLpd {
  const n = y.length;
  if (predictions.length !== n * nModels) {
    throw new ValidationError(
      `predictions has ${predictions.length} values for ${n} rows x ${nModels} models`,
      { field: 'predictions' },
    );
  }
  const lpd = new Float64Array(n * nModels);
  for (let k = 0; k < nModels; k++) {
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (y[i]! - predictions[i * nModels + k]!) ** 2;
    const v = Math.max(sse / n, 1e-300);
    for (let i = 0; i < n; i++) {
      lpd[i * nModels + k] =
        -0.5 * Math.log(2 * Math.PI * v) - (y[i]! - predictions[i * nModels + k]!) ** 2 / (2 * v);
    }
  }
  return { lpd, nModels };
}
