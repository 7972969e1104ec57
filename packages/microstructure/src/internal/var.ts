/**
 * Reduced-form vector autoregression by equation-wise OLS, laid out and normalised exactly as
 * statsmodels' `VAR(endog).fit(p, trend=...)` (0.13), plus its MA representation, orthogonalised
 * impulse responses, information criteria and `select_order`.
 *
 * Model: y_t = c + A_1 y_{t−1} + … + A_p y_{t−p} + u_t, y_t ∈ ℝᵏ, t = p … T−1 (the first p rows
 * are pre-sample). Data are row-major `Float64Array` of T rows and k columns.
 *
 * - `params` ((kTrend + k·p) × k, row-major) is statsmodels' `params`: row 0 the intercept (when
 *   trend is `'c'`), then row kTrend + l·k + j the coefficient of variable j at lag l + 1, one
 *   column per equation. `coefs[l][i][j]` (p·k·k) is A_{l+1}[i][j].
 * - `sigmaU` = U'U / (nobs − k·p − kTrend) (statsmodels `sigma_u`), `sigmaUMle` = U'U / nobs.
 * - Information criteria (Lütkepohl 2005, pp. 146–150, as statsmodels): with
 *   ld = log det sigmaUMle and N = p·k² + k·kTrend free parameters,
 *   aic = ld + 2N/nobs, bic = ld + N·log(nobs)/nobs, hqic = ld + 2N·log(log nobs)/nobs,
 *   fpe = ((nobs + k·p + kTrend) / (nobs − k·p − kTrend))ᵏ · exp(ld).
 *
 * The lagged cross-products are accumulated by hand in one pass over the data with a scratch row
 * (no design matrix is built); the data are centred on their sample mean first when a constant is
 * fitted (which leaves slopes and residuals unchanged and keeps Z'Z well conditioned), and the
 * normal equations are solved with `ml-matrix`'s Cholesky ({@link choleskySolve}).
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { allFinite, choleskyLower, choleskySolve, logDetSpd, symmetrize } from './ols.js';

/** Deterministic terms of a VAR: a constant (`'c'`) or none (`'n'`). */
export type VarTrend = 'c' | 'n';

/** A fitted VAR(p) (see the module notes for layouts). */
export interface VarFit {
  /** Variables (equations). */
  readonly k: number;
  /** Lag order. */
  readonly p: number;
  /** Deterministic terms. */
  readonly trend: VarTrend;
  /** Observations used (rows after the pre-sample). */
  readonly nobs: number;
  /** statsmodels' `params`: (kTrend + k·p) × k, row-major. */
  readonly params: Float64Array;
  /** Intercept c (k; zeros when trend is `'n'`). */
  readonly intercept: Float64Array;
  /** A_1 … A_p as p·k·k, `coefs[l*k*k + i*k + j]` = A_{l+1}[i][j]. */
  readonly coefs: Float64Array;
  /** Residuals u_t (nobs × k, row-major). */
  readonly residuals: Float64Array;
  /** Residual covariance, degrees-of-freedom adjusted (k×k). */
  readonly sigmaU: Float64Array;
  /** Residual covariance U'U / nobs (k×k). */
  readonly sigmaUMle: Float64Array;
  /** nobs − k·p − kTrend. */
  readonly dfResid: number;
  /**
   * Z'Z of the design centred on the data mean (m×m, m = kTrend + k·p, intercept first). Its
   * inverse's slope block is that of statsmodels' (Z'Z)⁻¹, so the slopes' covariance is
   * Σ_u ⊗ gram⁻¹ (statsmodels `cov_params`, Lütkepohl 2005, §3.2.2).
   */
  readonly gram: Float64Array;
}

/** Information criteria of a VAR fit. */
export interface VarInfoCriteria {
  readonly aic: number;
  readonly bic: number;
  readonly hqic: number;
  readonly fpe: number;
}

/** Options of {@link fitVar}. */
export interface FitVarOptions {
  /** Deterministic terms (default `'c'`). */
  readonly trend?: VarTrend;
  /** Rows dropped from the start before the pre-sample (statsmodels' `offset`; default 0). */
  readonly offset?: number;
  /** Names the data in error messages (default `'VAR data'`). */
  readonly what?: string;
}

/**
 * Fits a VAR(p) by OLS, equation by equation (all equations share one design).
 * @param data - T×k row-major
 * @throws `ValidationError` on NaN/Infinity, too few rows, or a singular design (a constant or
 *   collinear series)
 */
