/**
 * Upper tail of the chi-square distribution with an integer number of degrees of freedom, for
 * p-values of over-identification tests. Closed forms: Q(x; 1) = erfc(√(x/2)), Q(x; 2) =
 * e^(−x/2), and Q(x; k + 2) = Q(x; k) + (x/2)^(k/2) e^(−x/2) / Γ(k/2 + 1).
 *
 * @module
 */

/** erfc(x) for x ≥ 0 (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

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
    q = erfc(Math.sqrt(half));
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
