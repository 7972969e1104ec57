/**
 * Hasbrouck (1991) VAR of quote revisions and signed trades, and the permanent price impact of a
 * trade as the cumulative impulse response of the price to a trade innovation.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { normalInterval } from './internal/dist.js';
import { choleskySolve } from './internal/ols.js';
import { fitVar, maRep, selectVarOrder, type VarFit } from './internal/var.js';

/** Options of {@link hasbrouckVar}. */
export interface HasbrouckVarOptions {
  /**
   * Lag order p (integer >= 1), or `'aic'` / `'bic'` to choose it by statsmodels'
   * `select_order` over 1 … maxLags (default 5).
   */
  readonly lags?: number | 'aic' | 'bic';
  /** Largest order tried when `lags` is a criterion (default 10). */
  readonly maxLags?: number;
  /** Horizon of the reported impulse responses, in trades (default 50). */
  readonly horizon?: number;
}

/** The structural return equation r_t = c + b₀x_t + Σ aᵢr_{t−i} + Σ bᵢx_{t−i} + v_{1,t}. */
export interface HasbrouckReturnEquation {
  /** c. */
  readonly intercept: number;
  /** b₀, the immediate impact of a unit trade. */
  readonly contemporaneousTrade: number;
  /** a_1 … a_p. */
  readonly returnLags: Float64Array;
  /** b_1 … b_p. */
  readonly tradeLags: Float64Array;
  /** Var(v₁). */
  readonly innovationVariance: number;
}

/** The trade equation x_t = d + Σ cᵢr_{t−i} + Σ dᵢx_{t−i} + v_{2,t}. */
export interface HasbrouckTradeEquation {
  /** d. */
  readonly intercept: number;
  /** c_1 … c_p. */
  readonly returnLags: Float64Array;
  /** d_1 … d_p. */
  readonly tradeLags: Float64Array;
  /** Var(v₂). */
  readonly innovationVariance: number;
}

/** Result of {@link hasbrouckVar}. */
export interface HasbrouckVar {
  /** Lag order used. */
  readonly lags: number;
  /** Observations used (rows after the first p). */
  readonly nobs: number;
  /** The return equation, with the contemporaneous trade. */
  readonly returnEquation: HasbrouckReturnEquation;
  /** The trade equation. */
  readonly tradeEquation: HasbrouckTradeEquation;
  /**
   * Permanent price impact of a unit trade innovation: Σ_{h≥0} ∂r_{t+h}/∂v_{2,t}, the long-run
   * limit, computed exactly as [(I − A(1))⁻¹ (1, b₀)']_r.
   */
  readonly permanentImpact: number;
  /**
   * Delta-method standard error of {@link HasbrouckVar.permanentImpact} (see
   * {@link hasbrouckVar}).
   */
  readonly permanentImpactStdError: number;
  /**
   * Two-sided normal confidence interval of the permanent impact from its standard error.
   * @param level - coverage in (0, 1), default 0.95
   * @returns [low, high]
   * @throws `ValidationError` unless level is in (0, 1)
   */
  permanentImpactInterval(level?: number): [number, number];
  /** Response of r_{t+h} to a unit trade innovation, h = 0 … horizon. */
  readonly impulse: Float64Array;
  /** Cumulative response Σ_{j≤h} impulse[j] (converges to permanentImpact). */
  readonly cumulativeImpulse: Float64Array;
  /**
   * Share of the efficient price variance explained by trades (Hasbrouck 1991, §III):
   * permanentImpact²·Var(v₂) / σ²_w with σ²_w = a Σ_u a', a the long-run row of returns.
   */
  readonly tradeCorrelatedShare: number;
  /** Variance of the efficient price per trade, σ²_w. */
  readonly efficientVariance: number;
  /**
   * The reduced-form VAR of y_t = (x_t, r_t) in statsmodels' layout (trades first):
   * `params` ((1 + 2p) × 2), residual covariance `sigmaU` (2×2) and MA matrices
   * `irfs` ((horizon + 1) × 2 × 2), which match `VAR(y).fit(p)` and its `irf(horizon).irfs`.
   */
  readonly reducedForm: {
    /** statsmodels' `params`: (1 + 2p) × 2, row-major, intercept row first. */
    readonly params: Float64Array;
    /** Residual covariance Σ_u (2×2, degrees-of-freedom adjusted), trades first. */
    readonly sigmaU: Float64Array;
    /** MA matrices Φ_0 … Φ_horizon, (horizon + 1) × 2 × 2. */
    readonly irfs: Float64Array;
  };
  /** Information criteria per order tried, when `lags` was a criterion. */
  readonly lagSelection?: {
    /** AIC per order 0 … maxLags (as statsmodels' `select_order`). */
    readonly aic: Float64Array;
    /** BIC per order 0 … maxLags. */
    readonly bic: Float64Array;
  };
}

