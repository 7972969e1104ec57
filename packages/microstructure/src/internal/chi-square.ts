/**
 * Upper tail of the chi-square distribution with an integer number of degrees of freedom, for
 * p-values of over-identification tests. Closed forms: Q(x; 1) = erfc(√(x/2)) = 2Φ(−√x), Q(x; 2) =
 * e^(−x/2), and Q(x; k + 2) = Q(x; k) + (x/2)^(k/2) e^(−x/2) / Γ(k/2 + 1).
 *
 * @module
 */
import { normalCdf } from './dist.js';

/** P(χ²_df > x) for an integer df ≥ 1 and x ≥ 0. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(x > 0)) return 1;
  const half = x / 2;
  let q: number;
  let term: number; // (x/2)^(k/2) e^(−x/2) / Γ(k/2 + 1) for the current k
  let k: number;
  if (df % 2 === 0) {
    q = Math.exp(-half);
    term = q * half; // k = 2
    k = 2;
  } else {
    q = 2 * normalCdf(-Math.sqrt(x));
    term = (Math.sqrt(half) * Math.exp(-half)) / (Math.sqrt(Math.PI) / 2); // k = 1
    k = 1;
  }
  while (k < df) {
    q += term;
    k += 2;
    term *= half / (k / 2);
  }
  return Math.min(1, Math.max(0, q));
}
