/**
 * Microstructure noise: the variance of iid noise on observed (log) prices, the two-scale
 * realized variance of the efficient price, and the MSE-optimal sampling frequency.
 *
 * Model (Zhang, Mykland and Aït-Sahalia 2005, "A tale of two time scales", JASA 100(472)):
 * Y_i = X_{t_i} + ε_i, i = 0 … n, X an Itô process with integrated variance IV = ⟨X⟩_T over the
 * sample, ε iid with mean 0, variance ω² = E ε² and independent of X. Returns r_i = Y_i − Y_{i−1},
 * i = 1 … n. By default Y is the log price (returns are log returns, variances in squared log
 * units); pass `log: false` to work in price units.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { normalInterval } from './internal/dist.js';

/** Options shared by the noise estimators. */
export interface NoiseOptions {
  /** Take logs of the prices first (default true; prices must then be > 0). */
  readonly log?: boolean;
}

/** An estimate with its standard error and a normal confidence interval. */
export interface NoiseEstimate {
  /** The estimate. */
  readonly value: number;
  /** Its asymptotic standard error. */
  readonly stdError: number;
  /** Returns used (n). */
  readonly n: number;
  /**
   * Two-sided normal confidence interval.
   * @param level - coverage in (0, 1), default 0.95
   * @returns [low, high]
   */
  confidenceInterval(level?: number): [number, number];
}

function estimate(value: number, stdError: number, n: number): NoiseEstimate {
  return {
    value,
    stdError,
    n,
    confidenceInterval(level = 0.95): [number, number] {
      return normalInterval(value, stdError, level);
    },
  };
}

/** Returns of a price series, validated. */
function returnsOf(price: ArrayLike<number>, options: NoiseOptions, min: number): Float64Array {
  const n = price.length - 1;
  if (n < min) {
    throw new ValidationError(`at least ${min + 1} prices are needed, got ${price.length}`, {
      field: 'price',
      value: price.length,
    });
  }
  const log = options.log ?? true;
  const r = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i <= n; i++) {
    const p = price[i]!;
    if (!Number.isFinite(p) || (log && !(p > 0))) {
      throw new ValidationError(
        log
          ? `price[${i}] = ${p} must be finite and > 0 for log returns (pass log: false for prices that can be <= 0, or prices rather than returns)`
          : `price[${i}] = ${p} is not finite`,
        { field: 'price', value: p, details: { index: i } },
      );
    }
    const y = log ? Math.log(p) : p;
    if (i > 0) r[i - 1] = y - prev;
    prev = y;
  }
  let nonzero = false;
  for (let i = 0; i < n && !nonzero; i++) nonzero = r[i] !== 0;
  if (!nonzero) {
    throw new ValidationError('prices never change: the noise variance is not identified', {
      field: 'price',
    });
  }
  return r;
}

/** Options of {@link noiseVarianceRv}. */
export interface RvNoiseOptions extends NoiseOptions {
  /**
   * Subtract the efficient price's share of RV, estimated by {@link tsrv}: ω̂² = (RV − IV̂)/(2n)
   * instead of RV/(2n) (default false). Use it when the noise does not dwarf the efficient
   * variance per step (IV/n not ≪ ω²), where RV/(2n) is biased upward by IV/(2n).
   */
  readonly biasCorrected?: boolean;
  /** K of the TSRV behind the correction (default: {@link tsrv}'s optimal K). */
  readonly subsamples?: number;
}

/** Result of {@link noiseVarianceRv}. */
export interface RvNoiseEstimate extends NoiseEstimate {
  /** IV̂/(2n), what the bias correction subtracted from RV/(2n); 0 without `biasCorrected`. */
  readonly biasCorrection: number;
  /** IV̂, the TSRV of the efficient price behind the correction; undefined without it. */
  readonly integratedVariance: number | undefined;
}

