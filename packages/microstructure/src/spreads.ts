/**
 * Trade-and-quote spread measures (quoted, effective, realized, price impact) and Roll's (1984)
 * implied spread from trade prices alone.
 *
 * @module
 */
import { assertAllFinite, assertInteger, ValidationError } from '@x/core';
import { normalQuantile } from './internal/dist.js';
import { checkTradeColumns } from './internal/trade-columns.js';
import type { TradeColumns } from './trade-columns.js';

/** Top-of-book quote updates in time order. */
export interface QuoteTape {
  /** Timestamps, non-decreasing, in the trades' unit. */
  readonly ts: ArrayLike<number>;
  /** Best bid prices. */
  readonly bidPrice: ArrayLike<number>;
  /** Best ask prices (≥ bid). */
  readonly askPrice: ArrayLike<number>;
}

/** Options of {@link tradeSpreads}. */
export interface TradeSpreadsOptions {
  /** Horizons Δ after each trade, in the timestamps' unit, for realized spread and price impact. */
  readonly horizons: readonly number[];
  /**
   * The quote prevailing for a trade at time t is the last one with timestamp ≤ t − quoteLag;
   * default 0 (Lee and Ready's 1991 five-second lag is for old, slow trade reports).
   */
  readonly quoteLag?: number;
}

/** One spread measure averaged over the trades it covers. */
export interface SpreadMeasure {
  /** Equal-weighted mean, in price units. */
  readonly mean: number;
  /** Size-weighted mean, in price units (equal to `mean` without quantities). */
  readonly sizeWeighted: number;
  /** Equal-weighted mean in basis points of the prevailing midpoint at the trade. */
  readonly meanBps: number;
  /** Size-weighted mean in basis points. */
  readonly sizeWeightedBps: number;
  /** Trades averaged. */
  readonly count: number;
}

/** Realized spread and price impact at one horizon. */
export interface HorizonSpreads {
  /** The horizon Δ. */
  readonly horizon: number;
  /**
   * 2·d·(p − m_{t+Δ}), over trades whose t + Δ is within the quotes' time span; `undefined`
   * when no trade is.
   */
  readonly realized: SpreadMeasure | undefined;
  /** 2·d·(m_{t+Δ} − m_t) over the same trades: effective = realized + impact, trade by trade. */
  readonly priceImpact: SpreadMeasure | undefined;
}

/** Result of {@link tradeSpreads}. */
export interface TradeSpreads {
  /** Trades given. */
  readonly trades: number;
  /** Trades with a prevailing quote and a sign (given or classified). */
  readonly matched: number;
  /** Trades before the first quote (no prevailing quote). */
  readonly beforeFirstQuote: number;
  /** Trades the quote rule and tick test could not sign (only without `sign`). */
  readonly unsigned: number;
  /** Quoted spread a − b at the matched trades. */
  readonly quoted: SpreadMeasure;
  /** Quoted spread averaged over time between the first and last quote, in price units. */
  readonly quotedTimeWeighted: number;
  /** Effective spread 2·d·(p − m_t). */
  readonly effective: SpreadMeasure;
  /** Realized spread and price impact, one entry per horizon. */
  readonly horizons: readonly HorizonSpreads[];
}

class Acc {
  n = 0;
  w = 0;
  sum = 0;
  wsum = 0;
  bps = 0;
  wbps = 0;
  add(x: number, mid: number, size: number): void {
    this.n++;
    this.w += size;
    this.sum += x;
    this.wsum += size * x;
    this.bps += (1e4 * x) / mid;
    this.wbps += (size * 1e4 * x) / mid;
  }
  measure(): SpreadMeasure | undefined {
    if (this.n === 0) return undefined;
    return {
      mean: this.sum / this.n,
      sizeWeighted: this.wsum / this.w,
      meanBps: this.bps / this.n,
      sizeWeightedBps: this.wbps / this.w,
      count: this.n,
    };
  }
}

function checkSorted(ts: ArrayLike<number>, field: string): void {
  for (let i = 1; i < ts.length; i++) {
    if (!(ts[i]! >= ts[i - 1]!)) {
      throw new ValidationError(
        `${field} must be non-decreasing: ${field}[${i}] < ${field}[${i - 1}]`,
        {
          field: `${field}[${i}]`,
          value: ts[i],
        },
      );
    }
  }
}

