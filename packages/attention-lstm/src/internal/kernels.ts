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

/**
 * Backward of {@link linearRows} for one block: dW[o, k] += Σ_r dY[r, o] · X[r, k],
 * db[o] += Σ_r dY[r, o], and (when dX is given) dX[r, k] (+)= Σ_o dY[r, o] · W[o, k].
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
  for (let r = 0; r < rows; r++) {
    const xr = xOff + r * xStride;
    const dr = dyOff + r * dyStride;
    for (let o = 0; o < outDim; o++) {
      const g = dy[dr + o]!;
      if (g === 0) continue;
      const wr = dwOff + o * inDim;
      for (let k = 0; k < inDim; k++) dw[wr + k] = dw[wr + k]! + g * x[xr + k]!;
      if (db !== null) db[dbOff + o] = db[dbOff + o]! + g;
    }
    if (dx !== null) {
      const xo = dxOff + r * dxStride;
      if (!accumulateDx) for (let k = 0; k < inDim; k++) dx[xo + k] = 0;
      for (let o = 0; o < outDim; o++) {
        const g = dy[dr + o]!;
        if (g === 0) continue;
        const wr = wOff + o * inDim;
        for (let k = 0; k < inDim; k++) dx[xo + k] = dx[xo + k]! + g * w[wr + k]!;
      }
    }
  }
}

/** The logistic sigmoid. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
