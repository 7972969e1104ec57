/**
 * Dense kernels over flat typed arrays (row-major, explicit offsets and strides). No allocation.
 * @internal
 */

/** Storage of a float tensor: the model's dtype picks one of these. */
export type FArray = Float32Array | Float64Array;

/**
 * Y[r, o] = b[o] + Σ_k X[r, k] · W[o, k] for r < rows, o < outDim (PyTorch `Linear` layout:
 * W is [out, in]). Four outputs at a time share each load of X.
 */
export function linearRows(
  x: FArray,
  xOff: number,
  xStride: number,
  rows: number,
  inDim: number,
  w: FArray,
  wOff: number,
  outDim: number,
  b: FArray | null,
  bOff: number,
  y: FArray,
  yOff: number,
  yStride: number,
): void {
  const out4 = outDim - (outDim % 4);
  for (let r = 0; r < rows; r++) {
    const xr = xOff + r * xStride;
    const yr = yOff + r * yStride;
    let o = 0;
    for (; o < out4; o += 4) {
      const w0 = wOff + o * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
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
      const w0 = wOff + o * inDim;
      let s = 0;
      for (let k = 0; k < inDim; k++) s += x[xr + k]! * w[w0 + k]!;
      if (b !== null) s += b[bOff + o]!;
      y[yr + o] = s;
    }
  }
}

/** y[o] += Σ_k W[o, k] · x[k] (W is [outDim, inDim] at wOff). */
export function matvecAdd(
  w: FArray,
  wOff: number,
  outDim: number,
  inDim: number,
  x: FArray,
  xOff: number,
  y: FArray,
  yOff: number,
): void {
  const out4 = outDim - (outDim % 4);
  let o = 0;
  for (; o < out4; o += 4) {
    const w0 = wOff + o * inDim;
    const w1 = w0 + inDim;
    const w2 = w1 + inDim;
    const w3 = w2 + inDim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < inDim; k++) {
      const xv = x[xOff + k]!;
      s0 += xv * w[w0 + k]!;
      s1 += xv * w[w1 + k]!;
      s2 += xv * w[w2 + k]!;
      s3 += xv * w[w3 + k]!;
    }
    y[yOff + o] = y[yOff + o]! + s0;
    y[yOff + o + 1] = y[yOff + o + 1]! + s1;
    y[yOff + o + 2] = y[yOff + o + 2]! + s2;
    y[yOff + o + 3] = y[yOff + o + 3]! + s3;
  }
  for (; o < outDim; o++) {
    const w0 = wOff + o * inDim;
    let s = 0;
    for (let k = 0; k < inDim; k++) s += x[xOff + k]! * w[w0 + k]!;
    y[yOff + o] = y[yOff + o]! + s;
  }
}

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
 * Transposed copies (in module scratch that only grows) keep the inner loops contiguous.
 */
export function linearRowsBackward(
  x: FArray,
  xOff: number,
  xStride: number,
  rows: number,
  inDim: number,
  w: FArray,
  wOff: number,
  outDim: number,
  dy: Float64Array,
  dyOff: number,
  dyStride: number,
  dw: Float64Array,
  dwOff: number,
  db: Float64Array | null,
  dbOff: number,
  dx: Float64Array | null,
  dxOff: number,
  dxStride: number,
  accumulateDx: boolean,
): void {
  // dYᵀ (out × rows) and Xᵀ (in × rows)
  const dyT = scratch(outDim * rows, 0);
  const xT = scratch(inDim * rows, 1);
  for (let r = 0; r < rows; r++) {
    const dr = dyOff + r * dyStride;
    for (let o = 0; o < outDim; o++) dyT[o * rows + r] = dy[dr + o]!;
  }
  if (db !== null) {
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dyT[o * rows + r]!;
      db[dbOff + o] = db[dbOff + o]! + s;
    }
  }
  for (let r = 0; r < rows; r++) {
    const xr = xOff + r * xStride;
    for (let k = 0; k < inDim; k++) xT[k * rows + r] = x[xr + k]!;
  }
  gemmAccNT(dyT, 0, rows, outDim, rows, xT, 0, rows, inDim, dw, dwOff, inDim);
  if (dx !== null) {
    // Wᵀ (in × out), reusing the Xᵀ scratch.
    const wT = scratch(inDim * outDim, 1);
    for (let o = 0; o < outDim; o++) {
      const wr = wOff + o * inDim;
      for (let k = 0; k < inDim; k++) wT[k * outDim + o] = w[wr + k]!;
    }
    if (!accumulateDx) {
      for (let r = 0; r < rows; r++) {
        const xo = dxOff + r * dxStride;
        for (let k = 0; k < inDim; k++) dx[xo + k] = 0;
      }
    }
    gemmAccNT(dy, dyOff, dyStride, rows, outDim, wT, 0, outDim, inDim, dx, dxOff, dxStride);
  }
}

/** The logistic sigmoid. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * C[m, n] += Σ_k A[m, k] · B[n, k] with explicit row strides (A: M×K, B: N×K, C: M×N), four
 * columns of C at a time. Used for weight gradients as (4H × T)·(T × in)ᵀ products.
 */
export function gemmAccNT(
  a: FArray,
  aOff: number,
  aStride: number,
  M: number,
  K: number,
  b: FArray,
  bOff: number,
  bStride: number,
  N: number,
  c: Float64Array,
  cOff: number,
  cStride: number,
): void {
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
        const av = a[ar + k]!;
        s0 += av * b[b0 + k]!;
        s1 += av * b[b1 + k]!;
        s2 += av * b[b2 + k]!;
        s3 += av * b[b3 + k]!;
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