export function fitVar(
  data: Float64Array,
  rows: number,
  k: number,
  p: number,
  options: FitVarOptions = {},
): VarFit {
  const trend = options.trend ?? 'c';
  const offset = options.offset ?? 0;
  const what = options.what ?? 'VAR data';
  const kt = trend === 'c' ? 1 : 0;
  const m = kt + k * p;
  const t0 = offset + p;
  const nobs = rows - t0;
  const dfResid = nobs - m;
  if (!(Number.isInteger(p) && p >= 0)) {
    throw new ValidationError('lag order must be an integer >= 0', { field: 'lags', value: p });
  }
  if (!(dfResid > 0)) {
    throw new ValidationError(
      `${what}: ${rows} rows are too few for a VAR(${p}) with ${k} variables (need more than ${offset + p + m})`,
      { field: 'rows', value: rows, details: { lags: p, k } },
    );
  }
  // centre on the sample mean when a constant is fitted
  const mu = new Float64Array(k);
  if (kt === 1) {
    for (let t = offset; t < rows; t++) for (let j = 0; j < k; j++) mu[j]! += data[t * k + j]!;
    for (let j = 0; j < k; j++) mu[j]! /= rows - offset;
  }
  if (!allFinite(mu) || !allFinite(data.subarray(offset * k, rows * k))) {
    throw new ValidationError(`${what} contains NaN or Infinity`, { field: what });
  }
  const ztz = new Float64Array(m * m);
  const zty = new Float64Array(m * k);
  const z = new Float64Array(m);
  if (kt === 1) z[0] = 1;
  for (let t = t0; t < rows; t++) {
    for (let l = 0; l < p; l++) {
      const src = (t - 1 - l) * k;
      const dst = kt + l * k;
      for (let j = 0; j < k; j++) z[dst + j] = data[src + j]! - mu[j]!;
    }
    const yo = t * k;
    for (let a = 0; a < m; a++) {
      const za = z[a]!;
      const ra = a * m;
      for (let b = a; b < m; b++) ztz[ra + b]! += za * z[b]!;
      const rk = a * k;
      for (let j = 0; j < k; j++) zty[rk + j]! += za * (data[yo + j]! - mu[j]!);
    }
  }
  symmetrize(ztz, m);
  const b = m > 0 ? choleskySolve(ztz, zty, m, k, `${what} (VAR design)`) : new Float64Array(0);
  // residuals and U'U in a second pass
  const residuals = new Float64Array(nobs * k);
  const utu = new Float64Array(k * k);
  for (let t = t0; t < rows; t++) {
    for (let l = 0; l < p; l++) {
      const src = (t - 1 - l) * k;
      const dst = kt + l * k;
      for (let j = 0; j < k; j++) z[dst + j] = data[src + j]! - mu[j]!;
    }
    const ro = (t - t0) * k;
    for (let i = 0; i < k; i++) {
      let f = 0;
      for (let a = 0; a < m; a++) f += z[a]! * b[a * k + i]!;
      residuals[ro + i] = data[t * k + i]! - mu[i]! - f;
    }
    for (let i = 0; i < k; i++) {
      const ui = residuals[ro + i]!;
      for (let j = i; j < k; j++) utu[i * k + j]! += ui * residuals[ro + j]!;
    }
  }
  symmetrize(utu, k);
  const coefs = new Float64Array(p * k * k);
  for (let l = 0; l < p; l++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) coefs[l * k * k + i * k + j] = b[(kt + l * k + j) * k + i]!;
    }
  }
  const params = Float64Array.from(b);
  const intercept = new Float64Array(k);
  if (kt === 1) {
    // undo the centring: c = c̃ + μ − Σ_l A_l μ
    for (let i = 0; i < k; i++) {
      let c = b[i]! + mu[i]!;
      for (let l = 0; l < p; l++) {
        for (let j = 0; j < k; j++) c -= coefs[l * k * k + i * k + j]! * mu[j]!;
      }
      intercept[i] = c;
      params[i] = c;
    }
  }
  const sigmaU = new Float64Array(k * k);
  const sigmaUMle = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) {
    sigmaU[i] = utu[i]! / dfResid;
    sigmaUMle[i] = utu[i]! / nobs;
  }
  return {
    k,
    p,
    trend,
    nobs,
    params,
    intercept,
    coefs,
    residuals,
    sigmaU,
    sigmaUMle,
    dfResid,
    gram: ztz,
  };
}

/**
 * MA(∞) coefficients Φ_0 … Φ_h ((h+1)·k·k): Φ_0 = I, Φ_i = Σ_{j=1}^{min(i,p)} Φ_{i−j} A_j
 * (statsmodels `ma_rep`, which is `irf(h).irfs`).
 */
