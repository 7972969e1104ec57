/**
 * The O(n) kernels behind the VECM fit: one pass over the venues' prices accumulating the
 * cross-products of the VECM's variables, and one pass accumulating the moments of the
 * residuals' outer products. Everything after these passes is a small dense problem.
 *
 * Row layout of observation t (t = lags + 1 .. n − 1, T = n − lags − 1 rows, as statsmodels):
 * `[Δy_t (K), y_{t−1} − shift (K), Δy_{t−1} (K), …, Δy_{t−lags} (K)]`, D = K·(2 + lags).
 *
 * @module
 */

/** Sums over the T rows: `sum[i] = Σ x_i`, `cross[i·D + j] = Σ x_i x_j` (full, symmetric). */
export interface VecmMoments {
  readonly rows: number;
  readonly dim: number;
  readonly sum: Float64Array;
  readonly cross: Float64Array;
}

/** Fills `x` with observation t's row from scratch (see the module doc). */
function fillRow(
  y: readonly Float64Array[],
  k: number,
  lags: number,
  shift: Float64Array,
  t: number,
  x: Float64Array,
): void {
  for (let v = 0; v < k; v++) {
    const s = y[v]!;
    const prev = s[t - 1]!;
    x[v] = s[t]! - prev;
    x[k + v] = prev - shift[v]!;
    for (let l = 1; l <= lags; l++) x[(l + 1) * k + v] = s[t - l]! - s[t - l - 1]!;
  }
}

/**
 * Advances `x` from observation t − 1's row to t's: the lag blocks shift by one block (Δy_{t−1}
 * is the previous row's Δy_t), so only Δy_t and y_{t−1} are read from the prices.
 */
function advanceRow(
  y: readonly Float64Array[],
  k: number,
  shift: Float64Array,
  t: number,
  x: Float64Array,
): void {
  const dim = x.length;
  for (let i = dim - 1; i >= 3 * k; i--) x[i] = x[i - k]!;
  if (dim > 2 * k) for (let v = 0; v < k; v++) x[2 * k + v] = x[v]!;
  for (let v = 0; v < k; v++) {
    const s = y[v]!;
    const prev = s[t - 1]!;
    x[v] = s[t]! - prev;
    x[k + v] = prev - shift[v]!;
  }
}

/**
 * One pass of cross-products: O(n·K·D) time, O(D²) memory.
 *
 * Only the rows of Δy_t and y_{t−1} are accumulated per observation. The lag-by-lag blocks are
 * shifted copies of the Δy_t-by-lag blocks: Σ_t Δy_{t−a} Δy_{t−b}' = Σ_s Δy_s Δy_{s−(b−a)}' over
 * s = t − a, which differs from the accumulated Σ_t Δy_t Δy_{t−(b−a)}' only by the a terms at
 * each end of the sample, added and removed exactly afterwards.
 * @param y - K price series of equal length n
 * @param lags - number of lagged differences (statsmodels' `k_ar_diff`)
 * @param shift - a per-venue level subtracted from y_{t−1}, for accuracy
 */
export function accumulateVecmMoments(
  y: readonly Float64Array[],
  lags: number,
  shift: Float64Array,
): VecmMoments {
  const k = y.length;
  const n = y[0]!.length;
  const dim = k * (2 + lags);
  const head = 2 * k;
  const x = new Float64Array(dim);
  const sum = new Float64Array(dim);
  const cross = new Float64Array(dim * dim);
  for (let t = lags + 1; t < n; t++) {
    if (t === lags + 1) fillRow(y, k, lags, shift, t, x);
    else advanceRow(y, k, shift, t, x);
    for (let i = 0; i < dim; i++) sum[i]! += x[i]!;
    // two head rows per sweep share each load of x[j] (head = 2K is even)
    for (let i = 0; i < head; i += 2) {
      const x0 = x[i]!;
      const x1 = x[i + 1]!;
      const r0 = i * dim;
      const r1 = r0 + dim;
      cross[r0 + i]! += x0 * x0;
      for (let j = i + 1; j < dim; j++) {
        const xj = x[j]!;
        cross[r0 + j]! += x0 * xj;
        cross[r1 + j]! += x1 * xj;
      }
    }
  }
  const d = (s: number, v: number) => y[v]![s]! - y[v]![s - 1]!;
  for (let a = 1; a <= lags; a++) {
    for (let b = a; b <= lags; b++) {
      const l = b - a;
      for (let v = 0; v < k; v++) {
        for (let w = l === 0 ? v : 0; w < k; w++) {
          let acc =
            l === 0
              ? cross[Math.min(v, w) * dim + Math.max(v, w)]!
              : cross[v * dim + (l + 1) * k + w]!;
          for (let s = n - a; s < n; s++) acc -= d(s, v) * d(s - l, w);
          for (let s = lags + 1 - a; s <= lags; s++) acc += d(s, v) * d(s - l, w);
          cross[((a + 1) * k + v) * dim + (b + 1) * k + w] = acc;
        }
      }
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < i; j++) cross[i * dim + j] = cross[j * dim + i]!;
  }
  return { rows: n - lags - 1, dim, sum, cross };
}

/**
 * One pass over the residuals u_t = Δy_t − c − B·z_t (z_t the row without its Δy_t block),
 * accumulating w_t = vech(u_t u_t') (lower triangle, row by row) and its outer products: the
 * inputs of the fourth-moment covariance of vech(Ω̂). O(n·(K·D + q²)) time, O(q²) memory.
 * @param coef - K × (D − K) row-major coefficients B on z_t
 * @param constant - the K intercepts c (zeros without a constant)
 */
export function accumulateResidualMoments(
  y: readonly Float64Array[],
  lags: number,
  shift: Float64Array,
  coef: Float64Array,
  constant: Float64Array,
): { readonly sum: Float64Array; readonly cross: Float64Array; readonly rows: number } {
  const k = y.length;
  const n = y[0]!.length;
  const dim = k * (2 + lags);
  const m = dim - k;
  const q = (k * (k + 1)) / 2;
  const x = new Float64Array(dim);
  const u = new Float64Array(k);
  const w = new Float64Array(q);
  const sum = new Float64Array(q);
  const cross = new Float64Array(q * q);
  for (let t = lags + 1; t < n; t++) {
    if (t === lags + 1) fillRow(y, k, lags, shift, t, x);
    else advanceRow(y, k, shift, t, x);
    for (let i = 0; i < k; i++) {
      let acc = x[i]! - constant[i]!;
      const row = i * m;
      for (let j = 0; j < m; j++) acc -= coef[row + j]! * x[k + j]!;
      u[i] = acc;
    }
    let p = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) w[p++] = u[i]! * u[j]!;
    for (let a = 0; a < q; a++) {
      const wa = w[a]!;
      sum[a]! += wa;
      for (let b = a; b < q; b++) cross[a * q + b]! += wa * w[b]!;
    }
  }
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) cross[a * q + b] = cross[b * q + a]!;
  return { sum, cross, rows: n - lags - 1 };
}
