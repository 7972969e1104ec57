/**
 * Streaming inference: one new time step in, the model's output for the stream so far out, in
 * O(layers·H·(D + H) + W·H) per step, reusing the LSTM state and the attention keys and values
 * of the last W steps.
 *
 * @module
 */
import { InvalidStateError, ValidationError } from '@x/core';
import { checkFinite } from './internal/input.js';
import { Kern } from './internal/kern.js';
import { at, type FArray, ViewSet } from './internal/kernels.js';
import type { Layout } from './internal/layout.js';
import type { Net } from './internal/net.js';
import { residualLayerNorm, writeSinusoid } from './internal/ops.js';
import { WasmArena } from './internal/wasm.js';
import { type AttentionLstm, netOf } from './model.js';

function assertStreamable(model: AttentionLstm): void {
  if (!model.config.causal || model.config.attentionWindow === null) {
    throw new InvalidStateError(
      'streaming needs causal attention with a finite attentionWindow (the last T steps)',
      { state: 'not-streamable' },
    );
  }
  if (model.config.pooling !== 'last') {
    throw new InvalidStateError(
      `streaming supports last-step pooling only (this model pools by '${model.config.pooling}')`,
      { state: 'not-streamable' },
    );
  }
}

/**
 * A stateful view of a causal, windowed, last-pooled {@link AttentionLstm} that consumes a
 * stream one step at a time. After n steps its output equals (to float tolerance) the model's
 * {@link AttentionLstm.forward} on the whole stream of n steps: the LSTM runs over the whole
 * stream from a zero state, positions count from the stream's start, and attention covers the
 * last `attentionWindow` steps.
 *
 * The stream works on a snapshot of the model's weights taken at construction (float32 models
 * keep it in a WebAssembly SIMD arena); after training the model further, call
 * {@link AttentionLstmStream.syncWeights} or create a new stream.
 *
 * @example
 * ```ts
 * const model = AttentionLstm.create({
 *   inputSize: 2, hiddenSize: 8, numHeads: 2, causal: true, attentionWindow: 16,
 * });
 * const stream = new AttentionLstmStream(model);
 * const y = stream.step(new Float32Array([0.1, -0.2]))[0];
 * ```
 */
export class AttentionLstmStream {
  /** The model this stream runs. */
  readonly model: AttentionLstm;
  /** The attention window W (the model's `attentionWindow`). */
  readonly window: number;
  readonly #kern: Kern;
  readonly #p: FArray;
  readonly #biasSum: FArray[];
  readonly #tc: FArray;
  readonly #xIn: FArray;
  readonly #h: FArray[];
  readonly #c: FArray[];
  readonly #gates: FArray;
  readonly #z: FArray;
  readonly #q: FArray;
  readonly #keys: FArray;
  readonly #values: FArray;
  readonly #scores: FArray;
  readonly #attO: FArray;
  readonly #resid: FArray;
  readonly #peRow: FArray;
  readonly #out: FArray;
  #position = 0;
  readonly #v = new ViewSet();
  readonly #net: Net;
  readonly #lay: Layout;

  /**
   * @param model - a model with `causal: true`, a finite `attentionWindow` and `pooling: 'last'`
   * @throws `InvalidStateError` (from `@x/core`) when the model cannot stream
   */
  constructor(model: AttentionLstm) {
    assertStreamable(model);
    this.model = model;
    this.#net = netOf(model);
    this.#lay = this.#net.layout;
    const { hiddenSize: H, numLayers: L, outputSize: O, dtype } = model.config;
    const W = model.config.attentionWindow!;
    this.window = W;
    const D = model.config.inputSize;
    const P = model.params.length;
    const arena =
      dtype === 'float32' && H % 4 === 0
        ? WasmArena.create(
            P + L * 5 * H + 2 * W * H + model.config.numHeads * W + 12 * H + D + O,
            20 + 3 * L,
          )
        : null;
    this.#kern = new Kern(arena);
    const mk = (n: number): FArray =>
      arena !== null
        ? arena.alloc(n)
        : dtype === 'float32'
          ? new Float32Array(n)
          : new Float64Array(n);
    this.#p = mk(P);
    this.#biasSum = Array.from({ length: L }, () => mk(4 * H));
    this.#tc = mk(H);
    this.#xIn = mk(D);
    this.#h = Array.from({ length: L }, () => mk(H));
    this.#c = Array.from({ length: L }, () => mk(H));
    this.#gates = mk(4 * H);
    this.#z = mk(H);
    this.#q = mk(H);
    this.#keys = mk(W * H);
    this.#values = mk(W * H);
    this.#scores = mk(model.config.numHeads * W);
    this.#attO = mk(H);
    this.#resid = mk(H);
    this.#peRow = mk(H);
    this.#out = mk(O);
    this.#net.sinusoidTable(1);
    this.syncWeights();
  }

