/**
 * The backward pass of one sequence (reverse of forward.ts): head, pooling, layer norm,
 * attention, projections and backpropagation through time of the LSTM stack, accumulating into
 * the model's float64 gradients.
 * @internal
 */

import { keyHi, keyLo } from './forward.js';
import { at, type FArray, gemmAccNT, linearRows, linearRowsBackward } from './kernels.js';
import type { Net } from './net.js';
import { layerNormBackward, poolBackward } from './ops.js';
import type { Workspace } from './workspace.js';

/**
 * Backward of one projection Y = X·Wᵀ + b inside the model (weights at `wOff`, bias at `bOff`
 * in the flat buffers): accumulates dW and db and writes (or adds) dX. On the SIMD workspace
 * the two products run on the SIMD kernels through float32 mirrors.
 */
function projBackward(
  net: Net,
  ws: Workspace,
  x: FArray,
  rows: number,
  inDim: number,
  wOff: number,
  outDim: number,
  dy: Float64Array,
  bOff: number,
  dx: Float64Array,
  accumulateDx: boolean,
): void {
  const p = net.params;
  const g = net.grads;
  const kern = ws.kern;
  if (kern.arena === null || ws.bG32.length === 0) {
    linearRowsBackward(
      at(ws.v.a, x, 0, inDim),
      at(ws.v.b, p, wOff, inDim),
      at(ws.v.c, dy, 0, outDim),
      at(ws.v.d, g, wOff, inDim),
      at(ws.v.e, g, bOff, 0),
      at(ws.v.f, dx, 0, inDim),
      rows,
      inDim,
      outDim,
      accumulateDx,
    );
    return;
  }
  const dyT = ws.bGT32;
  const dy32 = ws.bG32;
  const xT = ws.bAT32;
  const wT = ws.bWT32;
  const out = ws.bOut32;
  const zero = ws.bZero32;
  for (let r = 0; r < rows; r++) {
    const dr = r * outDim;
    for (let o = 0; o < outDim; o++) {
      const v = dy[dr + o]!;
      g[bOff + o] = g[bOff + o]! + v;
      dyT[o * rows + r] = v;
      dy32[r * outDim + o] = v;
    }
    const xr = r * inDim;
    for (let k = 0; k < inDim; k++) xT[k * rows + r] = x[xr + k]!;
  }
  // dW (out × in) = dYᵀ·X
  kern.lin(
    at(ws.v.a, dyT, 0, rows),
    at(ws.v.b, xT, 0, rows),
    at(ws.v.c, zero, 0, 0),
    at(ws.v.d, out, 0, inDim),
    outDim,
    rows,
    inDim,
  );
  for (let k = 0; k < outDim * inDim; k++) g[wOff + k] = g[wOff + k]! + out[k]!;
  // dX (rows × in) = dY·W
  for (let o = 0; o < outDim; o++) {
    for (let k = 0; k < inDim; k++) wT[k * outDim + o] = p[wOff + o * inDim + k]!;
  }
  kern.lin(
    at(ws.v.a, dy32, 0, outDim),
    at(ws.v.b, wT, 0, outDim),
    at(ws.v.c, zero, 0, 0),
    at(ws.v.d, out, 0, inDim),
    rows,
    outDim,
    inDim,
  );
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    if (accumulateDx) for (let k = 0; k < inDim; k++) dx[xo + k] = dx[xo + k]! + out[xo + k]!;
    else for (let k = 0; k < inDim; k++) dx[xo + k] = out[xo + k]!;
  }
}