function checkTapes(trades: TradeColumns, quotes: QuoteTape): void {
  checkTradeColumns(trades);
  const m = quotes.ts.length;
  if (m === 0) throw new ValidationError('no quotes', { field: 'quotes' });
  if (quotes.bidPrice.length !== m || quotes.askPrice.length !== m) {
    throw new ValidationError('quotes.bidPrice, quotes.askPrice and quotes.ts differ in length', {
      field: 'quotes',
    });
  }
  assertAllFinite(quotes.ts, 'quotes.ts');
  assertAllFinite(quotes.bidPrice, 'quotes.bidPrice');
  assertAllFinite(quotes.askPrice, 'quotes.askPrice');
  checkSorted(quotes.ts, 'quotes.ts');
  for (let j = 0; j < m; j++) {
    const b = quotes.bidPrice[j]!;
    const a = quotes.askPrice[j]!;
    if (!(b > 0) || !(a >= b)) {
      throw new ValidationError(`quote ${j} is crossed or not positive: bid ${b}, ask ${a}`, {
        field: `quotes[${j}]`,
      });
    }
  }
}

/**
 * Quoted, effective and realized spreads and price impact of trades against the prevailing
 * quote (the standard TAQ measures; Huang and Stoll 1996, eqs. 1-4; Bessembinder and Kaufman
 * 1997; SEC Rule 605 uses the same definitions). With d = +1 for a buyer-initiated and −1 for
 * a seller-initiated trade, p the trade price, m_t = (bid + ask)/2 the midpoint of the quote
 * prevailing at the trade and m_{t+Δ} the midpoint prevailing Δ later:
 *
 * - quoted spread a − b;
 * - effective spread 2·d·(p − m_t);
 * - realized spread 2·d·(p − m_{t+Δ}) (what the liquidity provider keeps);
 * - price impact 2·d·(m_{t+Δ} − m_t) (what the market learns), so effective = realized + impact.
 *
 * Each is reported in price units and in basis points of m_t, equal- and size-weighted. The
 * prevailing quote is the last one with timestamp ≤ t − quoteLag (ties: a quote stamped at the
 * trade's time counts as prevailing); trades before the first quote are left out, and for a
 * horizon Δ the trades with t + Δ after the last quote are left out (their later midpoint is
 * unknown). One merge pass: O(trades + quotes × horizons).
 *
 * @param trades - trades in time order: timestamps (in the quotes' unit), prices, optional
 *   quantities (`qty`, for the size-weighted means) and aggressor signs (`sign`, ±1; when absent,
 *   trades are signed by the quote rule against the prevailing midpoint and, at the midpoint,
 *   the tick test, Lee and Ready 1991, and a trade neither rule signs is left out)
 * @param quotes - top-of-book quote tape
 * @param options - horizons and quote lag
 * @returns the measures, with counts of matched and left-out trades
 * @throws `ValidationError` on empty or unequal-length arrays, NaN, unsorted timestamps,
 *   crossed or non-positive quotes, non-positive prices or quantities, signs other than ±1, negative
 *   or non-finite horizons, and when no trade has a prevailing quote and a sign
 *
 * @example
 * ```ts
 * import { tradeSpreads } from '@x/microstructure';
 * const quotes = { ts: [0, 10], bidPrice: [99.9, 100.0], askPrice: [100.1, 100.2] };
 * const trades = { ts: [5], price: [100.1], sign: [1] }; // a buy at the ask
 * const s = tradeSpreads(trades, quotes, { horizons: [5] }); // the quote at 10 prevails at 5 + 5
 * console.log(s.effective.mean, s.horizons[0]?.realized?.mean, s.horizons[0]?.priceImpact?.mean);
 * // 0.2 (the full quoted spread), 0 (the mid moved up by 0.1), 0.2
 * ```
 */
