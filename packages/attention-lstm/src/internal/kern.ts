/**
 * Kernel dispatch: the WebAssembly SIMD kernels when every array lives in the arena, the plain
 * JavaScript ones otherwise. Same arguments (strided views), same results to float32 rounding.
 * @internal
 */
import { type FArray, linearRows, type Strided, sigmoid } from './kernels.js';
import type { WasmArena } from './wasm.js';

/** Byte address of a view's first element in the arena. */
function addr(v: Strided): number {
  return v.data.byteOffset + 4 * v.off;
}

/** Dense kernels of the forward pass, bound to a WASM arena or to plain JavaScript. */
export class Kern {
  /** The arena whose kernels run, or null for JavaScript. */
  readonly arena: WasmArena | null;

  /** @param arena - the arena holding every array passed in, or null */
  constructor(arena: WasmArena | null) {
    this.arena = arena;
  }

  /**
   * Y[r, o] = b[o] + Σ_k X[r, k]·W[o, k] for `rows` rows; `b` may alias `y` (then Y += W·X).
   * On the SIMD kernels W must be contiguous (`w.stride` = inDim).
   */
  lin(
    x: Strided,
    w: Strided,
    b: Strided,
    y: Strided,
    rows: number,
    inDim: number,
    outDim: number,
  ): void {
    const a = this.arena;
    if (a !== null) {
      a.k.linear(addr(x), x.stride, rows, inDim, addr(w), outDim, addr(b), addr(y), y.stride);
    } else {
      linearRows(x, w, b, y, rows, inDim, outDim);
    }
  }

  /**
   * One LSTM step for H units: `g` holds pre-activations [i|f|g|o] and receives the
   * activations; c = f·cPrev + i·g (cPrev = 0 when null), tc = tanh(c), h = o·tc.
   */
  cell(g: Strided, cPrev: Strided | null, c: Strided, tc: Strided, h: Strided, H: number): void {
    const a = this.arena;
    if (a !== null) {
      a.k.lstmCell(
        addr(g),
        cPrev === null ? 0 : addr(cPrev),
        cPrev === null ? 0 : 1,
        addr(c),
        addr(tc),
        addr(h),
        H,
      );
      return;
    }
    const G = g.data;
    const g0 = g.off;
    const C = c.data;
    const TC = tc.data;
    const Hs = h.data;
    const cp = cPrev === null ? null : cPrev.data;
    const cpOff = cPrev === null ? 0 : cPrev.off;
    const c0 = c.off;
    const t0 = tc.off;
    const h0 = h.off;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(G[g0 + j]!);
      const fg = sigmoid(G[g0 + H + j]!);
      const gg = Math.tanh(G[g0 + 2 * H + j]!);
      const og = sigmoid(G[g0 + 3 * H + j]!);
      const cv = cp === null ? ig * gg : fg * cp[cpOff + j]! + ig * gg;
      const t = Math.tanh(cv);
      G[g0 + j] = ig;
      G[g0 + H + j] = fg;
      G[g0 + 2 * H + j] = gg;
      G[g0 + 3 * H + j] = og;
      C[c0 + j] = cv;
      TC[t0 + j] = t;
      Hs[h0 + j] = og * t;
    }
  }

  /**
   * Attention of one query over `n` keys, per head of size `dh`: sc[h·n + j] =
   * softmax_j(scale·q_h·K_j,h) (max-subtracted), out_h = Σ_j sc[h·n + j]·V_j,h. Key and value
   * rows are `K.stride` / `V.stride` apart; `sc` holds nh·n scores.
   */
  attend(
    q: Strided,
    K: Strided,
    V: Strided,
    out: Strided,
    sc: FArray,
    n: number,
    nh: number,
    dh: number,
    scale: number,
  ): void {
    const a = this.arena;
    if (a !== null && dh % 4 === 0) {
      a.k.attend(
        addr(q),
        addr(K),
        K.stride,
        addr(V),
        V.stride,
        n,
        nh,
        dh,
        scale,
        sc.byteOffset,
        addr(out),
      );
      return;
    }
    const qd = q.data;
    const kd = K.data;
    const vd = V.data;
    const od = out.data;
    const { off: kOff, stride: kS } = K;
    const { off: vOff, stride: vS } = V;
    for (let h = 0; h < nh; h++) {
      const ho = h * dh;
      const so = h * n;
      const qo = q.off + ho;
      const oo = out.off + ho;
      let mx = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < n; j++) {
        const ko = kOff + j * kS + ho;
        let v = 0;
        for (let d = 0; d < dh; d++) v += qd[qo + d]! * scale * kd[ko + d]!;
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
      for (let d = 0; d < dh; d++) od[oo + d] = 0;
      for (let j = 0; j < n; j++) {
        const p = sc[so + j]! * inv;
        sc[so + j] = p;
        const vo = vOff + j * vS + ho;
        for (let d = 0; d < dh; d++) od[oo + d] = od[oo + d]! + p * vd[vo + d]!;
      }
    }
  }
}
