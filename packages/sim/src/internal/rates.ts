/**
 * Validation and compilation of Cont–Stoikov–Talreja rates, shared by the generator and
 * `BackgroundFlow`, plus the small argument checks both use.
 */
import { ValidationError } from '@x/core';
import type { OrderFlowRates } from '../rates.js';

/** Rates checked and laid out for sampling: λ(i), its running sum, θ(i) and μ. */
export interface CompiledRates {
  readonly K: number;
  readonly lambda: Float64Array;
  readonly lambdaCum: Float64Array;
  readonly lambdaTotal: number;
  readonly theta: Float64Array;
  readonly mu: number;
}

/** Throws unless `x` is a finite number >= 0. */
export function checkRate(x: number, field: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new ValidationError(`${field} must be finite and >= 0`, { field, value: x });
  }
}

/** Throws unless `x` is a safe integer >= 1. */
export function checkPosInt(x: number, field: string): void {
  if (!Number.isSafeInteger(x) || x < 1) {
    throw new ValidationError(`${field} must be a positive integer`, { field, value: x });
  }
}

/**
 * Checks λ, θ (same length K >= 1, finite, >= 0) and μ, and builds the sampling tables.
 * Whether all-zero rates are acceptable is the caller's decision.
 */
export function compileRates(rates: OrderFlowRates): CompiledRates {
  const K = rates.lambda.length;
  if (K < 1 || rates.theta.length !== K) {
    throw new ValidationError('rates.lambda and rates.theta must have the same length >= 1', {
      field: 'rates',
      details: { lambda: rates.lambda.length, theta: rates.theta.length },
    });
  }
  const lambda = new Float64Array(K);
  const lambdaCum = new Float64Array(K);
  const theta = new Float64Array(K);
  let cum = 0;
  for (let i = 0; i < K; i++) {
    const l = rates.lambda[i]!;
    const th = rates.theta[i]!;
    checkRate(l, `rates.lambda[${i}]`);
    checkRate(th, `rates.theta[${i}]`);
    lambda[i] = l;
    theta[i] = th;
    cum += l;
    lambdaCum[i] = cum;
  }
  checkRate(rates.mu, 'rates.mu');
  return { K, lambda, lambdaCum, lambdaTotal: cum, theta, mu: rates.mu };
}
