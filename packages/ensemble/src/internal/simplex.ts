/**
 * Optimisation over the probability simplex {w : w >= 0, Σ w = 1}: Euclidean projection
 * (Duchi, Shalev-Shwartz, Singer and Chandra 2008), least squares by accelerated projected
 * gradient (FISTA, Beck and Teboulle 2009), and mixture log-likelihood by EM.
 *
 * @module
 */
import { Matrix as MlMatrix, solve } from 'ml-matrix';

/** Projects `v` onto the simplex in place (Duchi et al. 2008, Fig. 1). */
export function projectSimplex(v: Float64Array): void {
  const u = Float64Array.from(v).sort().reverse();
  let css = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    css += u[j]!;
    const t = (css - 1) / (j + 1);
    if (u[j]! - t > 0) theta = t;
  }
  for (let k = 0; k < v.length; k++) v[k] = Math.max(0, v[k]! - theta);
}

/**
 * `argmin_w ||P w - y||²` over the simplex, from `G = PᵀP` (M x M) and `b = Pᵀy`: FISTA with step
 * `1 / λmax(G)` (bounded by the trace) until the projected step moves less than `tol`.
 */
export function simplexLeastSquares(
  G: Float64Array,
  b: Float64Array,
  M: number,
  tol = 1e-13,
  maxIter = 200_000,
): Float64Array {
  let L = 0;
  for (let k = 0; k < M; k++) L += G[k * M + k]!;
  L = L > 0 ? L : 1;
  const w = new Float64Array(M).fill(1 / M);
  const z = Float64Array.from(w);
  const prev = new Float64Array(M);
  const next = new Float64Array(M);
  let t = 1;
  for (let it = 0; it < maxIter; it++) {
    for (let k = 0; k < M; k++) {
      let g = -b[k]!;
      for (let j = 0; j < M; j++) g += G[k * M + j]! * z[j]!;
      next[k] = z[k]! - g / L;
    }
    projectSimplex(next);
    prev.set(w);
    w.set(next);
    let move = 0;
    for (let k = 0; k < M; k++) move = Math.max(move, Math.abs(w[k]! - prev[k]!));
    if (move < tol) break;
    const t2 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    for (let k = 0; k < M; k++) z[k] = w[k]! + ((t - 1) / t2) * (w[k]! - prev[k]!);
    t = t2;
  }
  return polish(G, b, M, w);
}

/**
 * Exact finish by an active-set pass started from the support found by the iterations: on the
 * support `S` it solves the KKT system of the equality-constrained problem
 * (`G_SS w_S - μ 1 = b_S`, `Σ w_S = 1`), drops the most negative weight if any, else adds the
 * excluded member whose gradient lies furthest below `μ`, and stops when neither applies.
 * Falls back to the iterate when the systems are singular or the pass does not settle.
 */
function polish(G: Float64Array, b: Float64Array, M: number, w: Float64Array): Float64Array {
  const inS = new Uint8Array(M);
  for (let k = 0; k < M; k++) if (w[k]! > 1e-10) inS[k] = 1;
  for (let pass = 0; pass < 4 * M; pass++) {
    const S: number[] = [];
    for (let k = 0; k < M; k++) if (inS[k]) S.push(k);
    const r = solveOnSupport(G, b, M, S);
    if (r === undefined) return w;
    let worst = -1;
    for (let q = 0; q < S.length; q++)
      if (r.w[S[q]!]! < 0 && (worst < 0 || r.w[S[q]!]! < r.w[worst]!)) worst = S[q]!;
    if (worst >= 0) {
      inS[worst] = 0;
      continue;
    }
    let add = -1;
    let addGap = 1e-12 * (1 + Math.abs(r.mu));
    for (let k = 0; k < M; k++) {
      if (inS[k]) continue;
      let g = -b[k]!;
      for (let j = 0; j < M; j++) g += G[k * M + j]! * r.w[j]!;
      if (r.mu - g > addGap) {
        addGap = r.mu - g;
        add = k;
      }
    }
    if (add < 0) return r.w;
    inS[add] = 1;
  }
  return w;
}

function solveOnSupport(
  G: Float64Array,
  b: Float64Array,
  M: number,
  S: number[],
): { w: Float64Array; mu: number } | undefined {
  const m = S.length;
  if (m === 0) return undefined;
  const A = new MlMatrix(m + 1, m + 1);
  const rhs = new MlMatrix(m + 1, 1);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) A.set(r, c, G[S[r]! * M + S[c]!]!);
    A.set(r, m, -1);
    A.set(m, r, 1);
    rhs.set(r, 0, b[S[r]!]!);
  }
  rhs.set(m, 0, 1);
  let sol: MlMatrix;
  try {
    sol = solve(A, rhs);
  } catch {
    return undefined;
  }
  const out = new Float64Array(M);
  for (let r = 0; r < m; r++) {
    const v = sol.get(r, 0);
    if (!Number.isFinite(v)) return undefined;
    out[S[r]!] = v;
  }
  return { w: out, mu: sol.get(m, 0) };
}

/**
 * `argmax_w Σ_i log Σ_k w_k exp(lpd[i, k])` over the simplex (a mixture-weight likelihood) by EM:
 * `w_k ← mean_i [w_k p_ik / Σ_j w_j p_ij]`, which increases the objective monotonically.
 * Densities are rescaled per row by their maximum for stability.
 * @param lpd - row-major [n, M] log predictive densities
 */
export function simplexMixtureWeights(
  lpd: Float64Array,
  n: number,
  M: number,
  tol = 1e-12,
  maxIter = 100_000,
): Float64Array {
  const p = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < M; k++) mx = Math.max(mx, lpd[i * M + k]!);
    for (let k = 0; k < M; k++) p[i * M + k] = Math.exp(lpd[i * M + k]! - mx);
  }
  const w = new Float64Array(M).fill(1 / M);
  const acc = new Float64Array(M);
  for (let it = 0; it < maxIter; it++) {
    acc.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < M; k++) s += w[k]! * p[i * M + k]!;
      for (let k = 0; k < M; k++) acc[k]! += (w[k]! * p[i * M + k]!) / s;
    }
    let move = 0;
    for (let k = 0; k < M; k++) {
      const v = acc[k]! / n;
      move = Math.max(move, Math.abs(v - w[k]!));
      w[k] = v;
    }
    if (move < tol) break;
  }
  return w;
}