/**
 * Noise variance from realized variance: ω̂² = RV / (2n), RV = Σ r_i² over all n returns (ZMA
 * 2005, eq. 2.5 / Bandi and Russell 2008). E ω̂² = ω² + IV/(2n): the bias vanishes as n grows with
 * the noise dominating RV at the highest frequency. Standard error √(Eε⁴/n) (ZMA 2005, eq. 2.6)
 * with Eε⁴ estimated by (1/2n) Σ r⁴ − 3ω̂⁴, floored at ω̂⁴ (Jensen).
 *
 * With `biasCorrected`, the efficient price's contribution is removed with the two-scale estimate
 * of the integrated variance (the IV/(2n) bias of ZMA 2005's RV/2n removed as Hansen and Lunde
 * 2006, "Realized variance and market microstructure noise", JBES 24(2), use with a
 * low-frequency IV̂; here IV̂ is the unbiased TSRV of the same sample):
 *
 *   ω̂² = (RV − IV̂) / (2n),   IV̂ = TSRV,
 *
 * and the standard error is the delta method on this linear map of (RV, IV̂):
 * Var ≈ [4n·Eε⁴ + 8ω²·IV + 8nω⁴/K + Var IV̂] / (2n)², where 8ω²IV is the variance of RV's
 * efficient-noise cross term, 8nω⁴/K is −2·Cov(RV, IV̂) (the two share the lag-one noise
 * products ε_i ε_{i−1}, with weights −2 and 2/K), Var IV̂ is ZMA's Theorem 4 (as in
 * {@link tsrv}), and Eε⁴ = (1/2n) Σ r⁴ − 3ω̂⁴ − 6ω̂²·IV̂/n − (3/2)(IV̂/n)² (the fourth moment of
 * a return with Gaussian efficient part of variance IV/n), floored at ω̂⁴.
 *
 * @param price - observed prices in time order, at the highest frequency
 * @param options - `log` (default true), `biasCorrected` (default false), `subsamples`
 * @returns ω̂² with its standard error and interval
 * @throws `ValidationError` on fewer than 3 prices (9 with `biasCorrected`), NaN, a price <= 0
 *   with `log`, constant prices, `subsamples` outside [2, n/2], or, with `biasCorrected`,
 *   RV <= IV̂ (no noise is detectable at this frequency: the corrected estimate is not positive)
 *
 * @example
 * ```ts
 * import { noiseVarianceRv } from '@x/microstructure';
 * const price = Array.from({ length: 1001 }, (_, i) => 100 * Math.exp(i % 2 ? 1e-4 : -1e-4));
 * console.log(noiseVarianceRv(price).value.toExponential(1)); // 2.0e-8, half of (2e-4)²
 * ```
 */
export function noiseVarianceRv(
  price: ArrayLike<number>,
  options: RvNoiseOptions = {},
): RvNoiseEstimate {
  const corrected = options.biasCorrected ?? false;
  const r = returnsOf(price, options, corrected ? 8 : 2);
  const n = r.length;
  let rv = 0;
  let r4 = 0;
  for (let i = 0; i < n; i++) {
    const q = r[i]! * r[i]!;
    rv += q;
    r4 += q * q;
  }
  if (!corrected) {
    const w2 = rv / (2 * n);
    const e4 = Math.max(r4 / (2 * n) - 3 * w2 * w2, w2 * w2);
    return {
      ...estimate(w2, Math.sqrt(e4 / n), n),
      biasCorrection: 0,
      integratedVariance: undefined,
    };
  }
  const t = tsrvOfReturns(r, options.subsamples);
  const iv = Math.max(t.value, 0);
  if (!(rv > iv)) {
    throw new ValidationError(
      `RV = ${rv} <= TSRV = ${iv}: no microstructure noise is detectable at this frequency, the bias-corrected noise variance is not positive`,
      { field: 'price', details: { rv, tsrv: iv } },
    );
  }
  const w2 = (rv - iv) / (2 * n);
  const step = iv / n;
  const e4 = Math.max(r4 / (2 * n) - 3 * w2 * w2 - 6 * w2 * step - 1.5 * step * step, w2 * w2);
  const K = t.subsamples;
  const variance =
    (4 * n * e4 + 8 * w2 * iv + (8 * n * w2 * w2) / K + t.stdError * t.stdError) / (4 * n * n);
  return {
    ...estimate(w2, Math.sqrt(variance), n),
    biasCorrection: iv / (2 * n),
    integratedVariance: iv,
  };
}

/** Result of {@link noiseVarianceAutocov}. */
export interface AutocovNoiseEstimate {
  /** The first-order autocovariance γ̂₁ = (1/(n−1)) Σ r_i r_{i−1}. */
  readonly autocovariance: number;
  /** Standard error of γ̂₁ (2-dependent long-run variance of r_i r_{i−1}). */
  readonly stdError: number;
  /** Returns used. */
  readonly n: number;
  /**
   * ω̂² = −γ̂₁ when γ̂₁ < 0, else `undefined`: a positive autocovariance is not iid noise, and the
   * estimate is reported as undefined rather than as 0 or |γ̂₁|.
   */
  readonly noiseVariance: number | undefined;
  /** Two-sided normal interval of ω² = −γ₁ (undefined with noiseVariance). */
  confidenceInterval(level?: number): [number, number] | undefined;
}