export function tradeSpreads(
  trades: TradeColumns,
  quotes: QuoteTape,
  options: TradeSpreadsOptions,
): TradeSpreads {
  checkTapes(trades, quotes);
  const horizons = options.horizons;
  if (!Array.isArray(horizons)) {
    throw new ValidationError('options.horizons must be an array', { field: 'horizons' });
  }
  for (const h of horizons) {
    if (!Number.isFinite(h) || h < 0) {
      throw new ValidationError('horizons must be finite and >= 0', {
        field: 'horizons',
        value: h,
      });
    }
  }
  const lag = options.quoteLag ?? 0;
  if (!Number.isFinite(lag) || lag < 0) {
    throw new ValidationError('quoteLag must be finite and >= 0', {
      field: 'quoteLag',
      value: lag,
    });
  }
  const { ts, price, qty, sign } = trades;
  const qts = quotes.ts;
  const bid = quotes.bidPrice;
  const ask = quotes.askPrice;
  const m = qts.length;
  const lastQuote = qts[m - 1]!;
  const quoted = new Acc();
  const effective = new Acc();
  const realized = horizons.map(() => new Acc());
  const impact = horizons.map(() => new Acc());
  const hp = horizons.map(() => -1); // per-horizon pointer into quotes
  let j = -1;
  let before = 0;
  let unsigned = 0;
  let lastPrice = Number.NaN;
  let lastDirection = 0;
  for (let i = 0; i < ts.length; i++) {
    const p = price[i]!;
    if (p !== lastPrice && !Number.isNaN(lastPrice)) lastDirection = p > lastPrice ? 1 : -1;
    lastPrice = p;
    const t = ts[i]! - lag;
    while (j + 1 < m && qts[j + 1]! <= t) j++;
    if (j < 0) {
      before++;
      continue;
    }
    const mid = (bid[j]! + ask[j]!) / 2;
    let d = sign?.[i] ?? (p > mid ? 1 : p < mid ? -1 : lastDirection);
    if (d === 0) {
      unsigned++;
      continue;
    }
    d = d > 0 ? 1 : -1;
    const w = qty?.[i] ?? 1;
    quoted.add(ask[j]! - bid[j]!, mid, w);
    effective.add(2 * d * (p - mid), mid, w);
    for (let k = 0; k < horizons.length; k++) {
      const target = ts[i]! + horizons[k]!;
      if (target > lastQuote) continue;
      let q = hp[k]!;
      while (q + 1 < m && qts[q + 1]! <= target) q++;
      hp[k] = q;
      const later = (bid[q]! + ask[q]!) / 2;
      realized[k]!.add(2 * d * (p - later), mid, w);
      impact[k]!.add(2 * d * (later - mid), mid, w);
    }
  }
  const matched = effective.n;
  if (matched === 0) {
    throw new ValidationError('no trade has a prevailing quote and a sign', { field: 'trades' });
  }
  let area = 0;
  for (let q = 0; q + 1 < m; q++) area += (ask[q]! - bid[q]!) * (qts[q + 1]! - qts[q]!);
  const span = lastQuote - qts[0]!;
  return {
    trades: ts.length,
    matched,
    beforeFirstQuote: before,
    unsigned,
    quoted: quoted.measure()!,
    quotedTimeWeighted: span > 0 ? area / span : ask[0]! - bid[0]!,
    effective: effective.measure()!,
    horizons: horizons.map((horizon, k) => ({
      horizon,
      realized: realized[k]!.measure(),
      priceImpact: impact[k]!.measure(),
    })),
  };
}

/** Options of {@link rollSpread}. */
export interface RollOptions {
  /** Level of the interval, in (0, 1); default 0.95. */
  readonly confidence?: number;
  /**
   * Lags of the long-run variance of the autocovariance's summands; default 2, exact (uniform
   * weights) under Roll's model, where they are 2-dependent.
   */
  readonly lags?: number;
}

/** Roll's implied spread: defined only when the first-order autocovariance is negative. */
export type RollSpread =
  | {
      /** The estimate exists. */
      readonly defined: true;
      /** S = 2·√(−γ₁), in price units. */
      readonly spread: number;
      /** Delta-method standard error of S. */
      readonly stdErr: number;
      /** [lo, hi] at the requested level. */
      readonly interval: readonly [number, number];
      /** γ₁, the first-order autocovariance of price changes. */
      readonly autocovariance: number;
      /** Standard error of γ₁. */
      readonly autocovarianceStdErr: number;
      /** Price changes used. */
      readonly nobs: number;
    }
  | {
      /** The estimate does not exist: γ₁ ≥ 0 contradicts the bid-ask bounce. */
      readonly defined: false;
      /** γ₁, the first-order autocovariance of price changes (≥ 0). */
      readonly autocovariance: number;
      /** Standard error of γ₁. */
      readonly autocovarianceStdErr: number;
      /** Price changes used. */
      readonly nobs: number;
      /** Why it is undefined. */
      readonly reason: string;
    };