/**
 * Hasbrouck's (1991) VAR ("Measuring the information content of stock trades", J. Finance
 * 46(1), eqs. 1–2): with r_t the quote revision following trade t and x_t its signed size,
 *
 *   r_t = Σ_{i=1}^p aᵢr_{t−i} + Σ_{i=0}^p bᵢx_{t−i} + v_{1,t}
 *   x_t = Σ_{i=1}^p cᵢr_{t−i} + Σ_{i=1}^p dᵢx_{t−i} + v_{2,t}
 *
 * (plus intercepts), the return equation including the contemporaneous trade. The permanent
 * impact of a trade is the cumulative response of the price to a unit innovation v₂ (§II.B).
 *
 * It is estimated as the reduced-form VAR of (x_t, r_t) by OLS (exactly statsmodels'
 * `VAR(...).fit(p, trend='c')`), from which the structural form is exact: with the Cholesky
 * ordering trades first, b₀ = Σ_rx/Σ_xx and the orthogonalised trade shock is v₂; the return
 * equation's OLS coefficients coincide with those of regressing r_t on x_t and the lags.
 *
 * Conventions: event time (one row per trade); r_t is the change in the (log or level) midquote
 * from before trade t to before trade t + 1, in whatever unit it is passed (impact is in that
 * unit per unit of x); x_t is the signed trade (+1/−1 or signed size; buyer-initiated positive).
 *
 * Standard error of the permanent impact θ = a·s, a = e_r'(I − A(1))⁻¹, s = (1, b₀)': the delta
 * method (Lütkepohl 2005, §3.7.1, Proposition 3.6 for the long-run effects (I − A(1))⁻¹) with the
 * analytic gradient ∂θ/∂A_l[i][j] = a_i·w_j for every lag l, w = (I − A(1))⁻¹s, and
 * ∂θ/∂b₀ = a_r. With the reduced-form slopes' covariance Σ_u ⊗ (Z'Z)⁻¹ (statsmodels
 * `cov_params`) the first part is (aΣ_u a')·h'(Z'Z)⁻¹h, h the design-row vector holding w_j at
 * every lag of variable j (0 at the intercept); b₀ is the OLS slope of the structural return
 * equation, with variance Var(v₁)/Σ(x_t − E[x_t | past])² (Frisch–Waugh), asymptotically
 * uncorrelated with the reduced-form slopes. Var θ̂ = (aΣ_u a')·h'(Z'Z)⁻¹h + a_r²·Var b̂₀.
 *
 * @param returns - r_t per trade
 * @param trades - x_t per trade
 * @param options - lag order or criterion, horizon
 * @returns the structural equations, permanent impact, impulse responses, reduced form
 * @throws `ValidationError` on unequal lengths, NaN or Infinity, too few trades for the order,
 *   unsigned trades (no negative x), a constant series (singular design), or |r| > 1 (prices
 *   passed instead of returns)
 *
 * @example
 * ```ts
 * import { hasbrouckVar } from '@x/microstructure';
 * const n = 2000;
 * const x = new Float64Array(n);
 * const r = new Float64Array(n);
 * let s = 7;
 * const u = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
 * for (let t = 0; t < n; t++) {
 *   x[t] = u() > 0 ? 1 : -1;
 *   r[t] = 0.02 * x[t] + 0.01 * (t > 0 ? x[t - 1] : 0) + 0.01 * u();
 * }
 * const fit = hasbrouckVar(r, x, { lags: 2 });
 * console.log(fit.permanentImpact.toFixed(2)); // ~0.03
 * ```
 */