export function maRep(fit: VarFit, h: number): Float64Array {
  const { k, p, coefs } = fit;
  const kk = k * k;
  const phi = new Float64Array((h + 1) * kk);
  for (let i = 0; i < k; i++) phi[i * k + i] = 1;
  for (let i = 1; i <= h; i++) {
    for (let j = 1; j <= Math.min(i, p); j++) {
      const po = (i - j) * kk;
      const ao = (j - 1) * kk;
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += phi[po + r * k + q]! * coefs[ao + q * k + c]!;
          phi[i * kk + r * k + c]! += s;
        }
      }
    }
  }
  return phi;
}

/**
 * Orthogonalised impulse responses Φ_i P with P the lower Cholesky factor of sigmaU (statsmodels
 * `irf(h).orth_irfs`): entry [i][r][c] is the response of variable r at horizon i to a
 * one-standard-deviation shock in the c-th orthogonalised innovation (variables ordered as in the
 * data, the first one first).
 */
export function orthIrf(fit: VarFit, phi: Float64Array, h: number): Float64Array {
  const { k } = fit;
  const kk = k * k;
  const pl = choleskyLower(fit.sigmaU, k, 'VAR residual covariance');
  const out = new Float64Array((h + 1) * kk);
  for (let i = 0; i <= h; i++) {
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let q = c; q < k; q++) s += phi[i * kk + r * k + q]! * pl[q * k + c]!;
        out[i * kk + r * k + c] = s;
      }
    }
  }
  return out;
}

/** Information criteria of a fit, as statsmodels' `VARResults.info_criteria`. */
export function varInfoCriteria(fit: VarFit): VarInfoCriteria {
  const { k, p, nobs, dfResid } = fit;
  const kt = fit.trend === 'c' ? 1 : 0;
  const free = p * k * k + k * kt;
  const ld = logDetSpd(fit.sigmaUMle, k, 'VAR residual covariance');
  return {
    aic: ld + (2 / nobs) * free,
    bic: ld + (Math.log(nobs) / nobs) * free,
    hqic: ld + ((2 * Math.log(Math.log(nobs))) / nobs) * free,
    fpe: ((nobs + k * p + kt) / dfResid) ** k * Math.exp(ld),
  };
}

/** Result of {@link selectVarOrder}. */
export interface VarOrderSelection {
  /** Lag orders tried (pMin … maxLags). */
  readonly lags: Int32Array;
  /** Criteria per lag order tried. */
  readonly aic: Float64Array;
  readonly bic: Float64Array;
  readonly hqic: Float64Array;
  readonly fpe: Float64Array;
  /** argmin of each criterion (first minimum), as a lag order. */
  readonly selected: {
    readonly aic: number;
    readonly bic: number;
    readonly hqic: number;
    readonly fpe: number;
  };
}

/**
 * statsmodels' `VAR.select_order(maxlags, trend)`: every order p = pMin … maxLags is fitted on
 * the same sample (offset maxLags − p), pMin = 0 with a constant, else 1.
 */
export function selectVarOrder(
  data: Float64Array,
  rows: number,
  k: number,
  maxLags: number,
  trend: VarTrend = 'c',
): VarOrderSelection {
  if (!(Number.isInteger(maxLags) && maxLags >= 1)) {
    throw new ValidationError('maxLags must be an integer >= 1', {
      field: 'maxLags',
      value: maxLags,
    });
  }
  const pMin = trend === 'c' ? 0 : 1;
  const len = maxLags - pMin + 1;
  const lags = new Int32Array(len);
  const aic = new Float64Array(len);
  const bic = new Float64Array(len);
  const hqic = new Float64Array(len);
  const fpe = new Float64Array(len);
  for (let p = pMin; p <= maxLags; p++) {
    const fit = fitVar(data, rows, k, p, { trend, offset: maxLags - p });
    const ic = varInfoCriteria(fit);
    const i = p - pMin;
    lags[i] = p;
    aic[i] = ic.aic;
    bic[i] = ic.bic;
    hqic[i] = ic.hqic;
    fpe[i] = ic.fpe;
  }
  const arg = (a: Float64Array): number => {
    let best = 0;
    for (let i = 1; i < a.length; i++) if (a[i]! < a[best]!) best = i;
    return best + pMin;
  };
  return {
    lags,
    aic,
    bic,
    hqic,
    fpe,
    selected: { aic: arg(aic), bic: arg(bic), hqic: arg(hqic), fpe: arg(fpe) },
  };
}