/**
 * Roll's (1984) implied bid-ask spread from trade prices: under the bid-ask bounce, price
 * changes have first-order autocovariance γ₁ = cov(Δp_t, Δp_{t−1}) = −S²/4, so
 * S = 2·√(−γ₁) (Roll 1984, eq. 4). When the sample γ₁ is ≥ 0 the model is contradicted and the
 * estimate is reported as undefined (`defined: false`), never as 2·√|γ₁| or 0.
 *
 * Conventions: Δp_t = p_t − p_{t−1} in price units (pass log prices for a relative spread);
 * γ₁ = Σ_{t} (Δp_t − μ)(Δp_{t−1} − μ) / (N − 1) over the N changes, μ their mean. The standard
 * error of γ₁ is the long-run variance of its summands with `lags` lags (uniform weights,
 * falling back to Bartlett weights if that is not positive), and SE(S) = SE(γ₁)/√(−γ₁) by the
 * delta method.
 *
 * @param prices - trade prices in time order
 * @param options - interval level and lags
 * @returns the spread with its error, or `defined: false` with the autocovariance
 * @throws `ValidationError` on fewer than 4 prices, NaN or infinite prices, and prices that
 *   never change
 *
 * @example
 * ```ts
 * import { rollSpread } from '@x/microstructure';
 * const r = rollSpread([100, 100.1, 100, 100.1, 100.1, 100, 100.1, 100, 100, 100.1]);
 * if (r.defined) console.log(r.spread, r.interval);
 * else console.log(r.reason);
 * ```
 */
export function rollSpread(prices: ArrayLike<number>, options: RollOptions = {}): RollSpread {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new ValidationError('confidence must be in (0, 1)', {
      field: 'confidence',
      value: confidence,
    });
  }
  const lags = options.lags ?? 2;
  assertInteger(lags, 'lags', 0, 1000);
  if (prices.length < 4) {
    throw new ValidationError(`too few prices: ${prices.length}, need at least 4`, {
      field: 'prices',
      value: prices.length,
    });
  }
  assertAllFinite(prices, 'prices');
  const n = prices.length - 1;
  let mu = 0;
  for (let t = 1; t <= n; t++) mu += prices[t]! - prices[t - 1]!;
  mu /= n;
  let v0 = 0;
  const pairs = n - 1;
  const z = new Float64Array(pairs);
  let gamma = 0;
  let prev = prices[1]! - prices[0]! - mu;
  v0 += prev * prev;
  for (let t = 2; t <= n; t++) {
    const d = prices[t]! - prices[t - 1]! - mu;
    v0 += d * d;
    z[t - 2] = d * prev;
    gamma += d * prev;
    prev = d;
  }
  if (!(v0 > 0))
    throw new ValidationError('prices never change (zero variance)', { field: 'prices' });
  gamma /= pairs;
  const lrv = (weights: (l: number) => number) => {
    let s = 0;
    for (let l = 0; l <= Math.min(lags, pairs - 1); l++) {
      let c = 0;
      for (let t = l; t < pairs; t++) c += (z[t]! - gamma) * (z[t - l]! - gamma);
      s += (l === 0 ? 1 : 2 * weights(l)) * (c / pairs);
    }
    return s;
  };
  let variance = lrv(() => 1);
  if (!(variance > 0)) variance = lrv((l) => 1 - l / (lags + 1));
  const gammaSe = Math.sqrt(Math.max(0, variance) / pairs);
  if (!(gamma < 0)) {
    return {
      defined: false,
      autocovariance: gamma,
      autocovarianceStdErr: gammaSe,
      nobs: n,
      reason: `first-order autocovariance of price changes is ${gamma} >= 0: no bid-ask bounce`,
    };
  }
  const spread = 2 * Math.sqrt(-gamma);
  const stdErr = gammaSe / Math.sqrt(-gamma);
  const zc = normalQuantile(0.5 + confidence / 2);
  return {
    defined: true,
    spread,
    stdErr,
    interval: [Math.max(0, spread - zc * stdErr), spread + zc * stdErr],
    autocovariance: gamma,
    autocovarianceStdErr: gammaSe,
    nobs: n,
  };
}