export function hasbrouckVar(
  returns: ArrayLike<number>,
  trades: ArrayLike<number>,
  options: HasbrouckVarOptions = {},
): HasbrouckVar {
  const n = returns.length;
  if (trades.length !== n) {
    throw new ValidationError('returns and trades must have equal lengths', {
      field: 'trades',
      details: { returns: n, trades: trades.length },
    });
  }
  const horizon = options.horizon ?? 50;
  if (!(Number.isInteger(horizon) && horizon >= 0)) {
    throw new ValidationError('horizon must be an integer >= 0', {
      field: 'horizon',
      value: horizon,
    });
  }
  const data = new Float64Array(2 * n);
  let neg = false;
  for (let t = 0; t < n; t++) {
    const x = trades[t]!;
    const r = returns[t]!;
    if (!Number.isFinite(x) || !Number.isFinite(r)) {
      throw new ValidationError(`observation ${t} is NaN or infinite`, {
        field: Number.isFinite(x) ? 'returns' : 'trades',
        details: { index: t },
      });
    }
    if (Math.abs(r) > 1) {
      throw new ValidationError(
        `returns[${t}] = ${r}: a quote revision beyond ±1 per trade means prices were passed, not returns`,
        { field: 'returns', value: r, details: { index: t } },
      );
    }
    if (x < 0) neg = true;
    data[2 * t] = x;
    data[2 * t + 1] = r;
  }
  if (!neg) {
    throw new ValidationError(
      'trades has no negative value: trades must be signed (buyer-initiated positive, seller-initiated negative)',
      { field: 'trades' },
    );
  }
  let p: number;
  let lagSelection: HasbrouckVar['lagSelection'];
  const lags = options.lags ?? 5;
  if (lags === 'aic' || lags === 'bic') {
    const maxLags = options.maxLags ?? 10;
    const sel = selectVarOrder(data, n, 2, maxLags, 'c');
    // the structural model needs at least one lag
    p = Math.max(1, sel.selected[lags]);
    lagSelection = { aic: sel.aic, bic: sel.bic };
  } else {
    if (!(Number.isInteger(lags) && lags >= 1)) {
      throw new ValidationError("lags must be an integer >= 1, 'aic' or 'bic'", {
        field: 'lags',
        value: lags,
      });
    }
    p = lags;
  }
  const fit = fitVar(data, n, 2, p, { what: 'Hasbrouck VAR (trades, returns)' });
  return structural(fit, horizon, lagSelection);
}

