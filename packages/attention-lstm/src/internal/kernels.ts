/**
 * Dense kernels over flat typed arrays (row-major, explicit offsets and strides). No allocation.
 * @internal
 */

/** Storage of a float tensor: the model's dtype picks one of these. */
export type FArray = Float32Array | Float64Array;

/**
 * A strided view of a row-major block: row r starts at `data[off + r * stride]`, its elements
 * are contiguous. Weight matrices `[out, in]` are views with `stride` = in.
 */
export interface Strided {
  data: FArray;
  off: number;
  stride: number;
}

/** A new view. */
export function strided(data: FArray, off = 0, stride = 0): Strided {
  return { data, off, stride };
}

/** Six reusable views for the arguments of one kernel call, re-pointed with {@link at}. */
export class ViewSet {
  readonly a = strided(new Float64Array(0));
  readonly b = strided(new Float64Array(0));
  readonly c = strided(new Float64Array(0));
  readonly d = strided(new Float64Array(0));
  readonly e = strided(new Float64Array(0));
  readonly f = strided(new Float64Array(0));
}

/** Re-points a scratch view in place (no allocation) and returns it. */
export function at(v: Strided, data: FArray, off: number, stride: number): Strided {
  v.data = data;
  v.off = off;
  v.stride = stride;
  return v;
}

/**
 * Y[r, o] = b[o] + Σ_k X[r, k] · W[o, k] for r < rows, o < outDim (PyTorch `Linear` layout:
 * W is [out, in] with row stride `w.stride`). Four outputs at a time share each load of X.
 */
export function linearRows(
  xv: Strided,
  wv: Strided,
  bv: Strided | null,
  yv: Strided,
  rows: number,
  inDim: number,
  outDim: number,
): void {
  const { data: x, off: xOff, stride: xStride } = xv;
  const { data: w, off: wOff, stride: wS } = wv;
  const { data: y, off: yOff, stride: yStride } = yv;
  const b = bv === null ? null : bv.data;
  const bOff = bv === null ? 0 : bv.off;
  const out4 = outDim - (outDim % 4);
  for (let r = 0; r < rows; r++) {
    const xr = xOff + r * xStride;
    const yr = yOff + r * yStride;
    let o = 0;
    for (; o < out4; o += 4) {
      const w0 = wOff + o * wS;
      const w1 = w0 + wS;
      const w2 = w1 + wS;
      const w3 = w2 + wS;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < inDim; k++) {
        const xv = x[xr + k]!;
        s0 += xv * w[w0 + k]!;
        s1 += xv * w[w1 + k]!;
        s2 += xv * w[w2 + k]!;
        s3 += xv * w[w3 + k]!;
      }
      if (b !== null) {
        s0 += b[bOff + o]!;
        s1 += b[bOff + o + 1]!;
        s2 += b[bOff + o + 2]!;
        s3 += b[bOff + o + 3]!;
      }
      y[yr + o] = s0;
      y[yr + o + 1] = s1;
      y[yr + o + 2] = s2;
      y[yr + o + 3] = s3;
    }
    for (; o < outDim; o++) {
      const w0 = wOff + o * wS;
      let s = 0;
      for (let k = 0; k < inDim; k++) s += x[xr + k]! * w[w0 + k]!;
      if (b !== null) s += b[bOff + o]!;
      y[yr + o] = s;
    }
  }
}

const viewA = strided(new Float64Array(0));
const viewB = strided(new Float64Array(0));
let tA = new Float64Array(0);
let tB = new Float64Array(0);
function scratch(n: number, which: 0 | 1): Float64Array {
  if (which === 0) {
    if (tA.length < n) tA = new Float64Array(Math.max(n, tA.length * 2));
    return tA;
  }
  if (tB.length < n) tB = new Float64Array(Math.max(n, tB.length * 2));
  return tB;
}

