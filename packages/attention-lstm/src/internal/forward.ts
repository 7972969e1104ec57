/**
 * The forward pass of one sequence: the LSTM stack (PyTorch `nn.LSTM` equations), positions,
 * multi-head self-attention (`nn.MultiheadAttention`), residual + layer norm, pooling and head.
 * Every activation stays in the workspace for the backward pass.
 * @internal
 */
import type { ActivationStats } from '../types.js';
import { at, type FArray } from './kernels.js';
import type { Net } from './net.js';
import { addPositions, poolForward, residualLayerNorm } from './ops.js';
import type { Workspace } from './workspace.js';

/** The LSTM stack over T steps of x at xOff; the top layer's outputs end in `ws.hs[L-1]`. */
function lstmForward(
  net: Net,
  ws: Workspace,
  x: FArray,
  xOff: number,
  T: number,
  stats: ActivationStats | undefined,
): void {
  const { hiddenSize: H, numLayers: L, inputSize: D } = net.config;
  const p = net.params;
  const H4 = 4 * H;
  const kern = ws.kern;
  let inp: FArray = x;
  let inOff = xOff;
  if (kern.arena !== null && !kern.arena.owns(x)) {
    // The SIMD kernels read from the arena: copy the sequence in.
    const st = ws.staging;
    for (let k = 0; k < T * D; k++) st[k] = x[xOff + k]!;
    inp = st;
    inOff = 0;
  }
  for (let l = 0; l < L; l++) {
    const lp = net.layout.layers[l]!;
    const G = ws.gates[l]!;
    const C = ws.cells[l]!;
    const Hs = ws.hs[l]!;
    const TC = ws.tcs[l]!;
    if (l > 0 && net.dropoutActive) {
      inp = applyDropout(net, ws.masks[l]!, ws.dropped[l]!, inp, T * H);
      inOff = 0;
    }
    // Input projection for all steps at once, both biases folded in.
    kern.lin(
      at(ws.v.a, inp, inOff, lp.inDim),
      at(ws.v.b, p, lp.wih, lp.inDim),
      at(ws.v.c, net.biasSum[l]!, 0, 0),
      at(ws.v.d, G, 0, H4),
      T,
      lp.inDim,
      H4,
    );
    for (let t = 0; t < T; t++) {
      const g0 = t * H4;
      const h0 = t * H;
      // The four gate products fused into one (4H × H) matrix-vector product per step.
      if (t > 0)
        kern.lin(
          at(ws.v.a, Hs, h0 - H, H),
          at(ws.v.b, p, lp.whh, H),
          at(ws.v.c, G, g0, 0),
          at(ws.v.d, G, g0, H4),
          1,
          H,
          H4,
        );
      const v = ws.v;
      const cPrev = t > 0 ? at(v.b, C, h0 - H, 0) : null;
      kern.cell(
        at(v.a, G, g0, 0),
        cPrev,
        at(v.c, C, h0, 0),
        at(v.d, TC, h0, 0),
        at(v.e, Hs, h0, 0),
        H,
      );
    }
    if (stats !== undefined) countSaturation(G, T, H, stats);
    inp = Hs;
    inOff = 0;
  }
}

/** Inverted dropout of n inputs: draws the mask into M and writes the kept inputs to Xd. */
function applyDropout(net: Net, M: FArray, Xd: FArray, inp: FArray, n: number): FArray {
  const keep = 1 - net.config.dropout;
  const scale = 1 / keep;
  const rng = net.dropoutRng;
  for (let k = 0; k < n; k++) {
    const m = rng.float() < keep ? scale : 0;
    M[k] = m;
    Xd[k] = inp[k]! * m;
  }
  return Xd;
}

function countSaturation(G: FArray, T: number, H: number, stats: ActivationStats): void {
  const H4 = 4 * H;
  let sat = 0;
  for (let t = 0; t < T; t++) {
    const g0 = t * H4;
    for (let j = 0; j < H; j++) {
      const ig = G[g0 + j]!;
      const fg = G[g0 + H + j]!;
      const og = G[g0 + 3 * H + j]!;
      if (ig < 0.01 || ig > 0.99) sat++;
      if (fg < 0.01 || fg > 0.99) sat++;
      if (og < 0.01 || og > 0.99) sat++;
    }
  }
  stats.gateCount += 3 * T * H;
  stats.gateSaturated += sat;
}

/** The first key query i attends to. */
export function keyLo(net: Net, i: number): number {
  const win = net.config.attentionWindow;
  return win === null ? 0 : Math.max(0, i - win + 1);
}

