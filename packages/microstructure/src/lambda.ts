/**
 * Price-impact regressions on bars of trades: Kyle's lambda (price change on signed volume) and
 * the bar-based Hasbrouck lambda of López de Prado (signed log return on signed square-root
 * dollar volume), with plain and heteroskedasticity-robust standard errors, and the bars both
 * are estimated on ({@link tradeBars}).
 *
 * **Sign convention.** A trade's sign is +1 when the buyer was the aggressor (a buy market
 * order lifted the offer) and −1 when the seller was; signed flows are Σ sign·(…) over a bar.
 * A positive lambda means buying pushes the price up.
 *
 * @module
 */
import { ValidationError } from '@x/core';
import { normalInterval } from './internal/dist.js';
import {
  type CovType,
  checkCovType,
  type OlsFit,
  ols,
  olsCovariance,
  standardErrors,
} from './internal/ols.js';
import { checkTradeColumns } from './internal/trade-columns.js';
import type { TradeColumns } from './trade-columns.js';

export type { CovType } from './internal/ols.js';

/** Time bars of trades (see {@link tradeBars}). */
export interface TradeBars {
  /** Number of bars. */
  readonly bars: number;
  /** Bar start time in ms (bars are [start, start + barMs)). */
  readonly start: Float64Array;
  /** Last trade price of the bar (carried forward through empty bars). */
  readonly close: Float64Array;
  /** close[b] − close[b − 1]; for b = 0, close[0] − the first trade's price. */
  readonly priceChange: Float64Array;
  /** log(close[b] / close[b − 1]), with the same convention for b = 0. */
  readonly logReturn: Float64Array;
  /** Σ sign·qty. */
  readonly signedVolume: Float64Array;
  /** Σ sign·price·qty. */
  readonly signedDollarVolume: Float64Array;
  /** Σ sign·√(price·qty), the regressor of the bar-based Hasbrouck lambda. */
  readonly signedSqrtDollarVolume: Float64Array;
  /** Σ qty. */
  readonly volume: Float64Array;
  /** Trades in the bar. */
  readonly count: Int32Array;
}

/** Most bars {@link tradeBars} will build (a guard against timestamps in the wrong unit). */
const MAX_BARS = 50_000_000;

/**
 * Aggregates trades into consecutive time bars of `barMs`, aligned to multiples of `barMs`, from
 * the first trade's bar to the last one's; empty bars are kept (zero flow, unchanged close).
 *
 * @param trades - columns of equal length, time-sorted, timestamps in ms, with `qty` and `sign`
 * @param barMs - bar length in ms (> 0)
 * @returns the bars
 * @throws `ValidationError` on unsorted or non-finite timestamps, a price or quantity that is not
 *   finite and > 0, a sign other than ±1, columns of unequal length, no trades, or more than
 *   50,000,000 bars (timestamps in µs or ns instead of ms, or a bar far too short)
 *
 * @example
 * ```ts
 * import { tradeBars } from '@x/microstructure';
 * const bars = tradeBars(
 *   { ts: [0, 400, 1200], price: [100, 100.5, 100.25], qty: [1, 2, 1], sign: [1, 1, -1] },
 *   1000,
 * );
 * console.log(bars.bars, Array.from(bars.signedVolume)); // 2 [3, -1]
 * ```
 */
export function tradeBars(trades: Required<TradeColumns>, barMs: number): TradeBars {
  if (!(Number.isFinite(barMs) && barMs > 0)) {
    throw new ValidationError('barMs must be finite and > 0', { field: 'barMs', value: barMs });
  }
  checkTradeColumns(trades, { qty: true, sign: true });
  const { ts, price, qty, sign } = trades;
  const n = ts.length;
  const first = Math.floor(ts[0]! / barMs);
  const bars = Math.floor(ts[n - 1]! / barMs) - first + 1;
  if (bars > MAX_BARS) {
    throw new ValidationError(
      `${bars} bars of ${barMs} ms: timestamps must be in milliseconds (not µs or ns), or barMs is far too short`,
      { field: 'barMs', value: barMs, details: { bars, spanMs: ts[n - 1]! - ts[0]! } },
    );
  }
  const out = {
    bars,
    start: new Float64Array(bars),
    close: new Float64Array(bars),
    priceChange: new Float64Array(bars),
    logReturn: new Float64Array(bars),
    signedVolume: new Float64Array(bars),
    signedDollarVolume: new Float64Array(bars),
    signedSqrtDollarVolume: new Float64Array(bars),
    volume: new Float64Array(bars),
    count: new Int32Array(bars),
  };
  let prev = price[0]!;
  let i = 0;
  for (let b = 0; b < bars; b++) {
    out.start[b] = (first + b) * barMs;
    const end = (first + b + 1) * barMs;
    let close = prev;
    for (; i < n && ts[i]! < end; i++) {
      const p = price[i]!;
      const q = qty[i]!;
      const s = sign[i]!;
      out.signedVolume[b]! += s * q;
      out.signedDollarVolume[b]! += s * p * q;
      out.signedSqrtDollarVolume[b]! += s * Math.sqrt(p * q);
      out.volume[b]! += q;
      out.count[b]!++;
      close = p;
    }
    out.close[b] = close;
    out.priceChange[b] = close - prev;
    out.logReturn[b] = Math.log(close / prev);
    prev = close;
  }
  return out;
}