/**
 * Noise variance from the first-order autocovariance of returns: under iid noise
 * r_i = (X_{t_i} − X_{t_{i−1}}) + ε_i − ε_{i−1}, so Cov(r_i, r_{i−1}) = −ω² (Roll 1984; ZMA 2005,
 * §1), unbiased in the efficient-price part. γ̂₁ = (1/(n−1)) Σ_{i≥2} r_i r_{i−1} (not demeaned:
 * high-frequency returns have mean ≈ 0). The products r_i r_{i−1} are 2-dependent, so the
 * standard error uses their autocovariances up to lag 2 (truncated-kernel long-run variance).
 *
 * @param price - observed prices in time order
 * @param options - `log` (default true)
 * @returns γ̂₁, ω̂² (or undefined when γ̂₁ ≥ 0) and the standard error
 * @throws `ValidationError` on fewer than 5 prices, NaN, a price <= 0 with `log`, or constant prices
 *
 * @example
 * ```ts
 * import { noiseVarianceAutocov } from '@x/microstructure';
 * const price = Array.from({ length: 1001 }, (_, i) => 100 + (i % 2 ? 0.01 : -0.01));
 * console.log(noiseVarianceAutocov(price, { log: false }).noiseVariance?.toExponential(1)); // 4.0e-4
 * ```
 */
export function noiseVarianceAutocov(
  price: ArrayLike<number>,
  options: NoiseOptions = {},
): AutocovNoiseEstimate {
  const r = returnsOf(price, options, 4);
  const n = r.length;
  const m = n - 1;
  let s = 0;
  for (let i = 1; i < n; i++) s += r[i]! * r[i - 1]!;
  const g1 = s / m;
  // long-run variance of z_i = r_i r_{i−1} (2-dependent), lags 0..2
  const acf = [0, 0, 0];
  for (let lag = 0; lag <= 2; lag++) {
    let c = 0;
    for (let i = 1 + lag; i < n; i++)
      c += (r[i]! * r[i - 1]! - g1) * (r[i - lag]! * r[i - lag - 1]! - g1);
    acf[lag] = c / m;
  }
  const lrv = Math.max(acf[0]! + 2 * acf[1]! + 2 * acf[2]!, acf[0]!);
  const se = Math.sqrt(lrv / m);
  const defined = g1 < 0;
  return {
    autocovariance: g1,
    stdError: se,
    n,
    noiseVariance: defined ? -g1 : undefined,
    confidenceInterval(level = 0.95) {
      if (!defined) return undefined;
      return estimate(-g1, se, n).confidenceInterval(level);
    },
  };
}

/** Options of {@link tsrv}. */
export interface TsrvOptions extends NoiseOptions {
  /**
   * K, the number of subsampling grids (integer in [2, n/2]). Default: ZMA's optimal
   * K* = c*·n^{2/3}, c* = (12 ω⁴ / (T∫σ⁴))^{1/3}, with ω̂² = RV/2n and T∫σ⁴ estimated from the
   * sparse returns of a pilot K₀ = ⌈n^{2/3}⌉ (see {@link Tsrv.quarticity}).
   */
  readonly subsamples?: number;
}

/** Result of {@link tsrv}. */
export interface Tsrv extends NoiseEstimate {
  /** TSRV before the small-sample factor: RV_avg − (n̄/n) RV_all. */
  readonly unadjusted: number;
  /** RV_avg^(K) = (1/K) Σ_k RV^(k), the average of the K sparse realized variances. */
  readonly rvAverage: number;
  /** RV over all n returns. */
  readonly rvAll: number;
  /** K. */
  readonly subsamples: number;
  /** n̄ = (n − K + 1)/K. */
  readonly nBar: number;
  /** ω̂² = RV_all / (2n). */
  readonly noiseVariance: number;
  /**
   * T∫σ⁴ behind the standard error: mean over the K grids of (m_k/3) Σ ê⁴, the K-step returns'
   * fourth powers corrected for the noise they carry (ê⁴ = s⁴ − 12ω̂²s² + 18ω̂⁴ − 2Eε⁴), floored
   * at TSRV² (Cauchy-Schwarz).
   */
  readonly quarticity: number;
}

