/**
 * The model's machinery behind {@link AttentionLstm}: parameter and gradient buffers, the
 * WebAssembly arena, the workspaces, and the forward/backward protocol of one sequence. The
 * public class, the trainer and the stream reach it through `netOf(model)`.
 * @internal
 */
import { Rng } from '@x/core';
import type { ResolvedAttentionLstmConfig } from '../config.js';
import type { ActivationStats } from '../types.js';
import { backwardFromSteps, backwardSequence } from './backward.js';
import { forwardSequence } from './forward.js';
import { initialise } from './init.js';
import type { FArray } from './kernels.js';
import { allocFloat, arenaSize, arenaSteps, type Layout, makeLayout } from './layout.js';
import { writeSinusoid } from './ops.js';
import { WasmArena } from './wasm.js';
import { grownCap, Workspace } from './workspace.js';

/** Parameters, gradients, workspaces and the per-sequence passes of one model. */
export class Net {
  readonly config: ResolvedAttentionLstmConfig;
  readonly layout: Layout;
  readonly params: FArray;
  readonly grads: Float64Array;
  /** The dropout stream (replaceable, so tests can replay a mask). */
  dropoutRng: Rng;
  dropoutActive = false;
  readonly biasSum: FArray[];
  readonly pooled: FArray;
  /** The head output of the last sequence run. */
  readonly outBuf: FArray;
  /** Sinusoid table (rows × H; empty for other encodings). */
  sinusoids: FArray;
  private sinusoidRows = 0;
  readonly dhNext: Float64Array;
  readonly dcNext: Float64Array;
  readonly dPooled: Float64Array;
  readonly wT: Float64Array;
  private readonly arena: WasmArena | null;
  private simdWs: Workspace | null = null;
  private jsWs: Workspace | null = null;
  private lastWs: Workspace | null = null;

  constructor(config: ResolvedAttentionLstmConfig) {
    this.config = config;
    const { inputSize: D, hiddenSize: H, outputSize: O, dtype } = config;
    const layout = makeLayout(config);
    this.layout = layout;
    // float32 models with H a multiple of 4 keep weights and activations in a fixed WebAssembly
    // arena (sized for arenaSteps(maxLength) steps, never grown) so the SIMD kernels can run.
    let arena: WasmArena | null = null;
    if (dtype === 'float32' && H % 4 === 0) {
      const { floats, buffers } = arenaSize(config, layout.size);
      arena = WasmArena.create(floats, buffers);
    }
    this.arena = arena;
    const mk = (n: number): FArray => (arena !== null ? arena.alloc(n) : allocFloat(dtype, n));
    this.params = mk(layout.size);
    this.grads = new Float64Array(layout.size);
    const rng = Rng.fromSeed(config.seed);
    const initRng = rng.split();
    this.dropoutRng = rng.split();
    initialise(config, layout, this.params, initRng);
    this.biasSum = layout.layers.map(() => mk(4 * H));
    this.pooled = mk(H);
    this.outBuf = mk(O);
    this.sinusoids = allocFloat(dtype, 0);
    this.dhNext = new Float64Array(H);
    this.wT = new Float64Array(4 * H * Math.max(H, D));
    this.dcNext = new Float64Array(H);
    this.dPooled = new Float64Array(H);
  }

  /** True when sequences of up to `arenaSteps(maxLength)` steps run on the SIMD kernels. */
  get usesSimd(): boolean {
    return this.arena !== null;
  }

  /**
   * The workspace for a T-step call: the arena's when T fits it (created once, on first use),
   * otherwise a JavaScript one that grows. The choice holds for this call only.
   */
  workspace(T: number): Workspace {
    this.sinusoidTable(T);
    if (this.arena !== null && T <= arenaSteps(this.config.maxLength)) {
      if (this.simdWs === null) {
        this.simdWs = new Workspace(this.config, arenaSteps(this.config.maxLength), this.arena);
      }
      return this.simdWs;
    }
    const js = this.jsWs;
    if (js !== null && js.cap >= T) return js;
    const ws = new Workspace(this.config, grownCap(T, js?.cap ?? 0), null);
    this.jsWs = ws;
    return ws;
  }

  /** The sinusoid table with at least T rows (empty for other encodings). */
  sinusoidTable(T: number): FArray {
    if (T <= this.sinusoidRows) return this.sinusoids;
    const H = this.config.hiddenSize;
    const rows = Math.max(T, this.config.maxLength);
    const sin = this.config.positionalEncoding === 'sinusoidal';
    const pe = allocFloat(this.config.dtype, sin ? rows * H : 0);
    if (sin) writeSinusoid(pe, 0, rows, H);
    this.sinusoids = pe;
    this.sinusoidRows = rows;
    return pe;
  }

  /** Sums b_ih + b_hh per layer; call before a batch of forward passes. */
  prepareBiases(): void {
    const p = this.params;
    for (let l = 0; l < this.layout.layers.length; l++) {
      const lp = this.layout.layers[l]!;
      const bs = this.biasSum[l]!;
      for (let j = 0; j < bs.length; j++) bs[j] = p[lp.bih + j]! + p[lp.bhh + j]!;
    }
  }

  /** Turns dropout on (training) or off for the following forward passes. */
  setTraining(on: boolean): void {
    this.dropoutActive = on && this.config.dropout > 0;
  }

  /** One sequence forward (see forward.ts); the head output is left in {@link Net.outBuf}. */
  forward(
    x: FArray,
    xOff: number,
    T: number,
    lastOnly: boolean,
    stats?: ActivationStats,
  ): Workspace {
    const ws = this.workspace(T);
    forwardSequence(this, ws, x, xOff, T, lastOnly, stats);
    this.lastWs = ws;
    return ws;
  }

  /** Backward of the sequence just run with every query, from the head-output gradient. */
  backward(x: FArray, xOff: number, T: number, dOut: Float64Array): void {
    const ws = this.lastWs!;
    ws.ensureBackward();
    backwardSequence(this, ws, x, xOff, T, dOut);
  }

  /** Backward of the sequence just run with every query, from the per-step output gradient. */
  backwardSteps(x: FArray, xOff: number, T: number, dY: ArrayLike<number>, dYOff: number): void {
    const ws = this.lastWs!;
    ws.ensureBackward();
    const H = this.config.hiddenSize;
    const dH = ws.dH;
    for (let k = 0; k < T * H; k++) dH[k] = dY[dYOff + k]!;
    backwardFromSteps(this, ws, x, xOff, T);
  }

  /** Raises `activity[l·H + j]` to the largest |h| of unit j of layer l in the last sequence. */
  recordActivity(T: number, activity: Float64Array): void {
    const H = this.config.hiddenSize;
    const ws = this.lastWs!;
    for (let l = 0; l < this.layout.layers.length; l++) {
      const hs = ws.hs[l]!;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          const a = Math.abs(hs[t * H + j]!);
          if (a > activity[l * H + j]!) activity[l * H + j] = a;
        }
      }
    }
  }
}
