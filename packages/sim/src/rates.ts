/**
 * The rates of the Cont–Stoikov–Talreja (2010) order-book model and the paper's fitted values.
 *
 * Reference: R. Cont, S. Stoikov, R. Talreja, "A stochastic model for order book dynamics",
 * Operations Research 58(3):549–563, 2010, Section 3.2 and Table 2.
 *
 * @module
 */
import { ValidationError } from '@x/core';

/**
 * The rates of the Cont–Stoikov–Talreja model, per second (K = `lambda.length` = `theta.length`).
 *
 * - Limit buy orders arrive at `bestAsk − i` ticks at rate λ(i), i = 1..K; limit sells at
 *   `bestBid + i` at the same rate (the model is symmetric).
 * - Market buy and market sell orders each arrive at rate μ.
 * - Each resting order at distance i from the opposite best cancels at rate θ(i).
 */
export interface OrderFlowRates {
  /** λ(1..K): limit-order arrival rate per side at distance i ticks from the opposite best. */
  readonly lambda: readonly number[];
  /** θ(1..K): cancellation rate of each resting order at distance i from the opposite best. */
  readonly theta: readonly number[];
  /** μ: market-order arrival rate per side. */
  readonly mu: number;
}

/**
 * The parameters Cont, Stoikov and Talreja (2010, Table 2) estimated on Tokyo Stock Exchange
 * data, in orders per second for a standard order size: λ(1..5) = 1.85, 1.51, 1.09, 0.88, 0.77;
 * θ(1..5) = 0.71, 0.81, 0.68, 0.56, 0.47; μ = 0.94.
 */
export const CST2010_RATES: OrderFlowRates = Object.freeze({
  lambda: Object.freeze([1.85, 1.51, 1.09, 0.88, 0.77]) as readonly number[],
  theta: Object.freeze([0.71, 0.81, 0.68, 0.56, 0.47]) as readonly number[],
  mu: 0.94,
});

/**
 * The CST (2010) rates extended to `levels` price levels: the fitted λ(1..5), θ(1..5) and μ of
 * {@link CST2010_RATES}, and beyond level 5 the paper's power-law fit of the arrival rates,
 * λ(i) = k / i^α with k = 1.92 and α = 0.52, with θ(i) = θ(5). The extension is ours (the paper
 * estimates five levels); use it to get deeper books, for example ten-level L2 streams.
 *
 * @param levels - K, the number of price levels orders arrive at (>= 1)
 * @returns the rates
 * @throws `ValidationError` (from `@x/core`) when `levels` is not a positive integer
 */
export function cst2010Rates(levels = 5): OrderFlowRates {
  if (!Number.isSafeInteger(levels) || levels < 1) {
    throw new ValidationError('levels must be a positive integer', {
      field: 'levels',
      value: levels,
    });
  }
  const lambda: number[] = [];
  const theta: number[] = [];
  for (let i = 1; i <= levels; i++) {
    lambda.push(i <= 5 ? CST2010_RATES.lambda[i - 1]! : 1.92 / i ** 0.52);
    theta.push(i <= 5 ? CST2010_RATES.theta[i - 1]! : CST2010_RATES.theta[4]!);
  }
  return { lambda, theta, mu: CST2010_RATES.mu };
}