/** Backward of the attention core: dqkv from dAttO through the stored probabilities. */
function attentionCoreBackward(net: Net, ws: Workspace, T: number, dAttO: Float64Array): void {
  const { hiddenSize: H, numHeads: nh } = net.config;
  const H3 = 3 * H;
  const qkv = ws.qkv;
  const dqkv = ws.dqkv;
  for (let k = 0; k < T * H3; k++) dqkv[k] = 0;
  const probs = ws.probs;
  const band = ws.band;
  const dA = ws.dRow;
  const dh = H / nh;
  const scale = 1 / Math.sqrt(dh);
  for (let h = 0; h < nh; h++) {
    for (let i = 0; i < T; i++) {
      const lo = keyLo(net, i);
      const n = keyHi(net, i, T) - lo + 1;
      const pr = (h * T + i) * band;
      const oo = i * H + h * dh;
      let dot = 0;
      for (let j = 0; j < n; j++) {
        const a = probs[pr + j]!;
        if (a === 0) {
          dA[j] = 0;
          continue;
        }
        const vo = (lo + j) * H3 + 2 * H + h * dh;
        let s = 0;
        for (let d = 0; d < dh; d++) {
          const go = dAttO[oo + d]!;
          s += go * qkv[vo + d]!;
          dqkv[vo + d] = dqkv[vo + d]! + a * go;
        }
        dA[j] = s;
        dot += a * s;
      }
      const qo = i * H3 + h * dh;
      for (let j = 0; j < n; j++) {
        const a = probs[pr + j]!;
        if (a === 0) continue;
        const ds = a * (dA[j]! - dot) * scale;
        const ko = (lo + j) * H3 + H + h * dh;
        for (let d = 0; d < dh; d++) {
          dqkv[qo + d] = dqkv[qo + d]! + ds * qkv[ko + d]!;
          dqkv[ko + d] = dqkv[ko + d]! + ds * qkv[qo + d]!;
        }
      }
    }
  }
}

/**
 * From dy (the gradient of the per-step block outputs, in `ws.dH`) down to dz (the gradient of
 * the LSTM top layer's outputs plus positions, left in `ws.dz`).
 */
function blockBackward(net: Net, ws: Workspace, T: number): void {
  const H = net.config.hiddenSize;
  const lay = net.layout;
  const g = net.grads;
  const dr = ws.dO;
  layerNormBackward(ws.dH, ws.xhat, ws.rstd, T, H, net.params, g, lay.lnW, lay.lnB, dr);
  // residual: dz = dr + (attention path)
  const dz = ws.dz;
  for (let k = 0; k < T * H; k++) dz[k] = dr[k]!;
  const dAttO = ws.dX;
  projBackward(net, ws, ws.attO, T, H, lay.outW, H, dr, lay.outB, dAttO, false);
  attentionCoreBackward(net, ws, T, dAttO);
  projBackward(net, ws, ws.z, T, H, lay.inW, 3 * H, ws.dqkv, lay.inB, dz, true);
  if (net.config.positionalEncoding === 'learned') {
    const po = lay.pos;
    for (let k = 0; k < T * H; k++) g[po + k] = g[po + k]! + dz[k]!;
  }
}

/**
 * Elementwise gate derivatives of one layer, top step to first, with dh_{t-1} = W_hhᵀ·dG_t
 * (`wTl` holds W_hhᵀ); fills `ws.dG`.
 */
function lstmGateBackward(
  net: Net,
  ws: Workspace,
  l: number,
  T: number,
  dHs: Float64Array,
  wTl: FArray,
  simd: boolean,
): void {
  const H = net.config.hiddenSize;
  const H4 = 4 * H;
  const dG = ws.dG;
  const G = ws.gates[l]!;
  const C = ws.cells[l]!;
  const TC = ws.tcs[l]!;
  const dhN = net.dhNext;
  const dcN = net.dcNext;
  dhN.fill(0);
  dcN.fill(0);
  const bG = ws.bG32;
  const bDhN = ws.bDhN32;
  for (let t = T - 1; t >= 0; t--) {
    const g0 = t * H4;
    const h0 = t * H;
    for (let j = 0; j < H; j++) {
      const dhv = dHs[h0 + j]! + dhN[j]!;
      const ig = G[g0 + j]!;
      const fg = G[g0 + H + j]!;
      const gg = G[g0 + 2 * H + j]!;
      const og = G[g0 + 3 * H + j]!;
      const tc = TC[h0 + j]!;
      const dc = dhv * og * (1 - tc * tc) + dcN[j]!;
      const cPrev = t > 0 ? C[h0 - H + j]! : 0;
      dG[g0 + j] = dc * gg * ig * (1 - ig);
      dG[g0 + H + j] = dc * cPrev * fg * (1 - fg);
      dG[g0 + 2 * H + j] = dc * ig * (1 - gg * gg);
      dG[g0 + 3 * H + j] = dhv * tc * og * (1 - og);
      dcN[j] = dc * fg;
    }
    if (t > 0) {
      if (simd) {
        for (let r = 0; r < H4; r++) bG[g0 + r] = dG[g0 + r]!;
        ws.kern.lin(
          at(ws.v.a, bG, g0, H4),
          at(ws.v.b, wTl, 0, H4),
          at(ws.v.c, ws.bZero32, 0, 0),
          at(ws.v.d, bDhN, 0, H),
          1,
          H4,
          H,
        );
        for (let j = 0; j < H; j++) dhN[j] = bDhN[j]!;
      } else {
        linearRows(
          at(ws.v.a, dG, g0, H4),
          at(ws.v.b, wTl, 0, H4),
          null,
          at(ws.v.d, dhN, 0, H),
          1,
          H4,
          H,
        );
      }
    } else if (simd) {
      for (let r = 0; r < H4; r++) bG[r] = dG[r]!;
    }
  }
}