/**
 * Two-scale realized variance (ZMA 2005, eqs. 1.4–1.6 and §4.2): with RV^(k) the realized
 * variance on the sparse grid k, k + K, k + 2K, …,
 *
 *   TSRV = (1 − n̄/n)⁻¹ · (RV_avg^(K) − (n̄/n) RV_all),   n̄ = (n − K + 1)/K,
 *
 * the small-sample adjusted estimator of the integrated variance of the efficient price. Its
 * standard error is from ZMA's Theorem 4, Var ≈ 8ω⁴n/K² + (4/3)(K/n)·T∫σ⁴, with ω̂² = RV_all/2n
 * and the noise-corrected sparse-grid quarticity (see {@link Tsrv.quarticity}).
 *
 * @param price - observed prices in time order, at the highest frequency
 * @param options - `log`, `subsamples`
 * @returns TSRV with its components and standard error
 * @throws `ValidationError` on fewer than 9 prices, NaN, a price <= 0 with `log`, constant
 *   prices, or K outside [2, n/2]
 *
 * @example
 * ```ts
 * import { tsrv } from '@x/microstructure';
 * let x = Math.log(100);
 * let s = 3;
 * const u = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
 * const price = Array.from({ length: 20001 }, () => {
 *   x += 1e-4 * u(); // efficient: variance 1e-8/12 per step
 *   return Math.exp(x + 5e-4 * u());
 * });
 * console.log(tsrv(price).value.toExponential(1)); // 1.7e-5 (truth 20000 · 1e-8/12 ≈ 1.67e-5)
 * ```
 */
export function tsrv(price: ArrayLike<number>, options: TsrvOptions = {}): Tsrv {
  return tsrvOfReturns(returnsOf(price, options, 8), options.subsamples);
}

/** TSRV of validated returns (n >= 8), K given or ZMA's optimal K. */
function tsrvOfReturns(r: Float64Array, subsamples: number | undefined): Tsrv {
  const n = r.length;
  let rvAll = 0;
  for (let i = 0; i < n; i++) rvAll += r[i]! * r[i]!;
  const w2 = rvAll / (2 * n);
  const e4 = noiseFourthMoment(r, w2);
  let K = subsamples;
  if (K === undefined) {
    const k0 = Math.min(Math.floor(n / 2), Math.max(2, Math.ceil(n ** (2 / 3))));
    const q0 = sparse(r, k0, w2, e4).quarticity;
    const c = q0 > 0 ? Math.cbrt((12 * w2 * w2) / q0) : 1;
    K = Math.min(Math.floor(n / 2), Math.max(2, Math.round(c * n ** (2 / 3))));
  } else if (!(Number.isInteger(K) && K >= 2 && K <= n / 2)) {
    throw new ValidationError(`subsamples must be an integer in [2, n/2] (n = ${n})`, {
      field: 'subsamples',
      value: K,
    });
  }
  const sp = sparse(r, K, w2, e4);
  const rvAverage = sp.rvAverage;
  const nBar = (n - K + 1) / K;
  const unadjusted = rvAverage - (nBar / n) * rvAll;
  const value = unadjusted / (1 - nBar / n);
  // T∫σ⁴ ≥ (∫σ²)² (Cauchy-Schwarz, T = 1): the floor when the noise correction overshoots
  const quarticity = Math.max(sp.quarticity, value > 0 ? value * value : 0);
  const variance = (8 * w2 * w2 * n) / (K * K) + ((4 / 3) * K * quarticity) / n;
  const e = estimate(value, Math.sqrt(variance), n);
  return {
    ...e,
    confidenceInterval: e.confidenceInterval,
    unadjusted,
    rvAverage,
    rvAll,
    subsamples: K,
    nBar,
    noiseVariance: w2,
    quarticity,
  };
}

/**
 * Sparse realized variances RV_avg = (1/K) Σ_k Σ_j s_{k,j}², s the K-step returns of grid k, and
 * the noise-corrected sparse quarticity: mean over grids of (m_k/3) Σ_j ê⁴ with
 * ê⁴ = s⁴ − 12ω²s² + 18ω⁴ − 2Eε⁴ (unbiased for the efficient part e⁴ when s = e + ε_b − ε_a).
 */
