/**
 * Huang and Stoll (1997) decomposition of the bid-ask spread into adverse selection, inventory
 * and order processing, by two-step GMM on the paper's trade-indicator model, in O(n) time and
 * O(1) memory in n.
 *
 * @module
 */
import { assertAllFinite, assertInteger, ValidationError } from '@x/core';
import { Matrix } from 'ml-matrix';
import { chiSquareSurvival } from './internal/chi-square.js';
import { normalQuantile } from './internal/dist.js';
import { choleskyInverse } from './internal/ols.js';

/** An estimate with its standard error and confidence interval. */
export interface Estimate {
  /** Point estimate. */
  readonly value: number;
  /** Asymptotic (GMM sandwich / delta-method) standard error. */
  readonly stdErr: number;
  /** [lo, hi] at the fit's confidence level. */
  readonly interval: readonly [number, number];
}

/** Options of {@link huangStoll}. */
export interface HuangStollOptions {
  /**
   * `'three-way'` (default): the model with serially correlated trades, eqs. (14) and (16),
   * separating α and β. `'two-way'`: the basic model, eq. (5)-(6) of the paper with π = 1/2,
   * estimating only λ = α + β and order processing 1 − λ.
   */
  readonly model?: 'three-way' | 'two-way';
  /**
   * Further lagged trade signs used as instruments beyond the regressors, for over-identifying
   * restrictions (and a meaningful J statistic); 0 gives the exactly identified system. Default 1.
   */
  readonly extraLags?: number;
  /** Newey-West lags of the moments' long-run covariance; default 1 (price discreteness makes e_t MA(1)). */
  readonly hacLags?: number;
  /** Level of the intervals, in (0, 1); default 0.95. */
  readonly confidence?: number;
}

/** The fitted decomposition; component shares are fractions of the spread S. */
export interface HuangStollFit {
  /** Which model was fitted. */
  readonly model: 'three-way' | 'two-way';
  /** Observations in the moments (n − 2 − extraLags three-way, n − 1 − extraLags two-way). */
  readonly nobs: number;
  /** The traded spread S, in price units. */
  readonly spread: Estimate;
  /** λ = α + β, the share of the half-spread that moves the quote midpoint. */
  readonly adverseSelectionPlusInventory: Estimate;
  /** 1 − α − β, the order-processing share. */
  readonly orderProcessing: Estimate;
  /** α, the adverse-selection share (three-way only). */
  readonly adverseSelection: Estimate | undefined;
  /** β, the inventory share (three-way only). */
  readonly inventory: Estimate | undefined;
  /** π, the probability that a trade reverses the previous one's sign (three-way only). */
  readonly reversalProbability: Estimate | undefined;
  /** Hansen's J = T ḡ' Ŝ^−1 ḡ at the second-step estimate (0 when exactly identified). */
  readonly jStatistic: number;
  /** Its degrees of freedom, moments − parameters. */
  readonly jDegreesOfFreedom: number;
  /** P(χ²_df > J); 1 when exactly identified. */
  readonly jPValue: number;
  /** Level of the intervals. */
  readonly confidence: number;
}

/** One pass: Σ w w' for w_t = [ΔP_t, Q_t, Q_{t−1}, …, Q_{t−h}] over t = h … n − 1. */
function crossProducts(price: Float64Array, q: Float64Array, h: number): Matrix {
  const d = h + 2;
  const w = new Float64Array(d);
  const c = new Float64Array(d * d);
  for (let t = h; t < price.length; t++) {
    w[0] = price[t]! - price[t - 1]!;
    for (let l = 0; l <= h; l++) w[l + 1] = q[t - l]!;
    for (let i = 0; i < d; i++) {
      const wi = w[i]!;
      for (let j = i; j < d; j++) c[i * d + j]! += wi * w[j]!;
    }
  }
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) m.set(i, j, c[i * d + j]!).set(j, i, c[i * d + j]!);
  return m;
}

/**
 * The linear moment system ḡ(φ) = m̄ − Ḡ φ. Three-way: φ = (ρ, a, b, c) with ρ = 1 − 2π,
 * a = S/2, b = (λ − 1)S/2, c = −α(S/2)ρ; rows: ε_t = Q_{t−1} − ρQ_{t−2} times Q_{t−2..t−2−x},
 * then e_t = ΔP_t − aQ_t − bQ_{t−1} − cQ_{t−2} times Q_{t..t−2−x}. Two-way: φ = (a, b), rows
 * e_t = ΔP_t − aQ_t − bQ_{t−1} times Q_{t..t−1−x}. Column index of Q_{t−l} in w is l + 1.
 */