/**
 * g[gOff ..] += A·Bᵀ for the weight gradients of the LSTM (A: M×K rows `aStride` apart from
 * `aOff`, B: N×K rows `bStride` apart): on the SIMD kernels from the float32 mirrors (A in
 * `bGT32`, B in `bAT32`), in JavaScript from `dGT` and `actT`.
 */
function accProductNT(
  ws: Workspace,
  simd: boolean,
  g: Float64Array,
  gOff: number,
  aOff: number,
  aStride: number,
  bStride: number,
  M: number,
  K: number,
  N: number,
): void {
  const v = ws.v;
  if (!simd) {
    gemmAccNT(
      at(v.a, ws.dGT, aOff, aStride),
      at(v.b, ws.actT, 0, bStride),
      at(v.c, g, gOff, N),
      M,
      K,
      N,
    );
    return;
  }
  const out = ws.bOut32;
  ws.kern.lin(
    at(v.a, ws.bGT32, aOff, aStride),
    at(v.b, ws.bAT32, 0, bStride),
    at(v.c, ws.bZero32, 0, 0),
    at(v.d, out, 0, N),
    M,
    K,
    N,
  );
  for (let k = 0; k < M * N; k++) g[gOff + k] = g[gOff + k]! + out[k]!;
}

/** Weight and bias gradients of layer l from `ws.dG`, and (l > 0) the gradient of its input in `ws.dH`. */
function lstmWeightBackward(
  net: Net,
  ws: Workspace,
  l: number,
  T: number,
  x: FArray,
  xOff: number,
  wTl: FArray,
  simd: boolean,
): void {
  const H = net.config.hiddenSize;
  const H4 = 4 * H;
  const p = net.params;
  const g = net.grads;
  const lp = net.layout.layers[l]!;
  const dG = ws.dG;
  const dGT = ws.dGT;
  const aT = ws.actT;
  const Hs = ws.hs[l]!;
  const kern = ws.kern;
  const { bGT32: bGT, bAT32: bAT, bOut32: bOut, bZero32: bZero, bG32: bG } = ws;
  // dGᵀ (4H × T); bias gradients are its row sums.
  for (let t = 0; t < T; t++) for (let r = 0; r < H4; r++) dGT[r * T + t] = dG[t * H4 + r]!;
  for (let r = 0; r < H4; r++) {
    let sum = 0;
    for (let t = 0; t < T; t++) sum += dGT[r * T + t]!;
    g[lp.bih + r] = g[lp.bih + r]! + sum;
    g[lp.bhh + r] = g[lp.bhh + r]! + sum;
  }
  // dW_hh += Σ_{t≥1} dG_t ⊗ h_{t-1}
  if (simd) for (let k = 0; k < T * H4; k++) bGT[k] = dGT[k]!;
  if (T > 1) {
    const K = T - 1;
    const hT = simd ? bAT : aT;
    const hS = simd ? K : T;
    for (let t = 0; t < K; t++) for (let k = 0; k < H; k++) hT[k * hS + t] = Hs[t * H + k]!;
    accProductNT(ws, simd, g, lp.whh, 1, T, hS, H4, K, H);
  }
  // dW_ih += Σ_t dG_t ⊗ x_t; dX = dG · W_ih
  const inp: FArray = l === 0 ? x : net.dropoutActive ? ws.dropped[l]! : ws.hs[l - 1]!;
  const inOff = l === 0 ? xOff : 0;
  const inDim = lp.inDim;
  const aTl: FArray = simd ? bAT : aT;
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < inDim; k++) aTl[k * T + t] = inp[inOff + t * inDim + k]!;
  }
  accProductNT(ws, simd, g, lp.wih, 0, T, T, H4, T, inDim);
  if (l === 0) return;
  for (let r = 0; r < H4; r++) {
    for (let k = 0; k < inDim; k++) wTl[k * H4 + r] = p[lp.wih + r * inDim + k]!;
  }
  const dX = ws.dX;
  if (simd) {
    kern.lin(
      at(ws.v.a, bG, 0, H4),
      at(ws.v.b, wTl, 0, H4),
      at(ws.v.c, bZero, 0, 0),
      at(ws.v.d, bOut, 0, inDim),
      T,
      H4,
      inDim,
    );
    for (let k = 0; k < T * inDim; k++) dX[k] = bOut[k]!;
  } else {
    linearRows(
      at(ws.v.a, dG, 0, H4),
      at(ws.v.b, wTl, 0, H4),
      null,
      at(ws.v.d, dX, 0, inDim),
      T,
      H4,
      inDim,
    );
  }
  if (net.dropoutActive) {
    const M = ws.masks[l]!;
    for (let k = 0; k < T * H; k++) dX[k] = dX[k]! * M[k]!;
  }
  // Into dH (the gradient of the layer below's outputs); dH is free after layer norm backward.
  const next = ws.dH;
  for (let k = 0; k < T * H; k++) next[k] = dX[k]!;
}