  /**
   * Copies the model's current weights into the stream (the cached state is kept; call
   * {@link AttentionLstmStream.reset} too when the weights changed materially).
   */
  syncWeights(): void {
    const m = this.model;
    this.#p.set(m.params);
    const H4 = 4 * m.config.hiddenSize;
    for (let l = 0; l < this.#lay.layers.length; l++) {
      const lp = this.#lay.layers[l]!;
      const bs = this.#biasSum[l]!;
      for (let o = 0; o < H4; o++) bs[o] = this.#p[lp.bih + o]! + this.#p[lp.bhh + o]!;
    }
  }

  /** Number of steps consumed since creation or the last {@link AttentionLstmStream.reset}. */
  get steps(): number {
    return this.#position;
  }

  /** Forgets the stream: zero LSTM state, empty attention cache, position 0. */
  reset(): void {
    for (const a of this.#h) a.fill(0);
    for (const a of this.#c) a.fill(0);
    this.#keys.fill(0);
    this.#values.fill(0);
    this.#position = 0;
  }

  /**
   * Consumes one time step and returns the output for the stream so far. The returned array is
   * the stream's own buffer, overwritten by the next call (copy it to keep it).
   *
   * @param x - `inputSize` features of the new step
   * @returns the `outputSize` outputs (a reused buffer)
   * @throws `ValidationError` (from `@x/core`) when `x` has the wrong length or a non-finite value (the
   * stream's state is left unchanged)
   * @throws `InvalidStateError` (from `@x/core`) when learned positions run past `maxLength`
   */
  step(x: ArrayLike<number>): Float32Array | Float64Array {
    const pos = this.#position;
    this.#checkStep(x, pos);
    const xIn = this.#xIn;
    for (let k = 0; k < xIn.length; k++) xIn[k] = x[k]!;
    this.#lstmLayers();
    this.#positional(pos);
    this.#attendNew(pos);
    this.#normAndHead();
    this.#position = pos + 1;
    return this.#out;
  }

  /** Refuses a step of the wrong width, a non-finite value or one past the learned positions. */
  #checkStep(x: ArrayLike<number>, pos: number): void {
    const c = this.model.config;
    const D = c.inputSize;
    if (x.length !== D) {
      throw new ValidationError(`tensor 'input' step has ${x.length} features, expected [${D}]`, {
        field: 'input',
        details: { length: x.length, expected: [D] },
      });
    }
    const f32 = c.dtype === 'float32';
    for (let k = 0; k < D; k++) checkFinite(x[k]!, f32, 'input', `[${k}]`);
    if (c.positionalEncoding === 'learned' && pos >= c.maxLength) {
      throw new InvalidStateError(
        `stream position ${pos} is past the learned positions (maxLength ${c.maxLength})`,
        { state: 'past-max-length' },
      );
    }
  }

  /** One LSTM step per layer: one fused (4H × in) and one (4H × H) product, then the cell. */
  #lstmLayers(): void {
    const { hiddenSize: H, numLayers: L } = this.model.config;
    const p = this.#p;
    const kern = this.#kern;
    const v = this.#v;
    const H4 = 4 * H;
    const G = this.#gates;
    for (let l = 0; l < L; l++) {
      const lp = this.#lay.layers[l]!;
      const hl = this.#h[l]!;
      const cl = this.#c[l]!;
      const inp = l === 0 ? this.#xIn : this.#h[l - 1]!;
      kern.lin(
        at(v.a, inp, 0, lp.inDim),
        at(v.b, p, lp.wih, lp.inDim),
        at(v.c, this.#biasSum[l]!, 0, 0),
        at(v.d, G, 0, H4),
        1,
        lp.inDim,
        H4,
      );
      kern.lin(
        at(v.a, hl, 0, H),
        at(v.b, p, lp.whh, H),
        at(v.c, G, 0, 0),
        at(v.d, G, 0, H4),
        1,
        H,
        H4,
      );
      kern.cell(
        at(v.a, G, 0, 0),
        at(v.b, cl, 0, 0),
        at(v.c, cl, 0, 0),
        at(v.d, this.#tc, 0, 0),
        at(v.e, hl, 0, 0),
        H,
      );
    }
  }

  /** `z` = the top layer's state plus the positional encoding of step `pos`. */
  #positional(pos: number): void {
    const { hiddenSize: H, numLayers: L, positionalEncoding: pe } = this.model.config;
    const top = this.#h[L - 1]!;
    const z = this.#z;
    if (pe === 'sinusoidal') {
      const table = this.#net.sinusoids;
      if ((pos + 1) * H <= table.length) {
        for (let j = 0; j < H; j++) z[j] = top[j]! + table[pos * H + j]!;
      } else {
        writeSinusoid(this.#peRow, pos, 1, H);
        for (let j = 0; j < H; j++) z[j] = top[j]! + this.#peRow[j]!;
      }
    } else if (pe === 'learned') {
      const p = this.#p;
      const off = this.#lay.pos + pos * H;
      for (let j = 0; j < H; j++) z[j] = top[j]! + p[off + j]!;
    } else {
      for (let j = 0; j < H; j++) z[j] = top[j]!;
    }
  }

  /** q for the new step, its k and v into the ring slot, then attention over the window. */
  #attendNew(pos: number): void {
    const { hiddenSize: H, numHeads: nh } = this.model.config;
    const p = this.#p;
    const lay = this.#lay;
    const kern = this.#kern;
    const v = this.#v;
    const z = this.#z;
    const W = this.window;
    const slot = pos % W;
    kern.lin(
      at(v.a, z, 0, H),
      at(v.b, p, lay.inW, H),
      at(v.c, p, lay.inB, 0),
      at(v.d, this.#q, 0, H),
      1,
      H,
      H,
    );
    kern.lin(
      at(v.a, z, 0, H),
      at(v.b, p, lay.inW + H * H, H),
      at(v.c, p, lay.inB + H, 0),
      at(v.d, this.#keys, slot * H, H),
      1,
      H,
      H,
    );
    kern.lin(
      at(v.a, z, 0, H),
      at(v.b, p, lay.inW + 2 * H * H, H),
      at(v.c, p, lay.inB + 2 * H, 0),
      at(v.d, this.#values, slot * H, H),
      1,
      H,
      H,
    );
    const dh = H / nh;
    kern.attend(
      at(v.a, this.#q, 0, 0),
      at(v.b, this.#keys, 0, H),
      at(v.c, this.#values, 0, H),
      at(v.d, this.#attO, 0, 0),
      this.#scores,
      Math.min(pos + 1, W),
      nh,
      dh,
      1 / Math.sqrt(dh),
    );
  }

  /** Out projection, residual and layer norm, then the head into the output buffer. */
  #normAndHead(): void {
    const { hiddenSize: H, outputSize: O } = this.model.config;
    const p = this.#p;
    const lay = this.#lay;
    const kern = this.#kern;
    const v = this.#v;
    const r = this.#resid;
    kern.lin(
      at(v.a, this.#attO, 0, H),
      at(v.b, p, lay.outW, H),
      at(v.c, p, lay.outB, 0),
      at(v.d, r, 0, H),
      1,
      H,
      H,
    );
    residualLayerNorm(this.#z, r, 0, H, p, lay.lnW, lay.lnB, null, r);
    kern.lin(
      at(v.a, r, 0, H),
      at(v.b, p, lay.headW, H),
      at(v.c, p, lay.headB, 0),
      at(v.d, this.#out, 0, O),
      1,
      H,
      O,
    );
  }
}