interface MomentSystem {
  readonly rows: readonly { readonly eq: 'A' | 'B'; readonly lag: number }[];
  readonly params: number;
}

function system(threeWay: boolean, extra: number): MomentSystem {
  const rows: { eq: 'A' | 'B'; lag: number }[] = [];
  if (threeWay) {
    for (let l = 2; l <= 2 + extra; l++) rows.push({ eq: 'A', lag: l });
    for (let l = 0; l <= 2 + extra; l++) rows.push({ eq: 'B', lag: l });
  } else {
    for (let l = 0; l <= 1 + extra; l++) rows.push({ eq: 'B', lag: l });
  }
  return { rows, params: threeWay ? 4 : 2 };
}

/** m̄ and Ḡ from the cross-products (divided by T). */
function meanMoments(sys: MomentSystem, c: Matrix, t: number, threeWay: boolean) {
  const l = sys.rows.length;
  const m = new Matrix(l, 1);
  const g = new Matrix(l, sys.params);
  sys.rows.forEach((row, i) => {
    const z = row.lag + 1;
    if (row.eq === 'A') {
      m.set(i, 0, c.get(2, z) / t); // Q_{t−1} z
      g.set(i, 0, c.get(3, z) / t); // Q_{t−2} z
    } else {
      m.set(i, 0, c.get(0, z) / t); // ΔP_t z
      const off = threeWay ? 1 : 0;
      for (let k = 0; k < sys.params - off; k++) g.set(i, off + k, c.get(1 + k, z) / t);
    }
  });
  return { m, g };
}

/** Newey-West long-run covariance of g_t(φ) over the sample: a second O(n·L²·hac) pass. */
function hacCovariance(
  price: Float64Array,
  q: Float64Array,
  h: number,
  sys: MomentSystem,
  phi: Matrix,
  threeWay: boolean,
  hac: number,
): Matrix {
  const l = sys.rows.length;
  const isA = Uint8Array.from(sys.rows, (r) => (r.eq === 'A' ? 1 : 0));
  const lagOf = Int32Array.from(sys.rows, (r) => r.lag);
  const ring = new Float64Array((hac + 1) * l);
  const s = new Float64Array((hac + 1) * l * l);
  const [rho, a, b, c] = threeWay
    ? [phi.get(0, 0), phi.get(1, 0), phi.get(2, 0), phi.get(3, 0)]
    : [0, phi.get(0, 0), phi.get(1, 0), 0];
  let count = 0;
  for (let t = h; t < price.length; t++) {
    const eps = q[t - 1]! - rho * q[Math.max(t - 2, 0)]!;
    const e =
      price[t]! - price[t - 1]! - a * q[t]! - b * q[t - 1]! - (threeWay ? c * q[t - 2]! : 0);
    const slot = (count % (hac + 1)) * l;
    for (let i = 0; i < l; i++) ring[slot + i] = (isA[i] === 1 ? eps : e) * q[t - lagOf[i]!]!;
    for (let lag = 0; lag <= hac && lag <= count; lag++) {
      const prev = ((count - lag) % (hac + 1)) * l;
      const base = lag * l * l;
      for (let i = 0; i < l; i++) {
        const gi = ring[slot + i]!;
        for (let j = 0; j < l; j++) s[base + i * l + j]! += gi * ring[prev + j]!;
      }
    }
    count++;
  }
  const out = new Matrix(l, l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j < l; j++) {
      let v = s[i * l + j]!;
      for (let lag = 1; lag <= hac; lag++) {
        const wgt = 1 - lag / (hac + 1);
        v += wgt * (s[lag * l * l + i * l + j]! + s[lag * l * l + j * l + i]!);
      }
      out.set(i, j, v / count);
    }
  }
  return out;
}

/** Inverse of a symmetric positive definite matrix, refusing a singular one (internal/ols.ts). */
function spdInverse(m: Matrix, what: string): Matrix {
  const k = m.rows;
  return Matrix.from1DArray(k, k, choleskyInverse(Float64Array.from(m.to1DArray()), k, what));
}