/** Options of {@link kyleLambda} and {@link hasbrouckLambda}. */
export interface ImpactRegressionOptions {
  /** Fit an intercept (default true). */
  readonly intercept?: boolean;
  /** Covariance of the robust standard error (default `'HC1'`, statsmodels' names). */
  readonly covType?: CovType;
}

/** A price-impact regression y = α + λ·x + ε and its diagnostics. */
export interface ImpactRegression {
  /** The slope λ. */
  readonly lambda: number;
  /** The intercept α (0 when fitted without one). */
  readonly intercept: number;
  /** Whether an intercept was fitted. */
  readonly hasIntercept: boolean;
  /** Plain OLS standard error of λ, √(s²[(X'X)⁻¹]_λλ) with s² = SSR/(n − k). */
  readonly stdError: number;
  /** Heteroskedasticity-robust standard error of λ of type {@link ImpactRegression.covType}. */
  readonly robustStdError: number;
  /** The robust covariance type. */
  readonly covType: CovType;
  /** λ / robustStdError. */
  readonly tStat: number;
  /** λ / stdError. */
  readonly tStatPlain: number;
  /** Standard error of the intercept (robust; 0 without intercept). */
  readonly interceptStdError: number;
  /** R² (centred with an intercept, uncentred without, as statsmodels). */
  readonly r2: number;
  /** Observations (bars). */
  readonly n: number;
  /**
   * Two-sided confidence interval of λ from the robust standard error and the normal quantile.
   * @param level - coverage in (0, 1), default 0.95
   * @returns [low, high]
   */
  confidenceInterval(level?: number): [number, number];
}

/**
 * Kyle's lambda: the price impact of signed order flow, Δp_τ = α + λ·Σ_{t∈τ} b_t V_t + ε_τ
 * estimated by OLS over intervals τ (Kyle 1985, "Continuous auctions and insider trading",
 * Econometrica 53(6), where p = μ + λ(x + u); the regression form is López de Prado, Advances
 * in Financial Machine Learning, 2018, §19.3.2).
 *
 * Conventions: the dependent variable is the **price change** (in price units, not a return);
 * the regressor is **signed volume** in quantity units (buyer-initiated positive); an intercept
 * is fitted unless `intercept: false`. λ is in price per unit of quantity.
 *
 * @param priceChange - Δp per interval (e.g. {@link TradeBars.priceChange})
 * @param signedVolume - Σ b·V per interval (e.g. {@link TradeBars.signedVolume})
 * @param options - intercept and robust covariance type
 * @returns λ with plain and robust standard errors, t-statistics and R²
 * @throws `ValidationError` on unequal lengths, fewer than 3 intervals, NaN or Infinity,
 *   zero variance of either series, unsigned flow (no interval with a negative value: signed
 *   volume must be buys minus sells), or price levels passed as changes (every change > 0)
 *
 * @example
 * ```ts
 * import { kyleLambda } from '@x/microstructure';
 * const flow = [3, -2, 5, -1, 0, 4, -3, 2];
 * const dp = flow.map((q, i) => 0.01 * q + (i % 2 ? 0.002 : -0.002));
 * const fit = kyleLambda(dp, flow);
 * console.log(fit.lambda.toFixed(3), fit.confidenceInterval(0.95)); // ~0.010, [lo, hi]
 * ```
 */
export function kyleLambda(
  priceChange: ArrayLike<number>,
  signedVolume: ArrayLike<number>,
  options: ImpactRegressionOptions = {},
): ImpactRegression {
  checkPair(priceChange, signedVolume, 'priceChange', 'signedVolume');
  let positive = 0;
  for (let i = 0; i < priceChange.length; i++) if (priceChange[i]! > 0) positive++;
  if (positive === priceChange.length && priceChange.length >= 10) {
    throw new ValidationError(
      'every priceChange is > 0: pass price changes p_t − p_{t−1}, not price levels',
      { field: 'priceChange' },
    );
  }
  return fitImpact(priceChange, signedVolume, options, 'Kyle lambda', 'signedVolume');
}

