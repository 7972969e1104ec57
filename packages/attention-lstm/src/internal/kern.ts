/**
 * Kernel dispatch: the WebAssembly SIMD kernels when every array lives in the arena, the plain
 * JavaScript ones otherwise. Same arguments, same results to float32 rounding.
 * @hidden
 */
import { type FArray, linearRows, sigmoid } from './kernels.js';
import type { WasmArena } from './wasm.js';

/** Dense kernels of the forward pass, bound to a WASM arena or to plain JavaScript. */
export class Kern {
  /** The arena whose kernels run, or null for JavaScript. */
  readonly arena: WasmArena | null;

  /** @param arena - the arena holding every array passed in, or null */
  constructor(arena: WasmArena | null) {
    this.arena = arena;
  }

  /** Y[r, o] = b[o] + Σ_k X[r, k]·W[o, k]; `b` may alias `y` (then Y += W·X). */
  lin(
    x: FArray,
    xOff: number,
    xS: number,
    rows: number,
    inDim: number,
    w: FArray,
    wOff: number,
    outDim: number,
    b: FArray,
    bOff: number,
    y: FArray,
    yOff: number,
    yS: number,
  ): void {
    const a = this.arena;
    if (a !== null) {
      a.k.linear(
        x.byteOffset + 4 * xOff,
        xS,
        rows,
        inDim,
        w.byteOffset + 4 * wOff,
        outDim,
        b.byteOffset + 4 * bOff,
        y.byteOffset + 4 * yOff,
        yS,
      );
    } else {
      linearRows(x, xOff, xS, rows, inDim, w, wOff, outDim, b, bOff, y, yOff, yS);
    }
  }

  /**
   * One LSTM step for H units: G[g0 .. g0+4H) holds pre-activations [i|f|g|o] and receives the
   * activations; c = f·cPrev + i·g (cPrev = 0 when `cPrevOff` < 0), tc = tanh(c), h = o·tc.
   */
  cell(
    G: FArray,
    g0: number,
    cPrev: FArray,
    cPrevOff: number,
    C: FArray,
    c0: number,
    TC: FArray,
    Hs: FArray,
    h0: number,
    H: number,
  ): void {
    const a = this.arena;
    if (a !== null) {
      a.k.lstmCell(
        G.byteOffset + 4 * g0,
        cPrevOff < 0 ? 0 : cPrev.byteOffset + 4 * cPrevOff,
        cPrevOff < 0 ? 0 : 1,
        C.byteOffset + 4 * c0,
        TC.byteOffset + 4 * h0,
        Hs.byteOffset + 4 * h0,
        H,
      );
      return;
    }
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(G[g0 + j]!);
      const fg = sigmoid(G[g0 + H + j]!);
      const gg = Math.tanh(G[g0 + 2 * H + j]!);
      const og = sigmoid(G[g0 + 3 * H + j]!);
      const c = cPrevOff < 0 ? ig * gg : fg * cPrev[cPrevOff + j]! + ig * gg;
      const tc = Math.tanh(c);
      G[g0 + j] = ig;
      G[g0 + H + j] = fg;
      G[g0 + 2 * H + j] = gg;
      G[g0 + 3 * H + j] = og;
      C[c0 + j] = c;
      TC[h0 + j] = tc;
      Hs[h0 + j] = og * tc;
    }
  }

  /**
   * Attention of one query over `n` keys, per head: sc[h·n + j] = softmax_j(scale·q_h·K_j,h)
   * (max-subtracted), out_h = Σ_j sc[h·n + j]·V_j,h. K and V rows are `kS` / `vS` apart.
   */
  attend(
    q: FArray,
    qOff: number,
    K: FArray,
    kOff: number,
    kS: number,
    V: FArray,
    vOff: number,
    vS: number,
    n: number,
    nh: number,
    dh: number,
    scale: number,
    sc: FArray,
    out: FArray,
    outOff: number,
  ): void {
    const a = this.arena;
    if (a !== null && dh % 4 === 0) {
      a.k.attend(
        q.byteOffset + 4 * qOff,
        K.byteOffset + 4 * kOff,
        kS,
        V.byteOffset + 4 * vOff,
        vS,
        n,
        nh,
        dh,
        scale,
        sc.byteOffset,
        out.byteOffset + 4 * outOff,
      );
      return;
    }
    for (let h = 0; h < nh; h++) {
      const ho = h * dh;
      const so = h * n;
      let mx = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < n; j++) {
        const ko = kOff + j * kS + ho;
        let v = 0;
        for (let d = 0; d < dh; d++) v += q[qOff + ho + d]! * scale * K[ko + d]!;
        sc[so + j] = v;
        if (v > mx) mx = v;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(sc[so + j]! - mx);
        sc[so + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let d = 0; d < dh; d++) out[outOff + ho + d] = 0;
      for (let j = 0; j < n; j++) {
        const p = sc[so + j]! * inv;
        sc[so + j] = p;
        const vo = vOff + j * vS + ho;
        for (let d = 0; d < dh; d++) out[outOff + ho + d] = out[outOff + ho + d]! + p * V[vo + d]!;
      }
    }
  }
}
