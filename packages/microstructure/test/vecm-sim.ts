import { Rng } from '@x/core';

/** A VECM with β = (1, −1)' against venue 0: Δy_t = α β'y_{t−1} + Σ Γ_l Δy_{t−l} + L ε_t. */
export interface VecmTruth {
  /** K × (K − 1), row-major. */
  readonly alpha: readonly number[];
  /** Lower Cholesky factor of Ω, K × K row-major. */
  readonly chol: readonly number[];
  /** [Γ_1 … Γ_p], K × (K·p) row-major. */
  readonly gamma?: readonly number[];
  readonly lags?: number;
}

/** Simulates n prices per venue from a known VECM (Gaussian innovations, start at 100). */
export function simulateVecm(truth: VecmTruth, n: number, seed: number): Float64Array[] {
  const k = Math.round(Math.sqrt(truth.chol.length));
  const r = k - 1;
  const p = truth.lags ?? 0;
  const rng = Rng.fromSeed(seed);
  const y = Array.from({ length: k }, () => new Float64Array(n));
  const e = new Float64Array(k);
  for (let v = 0; v < k; v++) {
    y[v]![0] = 100;
    y[v]![1] = 100;
  }
  for (let t = 1; t < n; t++) {
    for (let v = 0; v < k; v++) e[v] = rng.normal();
    for (let i = 0; i < k; i++) {
      let d = 0;
      for (let j = 0; j < r; j++)
        d += truth.alpha[i * r + j]! * (y[0]![t - 1]! - y[j + 1]![t - 1]!);
      for (let l = 1; l <= p && t - l - 1 >= 0; l++) {
        for (let v = 0; v < k; v++) {
          d += truth.gamma![i * k * p + (l - 1) * k + v]! * (y[v]![t - l]! - y[v]![t - l - 1]!);
        }
      }
      for (let v = 0; v <= i; v++) d += truth.chol[i * k + v]! * e[v]!;
      y[i]![t] = y[i]![t - 1]! + d;
    }
  }
  return y;
}