/**
 * The bar-based Hasbrouck lambda of López de Prado (Advances in Financial Machine Learning,
 * 2018, §19.3.3, after Hasbrouck 2009, "Trading costs and returns for U.S. equities", J. Finance
 * 64(3)): log(p_τ / p_{τ−1}) = α + λ·Σ_{t∈τ} b_t √(p_t V_t) + ε_τ by OLS over bars τ.
 *
 * Conventions: the dependent variable is the **signed log return** of the bar (not its absolute
 * value, a common porting bug that estimates ≈ 0); the regressor is **signed square-root dollar
 * volume** Σ b·√(p·V) (buyer-initiated positive); an intercept is fitted unless
 * `intercept: false` (the book writes the regression without one).
 *
 * @param logReturn - log return per bar (e.g. {@link TradeBars.logReturn})
 * @param signedSqrtDollarVolume - Σ b·√(p·V) per bar (e.g. {@link TradeBars.signedSqrtDollarVolume})
 * @param options - intercept and robust covariance type
 * @returns λ with plain and robust standard errors, t-statistics and R²
 * @throws `ValidationError` on unequal lengths, fewer than 3 bars, NaN or Infinity, zero
 *   variance, unsigned flow, or a "log return" of magnitude > 1 (prices or percentages passed)
 *
 * @example
 * ```ts
 * import { hasbrouckLambda } from '@x/microstructure';
 * const x = [30, -20, 50, -10, 0, 40, -30, 20];
 * const r = x.map((v, i) => 2e-5 * v + (i % 2 ? 1e-5 : -1e-5));
 * console.log(hasbrouckLambda(r, x).lambda.toExponential(2)); // ~2.00e-5
 * ```
 */
export function hasbrouckLambda(
  logReturn: ArrayLike<number>,
  signedSqrtDollarVolume: ArrayLike<number>,
  options: ImpactRegressionOptions = {},
): ImpactRegression {
  checkPair(logReturn, signedSqrtDollarVolume, 'logReturn', 'signedSqrtDollarVolume');
  for (let i = 0; i < logReturn.length; i++) {
    if (Math.abs(logReturn[i]!) > 1) {
      throw new ValidationError(
        `logReturn[${i}] = ${logReturn[i]}: a log return per bar beyond ±1 means prices or percentages were passed, not log returns`,
        { field: 'logReturn', value: logReturn[i], details: { index: i } },
      );
    }
  }
  return fitImpact(
    logReturn,
    signedSqrtDollarVolume,
    options,
    'Hasbrouck lambda',
    'signedSqrtDollarVolume',
  );
}

function checkPair(y: ArrayLike<number>, x: ArrayLike<number>, yName: string, xName: string): void {
  if (y.length !== x.length) {
    throw new ValidationError(`${yName} and ${xName} must have equal lengths`, {
      field: xName,
      details: { [yName]: y.length, [xName]: x.length },
    });
  }
  if (y.length < 3) {
    throw new ValidationError(`at least 3 observations are needed, got ${y.length}`, {
      field: yName,
      value: y.length,
    });
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]) || !Number.isFinite(x[i])) {
      throw new ValidationError(`observation ${i} is NaN or infinite`, {
        field: Number.isFinite(y[i]) ? xName : yName,
        value: Number.isFinite(y[i]) ? x[i] : y[i],
        details: { index: i },
      });
    }
  }
  let neg = false;
  for (let i = 0; i < x.length && !neg; i++) neg = x[i]! < 0;
  if (!neg) {
    throw new ValidationError(
      `${xName} has no negative value: order flow must be signed (buyer-initiated positive, seller-initiated negative), not unsigned volume`,
      { field: xName },
    );
  }
}

function fitImpact(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  options: ImpactRegressionOptions,
  what: string,
  xName: string,
): ImpactRegression {
  const covType = checkCovType(options.covType);
  const withIntercept = options.intercept ?? true;
  const n = y.length;
  const k = withIntercept ? 2 : 1;
  const design = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (withIntercept) design[i * 2] = 1;
    design[i * k + k - 1] = x[i]!;
  }
  const yy = Float64Array.from(y);
  const fit: OlsFit = ols(design, yy, n, k, {
    hasConstant: withIntercept,
    what: `${what} design (${xName}${withIntercept ? ' and intercept' : ''})`,
  });
  const plain = standardErrors(olsCovariance(fit, design, 'nonrobust'), k);
  const robust = standardErrors(olsCovariance(fit, design, covType), k);
  const lambda = fit.coef[k - 1]!;
  const se = robust[k - 1]!;
  return {
    lambda,
    intercept: withIntercept ? fit.coef[0]! : 0,
    hasIntercept: withIntercept,
    stdError: plain[k - 1]!,
    robustStdError: se,
    covType,
    tStat: lambda / se,
    tStatPlain: lambda / plain[k - 1]!,
    interceptStdError: withIntercept ? robust[0]! : 0,
    r2: fit.r2,
    n,
    confidenceInterval(level = 0.95): [number, number] {
      return normalInterval(lambda, se, level);
    },
  };
}
