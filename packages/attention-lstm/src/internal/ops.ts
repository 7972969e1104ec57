/**
 * Shared elementwise and row operations of the model, used by the full-sequence passes and by
 * the stream: layer normalisation (Ba et al. 2016, eq. 3-4, biased variance, ε = 1e-5 as
 * PyTorch), the positional encodings (Vaswani et al. 2017, §3.5) and the pooling step.
 * @internal
 */
import type { Pooling, PositionalEncoding } from '../config.js';
import type { FArray } from './kernels.js';

/** PyTorch `nn.LayerNorm`'s default ε. */
const LN_EPS = 1e-5;

/** Writes rows [0, rows) of the sinusoidal encoding (Vaswani et al. 2017, §3.5) at `off`. */
export function writeSinusoid(pe: FArray, first: number, rows: number, H: number, off = 0): void {
  const c = -Math.log(10000) / H;
  for (let t = 0; t < rows; t++) {
    const pos = first + t;
    for (let i = 0; i < H; i += 2) {
      const a = pos * Math.exp(i * c);
      pe[off + t * H + i] = Math.sin(a);
      pe[off + t * H + i + 1] = Math.cos(a);
    }
  }
}

/**
 * z[k] = h[k] + position (rows [0, n/H) from position 0): the sinusoid table, the learned rows at
 * `learnedOff` of `p`, or nothing.
 */
export function addPositions(
  kind: PositionalEncoding,
  h: FArray,
  z: FArray,
  n: number,
  table: FArray,
  p: FArray,
  learnedOff: number,
): void {
  if (kind === 'sinusoidal') for (let k = 0; k < n; k++) z[k] = h[k]! + table[k]!;
  else if (kind === 'learned') for (let k = 0; k < n; k++) z[k] = h[k]! + p[learnedOff + k]!;
  else for (let k = 0; k < n; k++) z[k] = h[k]!;
}

/**
 * One row of `r ← z + r` followed by layer norm: writes the normalised row (before the affine
 * map) into `xhat` when given, the output `w·x̂ + b` into `y`, and returns 1/σ.
 */
export function residualLayerNorm(
  z: FArray,
  r: FArray,
  o: number,
  H: number,
  p: FArray,
  lnW: number,
  lnB: number,
  xhat: FArray | null,
  y: FArray,
): number {
  let mean = 0;
  for (let j = 0; j < H; j++) {
    const v = z[o + j]! + r[o + j]!;
    r[o + j] = v;
    mean += v;
  }
  mean /= H;
  let v = 0;
  for (let j = 0; j < H; j++) {
    const d = r[o + j]! - mean;
    v += d * d;
  }
  const rs = 1 / Math.sqrt(v / H + LN_EPS);
  for (let j = 0; j < H; j++) {
    const xh = (r[o + j]! - mean) * rs;
    if (xhat !== null) xhat[o + j] = xh;
    y[o + j] = xh * p[lnW + j]! + p[lnB + j]!;
  }
  return rs;
}

/**
 * Backward of layer norm over rows [0, T): accumulates dw, db into `g` and writes dr.
 */
export function layerNormBackward(
  dy: Float64Array,
  xhat: FArray,
  rstd: Float64Array,
  T: number,
  H: number,
  p: FArray,
  g: Float64Array,
  lnW: number,
  lnB: number,
  dr: Float64Array,
): void {
  for (let t = 0; t < T; t++) {
    const o = t * H;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < H; j++) {
      const d = dy[o + j]!;
      const xh = xhat[o + j]!;
      g[lnW + j] = g[lnW + j]! + d * xh;
      g[lnB + j] = g[lnB + j]! + d;
      const dxh = d * p[lnW + j]!;
      m1 += dxh;
      m2 += dxh * xh;
    }
    m1 /= H;
    m2 /= H;
    const rs = rstd[t]!;
    for (let j = 0; j < H; j++) {
      const dxh = dy[o + j]! * p[lnW + j]!;
      dr[o + j] = rs * (dxh - m1 - xhat[o + j]! * m2);
    }
  }
}

/**
 * Pools T rows of y into `pooled`: the last row, the mean, or softmax(y·w + b)-weighted
 * (attention pooling; the weights are left in `alpha`).
 */
export function poolForward(
  pooling: Pooling,
  y: FArray,
  T: number,
  H: number,
  p: FArray,
  poolW: number,
  poolB: number,
  alpha: Float64Array,
  pooled: FArray,
): void {
  if (pooling === 'last') {
    const o = (T - 1) * H;
    for (let j = 0; j < H; j++) pooled[j] = y[o + j]!;
    return;
  }
  if (pooling === 'mean') {
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += y[t * H + j]!;
      pooled[j] = s / T;
    }
    return;
  }
  let mx = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < T; t++) {
    let s = p[poolB]!;
    for (let j = 0; j < H; j++) s += p[poolW + j]! * y[t * H + j]!;
    alpha[t] = s;
    if (s > mx) mx = s;
  }
  let sum = 0;
  for (let t = 0; t < T; t++) {
    const e = Math.exp(alpha[t]! - mx);
    alpha[t] = e;
    sum += e;
  }
  for (let t = 0; t < T; t++) alpha[t] = alpha[t]! / sum;
  for (let j = 0; j < H; j++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += alpha[t]! * y[t * H + j]!;
    pooled[j] = s;
  }
}

/**
 * Backward of {@link poolForward}: dy (T rows) from the pooled gradient `dp`; attention pooling
 * accumulates its weight and bias gradients into `g` (`dA` is T scratch values).
 */
export function poolBackward(
  pooling: Pooling,
  dp: Float64Array,
  y: FArray,
  T: number,
  H: number,
  p: FArray,
  g: Float64Array,
  poolW: number,
  poolB: number,
  alpha: Float64Array,
  dA: Float64Array,
  dy: Float64Array,
): void {
  for (let k = 0; k < T * H; k++) dy[k] = 0;
  if (pooling === 'last') {
    for (let j = 0; j < H; j++) dy[(T - 1) * H + j] = dp[j]!;
    return;
  }
  if (pooling === 'mean') {
    for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) dy[t * H + j] = dp[j]! / T;
    return;
  }
  let dot = 0;
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += dp[j]! * y[t * H + j]!;
    dA[t] = s;
    dot += alpha[t]! * s;
  }
  for (let t = 0; t < T; t++) {
    const a = alpha[t]!;
    const ds = a * (dA[t]! - dot);
    g[poolB] = g[poolB]! + ds;
    for (let j = 0; j < H; j++) {
      g[poolW + j] = g[poolW + j]! + ds * y[t * H + j]!;
      dy[t * H + j] = a * dp[j]! + ds * p[poolW + j]!;
    }
  }
}