/** The last key query i of a T-step sequence attends to. */
export function keyHi(net: Net, i: number, T: number): number {
  const win = net.config.attentionWindow;
  if (net.config.causal) return i;
  return win === null ? T - 1 : Math.min(T - 1, i + win - 1);
}

/** Attention of query i over the n keys from lo, into `ws.attO` (scores in `ws.attScores`). */
function attendQuery(ws: Workspace, i: number, lo: number, n: number, H: number, nh: number): void {
  const H3 = 3 * H;
  const qkv = ws.qkv;
  const dh = H / nh;
  const v = ws.v;
  const q = at(v.a, qkv, i * H3, 0);
  const K = at(v.b, qkv, lo * H3 + H, H3);
  const V = at(v.c, qkv, lo * H3 + 2 * H, H3);
  ws.kern.attend(q, K, V, at(v.d, ws.attO, i * H, 0), ws.attScores, n, nh, dh, 1 / Math.sqrt(dh));
}

/**
 * Self-attention over z into `ws.attO` for queries [q0, T); with q0 = 0 the probabilities are
 * kept in `ws.probs` ([head, query, band], relative to the query's first key).
 */
function attentionForward(net: Net, ws: Workspace, T: number, q0: number): void {
  const { hiddenSize: H, numHeads: nh } = net.config;
  const p = net.params;
  const kern = ws.kern;
  const { inW, inB } = net.layout;
  const z = ws.z;
  const qkv = ws.qkv;
  const H3 = 3 * H;
  // K and V for every step; Q for the queries we need.
  kern.lin(
    at(ws.v.a, z, 0, H),
    at(ws.v.b, p, inW + H * H, H),
    at(ws.v.c, p, inB + H, 0),
    at(ws.v.d, qkv, H, H3),
    T,
    H,
    2 * H,
  );
  kern.lin(
    at(ws.v.a, z, q0 * H, H),
    at(ws.v.b, p, inW, H),
    at(ws.v.c, p, inB, 0),
    at(ws.v.d, qkv, q0 * H3, H3),
    T - q0,
    H,
    H,
  );
  const sc = ws.attScores;
  if (q0 > 0) {
    // Only the last query matters (last-step pooling in inference).
    const i = T - 1;
    const lo = keyLo(net, i);
    const n = i - lo + 1;
    attendQuery(ws, i, lo, n, H, nh);
    return;
  }
  ws.ensureProbs();
  const probs = ws.probs;
  const band = ws.band;
  for (let i = 0; i < T; i++) {
    const lo = keyLo(net, i);
    const n = keyHi(net, i, T) - lo + 1;
    attendQuery(ws, i, lo, n, H, nh);
    for (let h = 0; h < nh; h++) {
      const pr = (h * T + i) * band;
      for (let j = 0; j < n; j++) probs[pr + j] = sc[h * n + j]!;
    }
  }
}

/**
 * One sequence through the whole model; leaves every activation in `ws` and the head output in
 * `net.outBuf`. With `lastOnly`, attention runs for the last query only (valid for last-step
 * pooling, whose output depends on nothing else).
 */
export function forwardSequence(
  net: Net,
  ws: Workspace,
  x: FArray,
  xOff: number,
  T: number,
  lastOnly: boolean,
  stats?: ActivationStats,
): void {
  const { hiddenSize: H, numLayers: L, outputSize: O, pooling } = net.config;
  const p = net.params;
  const lay = net.layout;
  lstmForward(net, ws, x, xOff, T, stats);
  addPositions(
    net.config.positionalEncoding,
    ws.hs[L - 1]!,
    ws.z,
    T * H,
    net.sinusoids,
    p,
    lay.pos,
  );
  const q0 = lastOnly ? T - 1 : 0;
  attentionForward(net, ws, T, q0);
  // out projection into resid, then residual + layer norm.
  const kern = ws.kern;
  const resid = ws.resid;
  kern.lin(
    at(ws.v.a, ws.attO, q0 * H, H),
    at(ws.v.b, p, lay.outW, H),
    at(ws.v.c, p, lay.outB, 0),
    at(ws.v.d, resid, q0 * H, H),
    T - q0,
    H,
    H,
  );
  for (let t = q0; t < T; t++) {
    ws.rstd[t] = residualLayerNorm(ws.z, resid, t * H, H, p, lay.lnW, lay.lnB, ws.xhat, ws.y);
  }
  poolForward(pooling, ws.y, T, H, p, lay.poolW, lay.poolB, ws.alpha, net.pooled);
  kern.lin(
    at(ws.v.a, net.pooled, 0, H),
    at(ws.v.b, p, lay.headW, H),
    at(ws.v.c, p, lay.headB, 0),
    at(ws.v.d, net.outBuf, 0, O),
    1,
    H,
    O,
  );
}