function sparse(
  r: Float64Array,
  K: number,
  w2: number,
  e4: number,
): { rvAverage: number; quarticity: number } {
  const n = r.length;
  // c[i] = Y_i − Y_0, so the K-step return from a is c[a + K] − c[a]
  const c = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) c[i + 1] = c[i]! + r[i]!;
  let rvSum = 0;
  let qSum = 0;
  for (let k = 0; k < K; k++) {
    let rv = 0;
    let r4 = 0;
    let m = 0;
    for (let a = k; a + K <= n; a += K) {
      const d = c[a + K]! - c[a]!;
      const d2 = d * d;
      rv += d2;
      r4 += d2 * d2;
      m++;
    }
    rvSum += rv;
    qSum += (m / 3) * (r4 - 12 * w2 * rv + m * (18 * w2 * w2 - 2 * e4));
  }
  return { rvAverage: rvSum / K, quarticity: qSum / K };
}

/** Eε⁴ ≈ (1/2n) Σ r⁴ − 3ω̂⁴, floored at ω̂⁴ (ZMA 2005, §2). */
function noiseFourthMoment(r: Float64Array, w2: number): number {
  let r4 = 0;
  for (let i = 0; i < r.length; i++) r4 += r[i]! ** 4;
  return Math.max(r4 / (2 * r.length) - 3 * w2 * w2, w2 * w2);
}

/** Options of {@link optimalSamplingFrequency}. */
export interface OptimalSamplingOptions extends NoiseOptions {
  /**
   * Sparse returns used to estimate the quarticity Q (default 26: 15-minute returns over a
   * 6.5-hour session, as Bandi and Russell do).
   */
  readonly quarticityReturns?: number;
}

/** Result of {@link optimalSamplingFrequency}. */
export interface OptimalSampling {
  /** M*, the MSE-optimal number of returns over the sample. */
  readonly returns: number;
  /** n / M*: sample every this many observations (round it to use it). */
  readonly every: number;
  /** α̂ = E ε_r² = RV_all / n, the second moment of the noise in returns (= 2ω²). */
  readonly noiseReturnVariance: number;
  /** Q̂ = (m/3) Σ r_m⁴ over the m sparse returns. */
  readonly quarticity: number;
}

/**
 * Bandi and Russell's MSE-optimal sampling frequency for realized variance (Bandi and Russell
 * 2008, "Microstructure noise, realized variance, and optimal sampling", Rev. Economic Studies
 * 75(2), eq. 22): MSE(RV_M) ≈ 2Q/M + M²α², minimised at
 *
 *   M* ≈ (Q / α²)^{1/3},
 *
 * with α = E(ε_r²) the second moment of the noise in returns (ε_r = ε_i − ε_{i−1}, α = 2ω²),
 * estimated by the mean squared return at the highest frequency, and Q = T∫σ⁴ estimated by
 * (m/3) Σ r⁴ over m low-frequency returns.
 *
 * @param price - observed prices of one period (a session), in time order
 * @param options - `log`, `quarticityReturns`
 * @returns M*, the implied step and the two ingredients
 * @throws `ValidationError` on NaN, prices <= 0 with `log`, constant prices, fewer prices than
 *   twice `quarticityReturns`
 *
 * @example
 * ```ts
 * import { optimalSamplingFrequency } from '@x/microstructure';
 * let x = 0;
 * let s = 5;
 * const u = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
 * const price = Array.from({ length: 23401 }, () => Math.exp((x += 2e-4 * u()) + 2e-4 * u()));
 * const o = optimalSamplingFrequency(price);
 * console.log(o.returns > 26 && o.returns < 23400, Math.round(o.every)); // true, a few steps
 * ```
 */
export function optimalSamplingFrequency(
  price: ArrayLike<number>,
  options: OptimalSamplingOptions = {},
): OptimalSampling {
  const m = options.quarticityReturns ?? 26;
  if (!(Number.isInteger(m) && m >= 2)) {
    throw new ValidationError('quarticityReturns must be an integer >= 2', {
      field: 'quarticityReturns',
      value: m,
    });
  }
  const r = returnsOf(price, options, 2 * m);
  const n = r.length;
  let rvAll = 0;
  for (let i = 0; i < n; i++) rvAll += r[i]! * r[i]!;
  const alpha = rvAll / n;
  // m sparse returns on evenly spaced indices 0 = i_0 < … < i_m = n
  let r4 = 0;
  let a = 0;
  for (let j = 1; j <= m; j++) {
    const b = Math.round((j * n) / m);
    let s = 0;
    for (let i = a; i < b; i++) s += r[i]!;
    r4 += s * s * s * s;
    a = b;
  }
  const q = (m / 3) * r4;
  const M = Math.cbrt(q / (alpha * alpha));
  return { returns: M, every: n / M, noiseReturnVariance: alpha, quarticity: q };
}