/**
 * Estimates the Huang and Stoll (1997) spread components from trade prices and trade signs.
 *
 * Model (Huang and Stoll 1997, section 2.3): Q_t ∈ {−1, 0, +1} is the trade indicator (+1 a
 * buyer-initiated trade, at the ask; −1 seller-initiated, at the bid; 0 at the midpoint), π the
 * probability that a trade reverses the previous one's sign, so E[Q_{t−1} | Q_{t−2}] = (1 − 2π)
 * Q_{t−2} (eq. 14), and the trade-price change from trade t − 1 to t, in price units, is
 *
 *   ΔP_t = (S/2) Q_t + (α + β − 1)(S/2) Q_{t−1} − α (S/2)(1 − 2π) Q_{t−2} + e_t   (eq. 16).
 *
 * α is the adverse-selection share of the spread S, β the inventory share, 1 − α − β order
 * processing. Both equations are estimated jointly by two-step efficient GMM (Hansen 1982):
 * the residual of eq. (14) is orthogonal to Q_{t−2} (and `extraLags` further lags), the
 * residual of eq. (16) to Q_t, Q_{t−1}, Q_{t−2} (and the further lags). The moments are linear
 * in φ = (1 − 2π, S/2, (α + β − 1)S/2, −α(S/2)(1 − 2π)), a one-to-one reparameterisation, so each
 * step is a closed-form weighted least squares, the first weighted by the inverse instrument
 * moments and the second by the inverse Newey-West covariance of the first step's moments; the
 * component shares and their standard errors follow by the delta method (GMM is invariant to
 * the reparameterisation). J is Hansen's over-identification statistic at the second step.
 * The two-way model is the special case π = 1/2 (eq. 6: ΔP_t = (S/2)Q_t + (λ − 1)(S/2)Q_{t−1}
 * + e_t), which identifies only λ = α + β.
 *
 * @param price - trade prices in time order
 * @param sides - trade signs, +1 buyer-initiated, −1 seller-initiated, 0 at the midpoint
 * @param options - model, instruments, HAC lags, interval level
 * @returns S, the component shares with standard errors and intervals, and J
 * @throws `ValidationError` on unequal lengths, NaN prices, signs outside {−1, 0, 1},
 *   too few trades, prices that never change, constant trade signs (singular design), and,
 *   three-way, serially uncorrelated signs (π = 1/2, where α and β are not separately
 *   identified: use the two-way model)
 *
 * @example
 * ```ts
 * import { huangStoll } from '@x/microstructure';
 * // a trade-sign chain that continues 70% of the time, S = 0.10, α = 0.3, β = 0.2
 * const q: number[] = [1, 1];
 * const p: number[] = [100.05, 100.05];
 * let v = 100;
 * let inv = 0;
 * for (let t = 2; t < 20000; t++) {
 *   const u = Math.abs(Math.sin(t * 12.9898) * 43758.5453) % 1;
 *   q.push(u < 0.7 ? q[t - 1]! : -q[t - 1]!);
 *   v += 0.3 * 0.05 * (q[t - 1]! - 0.4 * q[t - 2]!) + 0.01 * Math.sin(t * 7.77);
 *   inv += q[t - 1]!;
 *   p.push(v + 0.2 * 0.05 * inv + 0.05 * q[t]!);
 * }
 * const fit = huangStoll(p, q);
 * console.log(fit.adverseSelection?.value, fit.inventory?.value, fit.jStatistic);
 * ```
 */