/**
 * Backpropagation through time of the LSTM stack from dHs (the top layer's output gradient).
 * Per step only the elementwise gate derivatives and dh_{t-1}; the weight and bias gradients are
 * products over all steps at the end (transposed copies keep every inner loop contiguous).
 */
function lstmBackward(net: Net, ws: Workspace, x: FArray, xOff: number, T: number): void {
  const { hiddenSize: H, numLayers: L } = net.config;
  const H4 = 4 * H;
  const p = net.params;
  const simd = ws.kern.arena !== null && ws.bG32.length > 0;
  const wTl: FArray = simd ? ws.bWT32 : net.wT;
  let dHs: Float64Array = ws.dz;
  for (let l = L - 1; l >= 0; l--) {
    const lp = net.layout.layers[l]!;
    for (let r = 0; r < H4; r++) {
      for (let k = 0; k < H; k++) wTl[k * H4 + r] = p[lp.whh + r * H + k]!;
    }
    lstmGateBackward(net, ws, l, T, dHs, wTl, simd);
    lstmWeightBackward(net, ws, l, T, x, xOff, wTl, simd);
    dHs = ws.dH;
  }
}

/**
 * Backpropagates `dY` (T × H, the gradient of the per-step block outputs, already in `ws.dH`)
 * through the block and the LSTM stack.
 */
export function backwardFromSteps(
  net: Net,
  ws: Workspace,
  x: FArray,
  xOff: number,
  T: number,
): void {
  blockBackward(net, ws, T);
  lstmBackward(net, ws, x, xOff, T);
}

/**
 * Backpropagates `dOut` (the gradient of the head output of the sequence just run with every
 * query) and accumulates into the gradients.
 */
export function backwardSequence(
  net: Net,
  ws: Workspace,
  x: FArray,
  xOff: number,
  T: number,
  dOut: Float64Array,
): void {
  const { hiddenSize: H, outputSize: O, pooling } = net.config;
  const lay = net.layout;
  const p = net.params;
  const g = net.grads;
  const dp = net.dPooled;
  linearRowsBackward(
    at(ws.v.a, net.pooled, 0, H),
    at(ws.v.b, p, lay.headW, H),
    at(ws.v.c, dOut, 0, O),
    at(ws.v.d, g, lay.headW, H),
    at(ws.v.e, g, lay.headB, 0),
    at(ws.v.f, dp, 0, H),
    1,
    H,
    O,
    false,
  );
  poolBackward(pooling, dp, ws.y, T, H, p, g, lay.poolW, lay.poolB, ws.alpha, ws.dRow, ws.dH);
  backwardFromSteps(net, ws, x, xOff, T);
}