function structural(
  fit: VarFit,
  horizon: number,
  lagSelection: HasbrouckVar['lagSelection'],
): HasbrouckVar {
  const { p, coefs, sigmaU, intercept } = fit;
  // variables: 0 = trade x, 1 = return r
  const sxx = sigmaU[0]!;
  const srx = sigmaU[2]!;
  const srr = sigmaU[3]!;
  if (!(sxx > 0 && srr * sxx - srx * srx > 0)) {
    throw new ValidationError(
      'Hasbrouck VAR residual covariance is singular: trades or returns are an exact function of the lags',
      { field: 'trades' },
    );
  }
  const b0 = srx / sxx;
  const aR = new Float64Array(p);
  const bR = new Float64Array(p);
  const cX = new Float64Array(p);
  const dX = new Float64Array(p);
  for (let l = 0; l < p; l++) {
    const o = l * 4;
    // A_l rows: [x eq: (x, r)], [r eq: (x, r)]; structural r eq = reduced r eq − b0·x eq
    dX[l] = coefs[o]!;
    cX[l] = coefs[o + 1]!;
    bR[l] = coefs[o + 2]! - b0 * coefs[o]!;
    aR[l] = coefs[o + 3]! - b0 * coefs[o + 1]!;
  }
  const phi = maRep(fit, horizon);
  const impulse = new Float64Array(horizon + 1);
  const cumulativeImpulse = new Float64Array(horizon + 1);
  let cum = 0;
  for (let h = 0; h <= horizon; h++) {
    // response of r to the reduced-form shock (1, b0)
    const v = phi[h * 4 + 2]! + phi[h * 4 + 3]! * b0;
    impulse[h] = v;
    cum += v;
    cumulativeImpulse[h] = cum;
  }
  // long run: Σ_h Φ_h = (I − A(1))⁻¹; row r of it gives the efficient-price loadings
  const m = new Float64Array([1, 0, 0, 1]);
  for (let l = 0; l < p; l++) for (let i = 0; i < 4; i++) m[i]! -= coefs[l * 4 + i]!;
  // solve (I − A(1))' z = e_r for the long-run row a = e_r'(I − A(1))⁻¹ (not symmetric: LU 2×2)
  const det = m[0]! * m[3]! - m[1]! * m[2]!;
  if (!(Math.abs(det) > 1e-12)) {
    throw new ValidationError(
      'Hasbrouck VAR has a unit root (I − A(1) is singular): pass returns (changes), not price levels',
      { field: 'returns' },
    );
  }
  // inverse of [[m0, m1], [m2, m3]] row 1 = [−m2, m0] / det
  const a0 = -m[2]! / det;
  const a1 = m[0]! / det;
  const permanentImpact = a0 + a1 * b0;
  const efficientVariance = a0 * a0 * sigmaU[0]! + 2 * a0 * a1 * sigmaU[1]! + a1 * a1 * sigmaU[3]!;
  const innovationVariance = srr - (srx * srx) / sxx;
  const permanentImpactStdError = Math.sqrt(
    impactVariance(fit, m, det, b0, efficientVariance, a1, innovationVariance),
  );
  const tradeCorrelatedShare =
    efficientVariance > 0 ? (permanentImpact * permanentImpact * sxx) / efficientVariance : 0;
  return {
    lags: p,
    nobs: fit.nobs,
    returnEquation: {
      intercept: intercept[1]! - b0 * intercept[0]!,
      contemporaneousTrade: b0,
      returnLags: aR,
      tradeLags: bR,
      innovationVariance,
    },
    tradeEquation: {
      intercept: intercept[0]!,
      returnLags: cX,
      tradeLags: dX,
      innovationVariance: sxx,
    },
    permanentImpact,
    permanentImpactStdError,
    permanentImpactInterval(level = 0.95): [number, number] {
      return normalInterval(permanentImpact, permanentImpactStdError, level);
    },
    impulse,
    cumulativeImpulse,
    tradeCorrelatedShare,
    efficientVariance,
    reducedForm: { params: fit.params, sigmaU, irfs: phi },
    ...(lagSelection === undefined ? {} : { lagSelection }),
  };
}

/**
 * Var θ̂ of the permanent impact by the delta method (see {@link hasbrouckVar}): m = I − A(1)
 * (2×2 row-major, determinant det), a_r = a1, aΣ_u a' = efficientVariance.
 */
function impactVariance(
  fit: VarFit,
  m: Float64Array,
  det: number,
  b0: number,
  efficientVariance: number,
  a1: number,
  innovationVariance: number,
): number {
  const { p, gram, sigmaU, dfResid } = fit;
  // w = (I − A(1))⁻¹ (1, b0)'
  const w0 = (m[3]! - m[1]! * b0) / det;
  const w1 = (m[0]! * b0 - m[2]!) / det;
  const kt = fit.trend === 'c' ? 1 : 0;
  const dim = kt + 2 * p;
  const h = new Float64Array(dim);
  for (let l = 0; l < p; l++) {
    h[kt + 2 * l] = w0;
    h[kt + 2 * l + 1] = w1;
  }
  const g = choleskySolve(gram, h, dim, 1, 'Hasbrouck VAR (VAR design)');
  let q = 0;
  for (let i = 0; i < dim; i++) q += h[i]! * g[i]!;
  // b0: OLS slope of the structural return equation (one more regressor than the reduced form)
  const varB0 = innovationVariance / ((dfResid - 1) * sigmaU[0]!);
  return efficientVariance * q + a1 * a1 * varB0;
}