export function huangStoll(
  price: ArrayLike<number>,
  sides: ArrayLike<number>,
  options: HuangStollOptions = {},
): HuangStollFit {
  const model = options.model ?? 'three-way';
  if (model !== 'three-way' && model !== 'two-way') {
    throw new ValidationError("model must be 'three-way' or 'two-way'", { field: 'model' });
  }
  const threeWay = model === 'three-way';
  const extra = options.extraLags ?? 1;
  assertInteger(extra, 'extraLags', 0, 20);
  const hac = options.hacLags ?? 1;
  assertInteger(hac, 'hacLags', 0, 100);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new ValidationError('confidence must be in (0, 1)', {
      field: 'confidence',
      value: confidence,
    });
  }
  if (price.length !== sides.length) {
    throw new ValidationError(`${price.length} prices but ${sides.length} trade signs`, {
      field: 'sides',
    });
  }
  assertAllFinite(price, 'price');
  const h = (threeWay ? 2 : 1) + extra;
  const sys = system(threeWay, extra);
  const minTrades = h + 1 + 10 * sys.rows.length;
  if (price.length < minTrades) {
    throw new ValidationError(`too few trades: ${price.length}, need at least ${minTrades}`, {
      field: 'price',
      value: price.length,
    });
  }
  const p = price instanceof Float64Array ? price : Float64Array.from(price);
  const q = Float64Array.from(sides);
  for (let i = 0; i < q.length; i++) {
    const s = q[i]!;
    if (s !== 1 && s !== -1 && s !== 0) {
      throw new ValidationError(`sides[${i}] must be -1, 0 or 1`, {
        field: `sides[${i}]`,
        value: s,
      });
    }
  }
  const c = crossProducts(p, q, h);
  const t = p.length - h;
  if (!(c.get(0, 0) > 0)) {
    throw new ValidationError('trade prices never change (zero variance)', { field: 'price' });
  }
  const { m, g } = meanMoments(sys, c, t, threeWay);
  // step 1: W = blockdiag of inverse instrument moments
  const l = sys.rows.length;
  const zz = new Matrix(l, l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j < l; j++) {
      if (sys.rows[i]!.eq === sys.rows[j]!.eq)
        zz.set(i, j, c.get(sys.rows[i]!.lag + 1, sys.rows[j]!.lag + 1) / t);
    }
  }
  const solve = (w: Matrix) => {
    const gw = g.transpose().mmul(w);
    const info = gw.mmul(g);
    const infoInv = spdInverse(info, 'Huang-Stoll moment Jacobian (trade signs)');
    return { phi: infoInv.mmul(gw.mmul(m)), infoInv };
  };
  const w1 = spdInverse(zz, 'Huang-Stoll instrument moments (trade signs)');
  const step1 = solve(w1);
  const sHat = hacCovariance(p, q, h, sys, step1.phi, threeWay, hac);
  const w2 = spdInverse(sHat, 'Huang-Stoll moment covariance');
  const { phi, infoInv } = solve(w2);
  const gbar = m.sub(g.mmul(phi));
  const jStatistic = l > sys.params ? t * gbar.transpose().mmul(w2).mmul(gbar).get(0, 0) : 0;
  const jDegreesOfFreedom = l - sys.params;
  const covPhi = infoInv.div(t);
  return structural(phi, covPhi, threeWay, {
    model,
    nobs: t,
    jStatistic,
    jDegreesOfFreedom,
    jPValue: jDegreesOfFreedom > 0 ? chiSquareSurvival(jStatistic, jDegreesOfFreedom) : 1,
    confidence,
  });
}

/** Structural parameters and their delta-method errors from φ and Cov(φ). */
function structural(
  phi: Matrix,
  cov: Matrix,
  threeWay: boolean,
  rest: Pick<
    HuangStollFit,
    'model' | 'nobs' | 'jStatistic' | 'jDegreesOfFreedom' | 'jPValue' | 'confidence'
  >,
): HuangStollFit {
  const off = threeWay ? 1 : 0;
  const rho = threeWay ? phi.get(0, 0) : 0;
  const a = phi.get(off, 0);
  const b = phi.get(off + 1, 0);
  const c = threeWay ? phi.get(3, 0) : 0;
  if (!(Math.abs(a) > 0)) {
    throw new ValidationError(
      'the trade-sign coefficient S/2 is zero: prices do not respond to trades',
      {
        field: 'price',
      },
    );
  }
  if (threeWay && !(Math.abs(rho) > 1e-8)) {
    throw new ValidationError(
      'trade signs are serially uncorrelated (π = 1/2): α and β are not separately identified; use the two-way model',
      { field: 'sides' },
    );
  }
  const z = normalQuantile(0.5 + rest.confidence / 2);
  const est = (value: number, grad: number[]): Estimate => {
    const gm = Matrix.rowVector(grad);
    const se = Math.sqrt(Math.max(0, gm.mmul(cov).mmul(gm.transpose()).get(0, 0)));
    return { value, stdErr: se, interval: [value - z * se, value + z * se] };
  };
  const lambda = 1 + b / a;
  // gradients with respect to φ = (ρ, a, b, c) (three-way) or (a, b) (two-way)
  const pad = (g: number[]) => (threeWay ? g : g.slice(1, 3));
  const gLambda = [0, -b / (a * a), 1 / a, 0];
  const spread = est(2 * a, pad([0, 2, 0, 0]));
  const adverseSelectionPlusInventory = est(lambda, pad(gLambda));
  const orderProcessing = est(1 - lambda, pad(gLambda.map((x) => -x)));
  if (!threeWay) {
    return {
      ...rest,
      spread,
      adverseSelectionPlusInventory,
      orderProcessing,
      adverseSelection: undefined,
      inventory: undefined,
      reversalProbability: undefined,
    };
  }
  const alpha = -c / (a * rho);
  const gAlpha = [c / (a * rho * rho), c / (a * a * rho), 0, -1 / (a * rho)];
  return {
    ...rest,
    spread,
    adverseSelectionPlusInventory,
    orderProcessing,
    adverseSelection: est(alpha, gAlpha),
    inventory: est(
      lambda - alpha,
      gLambda.map((x, i) => x - gAlpha[i]!),
    ),
    reversalProbability: est((1 - rho) / 2, [-0.5, 0, 0, 0]),
  };
}