/**
 * Backward of {@link linearRows} for one block: dW[o, k] += Σ_r dY[r, o] · X[r, k],
 * db[o] += Σ_r dY[r, o], and (when dX is given) dX[r, k] (+)= Σ_o dY[r, o] · W[o, k].
 * `dw` is a view of the weight gradients (same layout as `w`), `db` of the bias gradients.
 * Transposed copies (in module scratch that only grows) keep the inner loops contiguous.
 */
export function linearRowsBackward(
  x: Strided,
  w: Strided,
  dy: Strided,
  dw: Strided,
  db: Strided | null,
  dx: Strided | null,
  rows: number,
  inDim: number,
  outDim: number,
  accumulateDx: boolean,
): void {
  // dYᵀ (out × rows) and Xᵀ (in × rows)
  const dyT = scratch(outDim * rows, 0);
  const xT = scratch(inDim * rows, 1);
  const dyd = dy.data;
  for (let r = 0; r < rows; r++) {
    const dr = dy.off + r * dy.stride;
    for (let o = 0; o < outDim; o++) dyT[o * rows + r] = dyd[dr + o]!;
  }
  if (db !== null) {
    const dbd = db.data;
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dyT[o * rows + r]!;
      dbd[db.off + o] = dbd[db.off + o]! + s;
    }
  }
  const xd = x.data;
  for (let r = 0; r < rows; r++) {
    const xr = x.off + r * x.stride;
    for (let k = 0; k < inDim; k++) xT[k * rows + r] = xd[xr + k]!;
  }
  gemmAccNT(at(viewA, dyT, 0, rows), at(viewB, xT, 0, rows), dw, outDim, rows, inDim);
  if (dx === null) return;
  // Wᵀ (in × out), reusing the Xᵀ scratch.
  const wT = scratch(inDim * outDim, 1);
  const wd = w.data;
  for (let o = 0; o < outDim; o++) {
    const wr = w.off + o * w.stride;
    for (let k = 0; k < inDim; k++) wT[k * outDim + o] = wd[wr + k]!;
  }
  if (!accumulateDx) {
    const dxd = dx.data;
    for (let r = 0; r < rows; r++) {
      const xo = dx.off + r * dx.stride;
      for (let k = 0; k < inDim; k++) dxd[xo + k] = 0;
    }
  }
  gemmAccNT(dy, at(viewB, wT, 0, outDim), dx, rows, outDim, inDim);
}

/** The logistic sigmoid. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * C[m, n] += Σ_k A[m, k] · B[n, k] over strided views (A: M×K, B: N×K, C: M×N), four columns
 * of C at a time. Used for weight gradients as (4H × T)·(T × in)ᵀ products.
 */
export function gemmAccNT(
  av: Strided,
  bv: Strided,
  cv: Strided,
  M: number,
  K: number,
  N: number,
): void {
  const { data: a, off: aOff, stride: aStride } = av;
  const { data: b, off: bOff, stride: bStride } = bv;
  const { data: c, off: cOff, stride: cStride } = cv;
  const n4 = N - (N % 4);
  for (let m = 0; m < M; m++) {
    const ar = aOff + m * aStride;
    const cr = cOff + m * cStride;
    let n = 0;
    for (; n < n4; n += 4) {
      const b0 = bOff + n * bStride;
      const b1 = b0 + bStride;
      const b2 = b1 + bStride;
      const b3 = b2 + bStride;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const avk = a[ar + k]!;
        s0 += avk * b[b0 + k]!;
        s1 += avk * b[b1 + k]!;
        s2 += avk * b[b2 + k]!;
        s3 += avk * b[b3 + k]!;
      }
      c[cr + n] = c[cr + n]! + s0;
      c[cr + n + 1] = c[cr + n + 1]! + s1;
      c[cr + n + 2] = c[cr + n + 2]! + s2;
      c[cr + n + 3] = c[cr + n + 3]! + s3;
    }
    for (; n < N; n++) {
      const b0 = bOff + n * bStride;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ar + k]! * b[b0 + k]!;
      c[cr + n] = c[cr + n]! + s;
    }
  }
}
