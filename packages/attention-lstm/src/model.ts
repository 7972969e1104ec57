/**
 * The attention-LSTM: a stack of LSTM layers (Hochreiter & Schmidhuber 1997, with the forget gate
 * of Gers et al. 2000, in PyTorch's `nn.LSTM` formulation and parameter layout), a positional
 * encoding, multi-head scaled dot-product self-attention (Vaswani et al. 2017, eq. 1 and §3.2.2,
 * in PyTorch's `nn.MultiheadAttention` conventions) with a residual connection and layer
 * normalisation (Ba et al. 2016, eq. 3-4), a pooling step and a linear head.
 *
 * @module
 */
import {
  assertShape,
  type DType,
  type ExportableModel,
  type ExportedModel,
  InvalidStateError,
  type ModelImporter,
  type NamedTensors,
  Rng,
  type Tensor,
  tensor,
  toContiguous,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import {
  type AttentionLstmConfig,
  configToJson,
  type ResolvedAttentionLstmConfig,
  resolveConfig,
} from './config.js';
import { Kern } from './internal/kern.js';
import { type FArray, gemmAccNT, linearRows, linearRowsBackward } from './internal/kernels.js';
import { WasmArena } from './internal/wasm.js';

/** The `kind` of an exported attention-LSTM. */
export const ATTENTION_LSTM_KIND = '@x/attention-lstm:AttentionLstm';
/** The export format version this package writes and reads. */
export const ATTENTION_LSTM_FORMAT_VERSION = 1;

/** One parameter tensor: its PyTorch `state_dict` name, shape and place in the flat buffer. */
export interface ParameterInfo {
  /** The PyTorch `state_dict` name, such as `'lstm.weight_ih_l0'`. */
  readonly name: string;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Offset of its first element in the flat parameter buffer. */
  readonly offset: number;
  /** Number of elements. */
  readonly size: number;
}

/** Per-sequence statistics a forward pass in training mode gathers for the health monitor. */
export interface ActivationStats {
  /** Sigmoid gate activations (i, f, o) seen. */
  gateCount: number;
  /** Of which below 0.01 or above 0.99. */
  gateSaturated: number;
}

/** @hidden Offsets of one LSTM layer's tensors in the flat buffers. */
interface LayerParams {
  readonly inDim: number;
  readonly wih: number;
  readonly whh: number;
  readonly bih: number;
  readonly bhh: number;
}

/** Steps the SIMD arena's workspace holds: maxLength, at most 1024 (longer runs use JS buffers). */
function arenaSteps(maxLength: number): number {
  return Math.min(maxLength, 1024);
}

function alloc(dtype: DType, n: number): FArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * An attention-LSTM sequence model. Parameters live in one flat typed array of the model's dtype
 * (views per tensor by PyTorch `state_dict` name); the forward pass runs on preallocated buffers
 * and allocates nothing per call once the buffers fit the sequence length.
 *
 * Input is batch-first `[batch, steps, inputSize]`, output `[batch, outputSize]`.
 *
 * @example
 * ```ts
 * const model = AttentionLstm.create({ inputSize: 4, hiddenSize: 16, numHeads: 4, seed: 1 });
 * const x = new Float32Array(1 * 20 * 4).fill(0.1);
 * const out = model.forwardInto(x, 1, 20, new Float32Array(1));
 * ```
 */
export class AttentionLstm implements ExportableModel {
  /** The configuration with defaults filled in. */
  readonly config: ResolvedAttentionLstmConfig;
  /** All parameters, flat, in {@link AttentionLstm.parameterInfo} order. */
  readonly params: FArray;
  /** Gradient accumulators, flat and parallel to {@link AttentionLstm.params}, always float64. */
  readonly grads: Float64Array;
  /** Where each named parameter lives in {@link AttentionLstm.params}. */
  readonly parameterInfo: readonly ParameterInfo[];

  /** @hidden */ readonly layers: readonly LayerParams[];
  /** @hidden */ readonly offPos: number;
  /** @hidden */ readonly offInW: number;
  /** @hidden */ readonly offInB: number;
  /** @hidden */ readonly offOutW: number;
  /** @hidden */ readonly offOutB: number;
  /** @hidden */ readonly offLnW: number;
  /** @hidden */ readonly offLnB: number;
  /** @hidden */ readonly offPoolW: number;
  /** @hidden */ readonly offPoolB: number;
  /** @hidden */ readonly offHeadW: number;
  /** @hidden */ readonly offHeadB: number;

  private readonly dropoutRng: Rng;
  private readonly arena: WasmArena | null;
  private kern: Kern;
  private cap = 0;
  private scratchCap = 0;
  private staging: FArray = new Float64Array(0);
  // Workspace (sized for `cap` steps).
  private gates: FArray[] = [];
  private cells: FArray[] = [];
  private hs: FArray[] = [];
  private tcs: FArray[] = [];
  private masks: FArray[] = [];
  private dropped: FArray[] = [];
  private biasSum: FArray[];
  private pe: FArray = new Float64Array(0);
  private peRows = 0;
  private z: FArray = new Float64Array(0);
  private qkv: FArray = new Float64Array(0);
  private probs: FArray = new Float64Array(0);
  private attScores: FArray = new Float64Array(0);
  private attO: FArray = new Float64Array(0);
  private resid: FArray = new Float64Array(0);
  private xhat: FArray = new Float64Array(0);
  private rstd: Float64Array = new Float64Array(0);
  private y: FArray = new Float64Array(0);
  private alpha: Float64Array = new Float64Array(0);
  private readonly pooled: FArray;
  /** @hidden The head output of the last sequence run. */
  readonly outBuf: FArray;
  private dropoutActive = false;
  // Backward scratch (float64).
  private dG: Float64Array = new Float64Array(0);
  private dH: Float64Array = new Float64Array(0);
  private dX: Float64Array = new Float64Array(0);
  private dz: Float64Array = new Float64Array(0);
  private dqkv: Float64Array = new Float64Array(0);
  private dO: Float64Array = new Float64Array(0);
  private dRow: Float64Array = new Float64Array(0);
  private dGT: Float64Array = new Float64Array(0);
  private actT: Float64Array = new Float64Array(0);
  private readonly wT: Float64Array;
  // float32 mirrors in the arena for the backward products on the SIMD kernels
  private bG32: FArray = new Float32Array(0);
  private bGT32: FArray = new Float32Array(0);
  private bAT32: FArray = new Float32Array(0);
  private bWT32: FArray = new Float32Array(0);
  private bOut32: FArray = new Float32Array(0);
  private bZero32: FArray = new Float32Array(0);
  private bDhN32: FArray = new Float32Array(0);
  private readonly dhNext: Float64Array;
  private readonly dcNext: Float64Array;
  private readonly dPooled: Float64Array;

  private constructor(config: ResolvedAttentionLstmConfig) {
    this.config = config;
    const { inputSize: D, hiddenSize: H, numLayers: L, outputSize: O, dtype } = config;
    const info: ParameterInfo[] = [];
    let off = 0;
    const add = (name: string, shape: number[]): number => {
      const size = shape.reduce((a, b) => a * b, 1);
      info.push({ name, shape, offset: off, size });
      off += size;
      return off - size;
    };
    const layers: LayerParams[] = [];
    for (let l = 0; l < L; l++) {
      const inDim = l === 0 ? D : H;
      layers.push({
        inDim,
        wih: add(`lstm.weight_ih_l${l}`, [4 * H, inDim]),
        whh: add(`lstm.weight_hh_l${l}`, [4 * H, H]),
        bih: add(`lstm.bias_ih_l${l}`, [4 * H]),
        bhh: add(`lstm.bias_hh_l${l}`, [4 * H]),
      });
    }
    this.layers = layers;
    this.offPos =
      config.positionalEncoding === 'learned' ? add('pos.weight', [config.maxLength, H]) : -1;
    this.offInW = add('attn.in_proj_weight', [3 * H, H]);
    this.offInB = add('attn.in_proj_bias', [3 * H]);
    this.offOutW = add('attn.out_proj.weight', [H, H]);
    this.offOutB = add('attn.out_proj.bias', [H]);
    this.offLnW = add('norm.weight', [H]);
    this.offLnB = add('norm.bias', [H]);
    if (config.pooling === 'attention') {
      this.offPoolW = add('pool.weight', [1, H]);
      this.offPoolB = add('pool.bias', [1]);
    } else {
      this.offPoolW = -1;
      this.offPoolB = -1;
    }
    this.offHeadW = add('head.weight', [O, H]);
    this.offHeadB = add('head.bias', [O]);
    this.parameterInfo = info;
    // float32 models with H a multiple of 4 keep weights and activations in a fixed WebAssembly
    // arena (sized for maxLength steps, never grown) so the SIMD kernels can run on them.
    let arena: WasmArena | null = null;
    if (dtype === 'float32' && H % 4 === 0) {
      const E = Math.max(H, D);
      // forward workspace + float32 mirrors for the backward products (dG, dGᵀ, activationsᵀ, out)
      const perStep = L * (9 * H) + 8 * H + D + config.numHeads + 8 * H + 2 * E;
      const fixed = off + L * 4 * H + H + O + 2 * 4 * H * E + 4 * H + E + H;
      arena = WasmArena.create(fixed + arenaSteps(config.maxLength) * perStep, 24 + 8 * L);
    }
    this.arena = arena;
    this.kern = new Kern(null);
    this.params = arena !== null ? arena.alloc(off) : alloc(dtype, off);
    this.grads = new Float64Array(off);
    const rng = Rng.fromSeed(config.seed);
    const initRng = rng.split();
    this.dropoutRng = rng.split();
    this.initialise(initRng);
    const mk = (n: number): FArray => (arena !== null ? arena.alloc(n) : alloc(dtype, n));
    this.biasSum = layers.map(() => mk(4 * H));
    this.pooled = mk(H);
    this.outBuf = mk(O);
    this.dhNext = new Float64Array(H);
    this.wT = new Float64Array(4 * H * Math.max(H, D));
    this.dcNext = new Float64Array(H);
    this.dPooled = new Float64Array(H);
  }

  /**
   * A new model initialised from `config.seed` with the chosen scheme.
   * @param config - the hyper-parameters
   * @returns the model
   * @throws `ValidationError` (from `@x/core`) when the configuration is invalid
   */
  static create(config: AttentionLstmConfig): AttentionLstm {
    return new AttentionLstm(resolveConfig(config));
  }

  /**
   * A model with the given weights, named as in the PyTorch `state_dict` of the reference module
   * (see the README): `lstm.weight_ih_l0`, ..., `attn.in_proj_weight`, `norm.weight`, `head.bias`.
   * Tensors of either dtype are converted to the model's dtype.
   *
   * @param config - the hyper-parameters
   * @param tensors - every parameter by name
   * @returns the model
   * @throws `ValidationError` (from `@x/core`) naming a missing, unexpected or wrongly shaped tensor, or a
   * non-finite weight
   */
  static fromStateDict(config: AttentionLstmConfig, tensors: NamedTensors): AttentionLstm {
    const m = new AttentionLstm(resolveConfig(config));
    m.loadStateDict(tensors);
    return m;
  }

  /**
   * Rebuilds a model from {@link AttentionLstm.exportModel}'s output; bit-exact.
   * @param exported - the exported model
   * @returns the model
   * @throws `ValidationError` (from `@x/core`) when the kind, version, config or a tensor is wrong
   */
  static importModel(exported: ExportedModel): AttentionLstm {
    validateExportedModel(exported, ATTENTION_LSTM_KIND);
    if (exported.formatVersion !== ATTENTION_LSTM_FORMAT_VERSION) {
      throw new ValidationError(
        `unsupported formatVersion ${exported.formatVersion} (this version reads ${ATTENTION_LSTM_FORMAT_VERSION})`,
        { field: 'formatVersion', value: exported.formatVersion },
      );
    }
    return AttentionLstm.fromStateDict(
      exported.config as unknown as AttentionLstmConfig,
      exported.tensors,
    );
  }

  /** The element type of the model. */
  get dtype(): DType {
    return this.config.dtype;
  }

  /** True when this model's forward pass runs on the WebAssembly SIMD kernels. */
  get usesSimd(): boolean {
    return this.kern.arena !== null || (this.cap === 0 && this.arena !== null);
  }

  /** Total number of scalar parameters. */
  get parameterCount(): number {
    return this.params.length;
  }

  /**
   * Replaces every parameter from named tensors (PyTorch `state_dict` names).
   * @param tensors - every parameter by name
   * @throws `ValidationError` (from `@x/core`) naming a missing, unexpected or wrongly shaped tensor, or a
   * non-finite weight; the model is unchanged when it throws
   */
  loadStateDict(tensors: NamedTensors): void {
    const known = new Set(this.parameterInfo.map((p) => p.name));
    for (const name of Object.keys(tensors)) {
      if (!known.has(name)) {
        throw new ValidationError(`unexpected tensor '${name}' for this configuration`, {
          field: name,
        });
      }
    }
    for (const p of this.parameterInfo) {
      const t = tensors[p.name];
      if (t === undefined) {
        throw new ValidationError(
          `missing tensor '${p.name}' (expected shape [${p.shape.join(', ')}])`,
          {
            field: p.name,
            details: { expected: [...p.shape] },
          },
        );
      }
      assertShape(t, p.shape, p.name);
    }
    const staged = alloc(this.config.dtype, this.params.length);
    for (const p of this.parameterInfo) {
      const c = toContiguous(tensors[p.name]!).data;
      for (let i = 0; i < p.size; i++) {
        const v = c[i]!;
        if (!Number.isFinite(v)) {
          throw new ValidationError(`tensor '${p.name}' has a non-finite value at [${i}]`, {
            field: p.name,
            value: v,
          });
        }
        staged[p.offset + i] = v;
      }
    }
    this.params.set(staged);
  }

  /**
   * The parameters as named tensors (views over the live buffer: writing them changes the model).
   * @returns tensors by PyTorch `state_dict` name, in `state_dict` order
   */
  parameters(): NamedTensors {
    const out: Record<string, Tensor> = {};
    for (const p of this.parameterInfo) {
      out[p.name] = tensor(
        this.config.dtype,
        p.shape,
        this.params.subarray(p.offset, p.offset + p.size) as never,
      ) as Tensor;
    }
    return out;
  }

  /**
   * The gradients as named float64 tensors (views over {@link AttentionLstm.grads}).
   * @returns tensors by parameter name
   */
  gradients(): NamedTensors {
    const out: Record<string, Tensor> = {};
    for (const p of this.parameterInfo) {
      out[p.name] = tensor('float64', p.shape, this.grads.subarray(p.offset, p.offset + p.size));
    }
    return out;
  }

  /**
   * The model as config plus copies of its tensors; {@link AttentionLstm.importModel} restores
   * it bit for bit.
   * @returns the exported model
   */
  exportModel(): ExportedModel {
    const tensors: Record<string, Tensor> = {};
    for (const p of this.parameterInfo) {
      tensors[p.name] = tensor(
        this.config.dtype,
        p.shape,
        this.params.slice(p.offset, p.offset + p.size) as never,
      ) as Tensor;
    }
    return {
      kind: ATTENTION_LSTM_KIND,
      formatVersion: ATTENTION_LSTM_FORMAT_VERSION,
      config: configToJson(this.config),
      tensors,
    };
  }

  /**
   * Runs the model on a batch (inference: no dropout).
   * @param x - input of shape `[batch, steps, inputSize]`, float32 or float64
   * @returns the output, shape `[batch, outputSize]`, in the model's dtype
   * @throws `ValidationError` (from `@x/core`) on a wrong shape or a non-finite input
   */
  forward(x: Tensor): Tensor {
    assertShape(x, [null, null, this.config.inputSize], 'input');
    const [B, T] = x.shape as [number, number, number];
    const out = tensor(this.config.dtype, [B, this.config.outputSize]) as Tensor;
    this.forwardInto(toContiguous(x).data, B, T, out.data);
    return out;
  }

  /**
   * The allocation-free inference path: reads `batch` sequences of `steps` rows of `inputSize`
   * features from `x` (contiguous, batch-first) and writes `batch × outputSize` outputs.
   * Buffers grow once to the longest sequence seen; afterwards a call allocates nothing.
   *
   * @param x - `batch · steps · inputSize` inputs
   * @param batch - number of sequences
   * @param steps - time steps per sequence
   * @param out - receives `batch · outputSize` outputs
   * @returns `out`
   * @throws `ValidationError` (from `@x/core`) on inconsistent sizes or a non-finite input
   */
  forwardInto<A extends FArray>(x: FArray, batch: number, steps: number, out: A): A {
    const { inputSize: D, outputSize: O } = this.config;
    this.checkInput(x, batch, steps);
    if (out.length < batch * O) {
      throw new ValidationError(`out has ${out.length} elements, needs ${batch * O}`, {
        field: 'out',
        value: out.length,
      });
    }
    this.ensure(steps);
    this.prepareBiases();
    const lastOnly = this.config.pooling === 'last';
    for (let b = 0; b < batch; b++) {
      this.forwardSequence(x, b * steps * D, steps, lastOnly);
      for (let o = 0; o < O; o++) out[b * O + o] = this.outBuf[o]!;
    }
    return out;
  }

  /** @hidden Validates an input buffer (size and finiteness). */
  checkInput(x: FArray, batch: number, steps: number): void {
    const D = this.config.inputSize;
    if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(steps) || steps < 1) {
      throw new ValidationError('batch and steps must be positive integers', {
        field: 'input',
        details: { batch, steps },
      });
    }
    if (x.length !== batch * steps * D) {
      throw new ValidationError(
        `tensor 'input' has ${x.length} elements, expected [${batch}, ${steps}, ${D}] = ${batch * steps * D} (inputSize ${D})`,
        { field: 'input', details: { length: x.length, expected: [batch, steps, D] } },
      );
    }
    if (this.config.positionalEncoding === 'learned' && steps > this.config.maxLength) {
      throw new ValidationError(
        `sequence of ${steps} steps exceeds maxLength ${this.config.maxLength} of the learned positions`,
        { field: 'input', value: steps },
      );
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v - v !== 0) {
        const s = Math.floor(i / D);
        throw new ValidationError(
          `tensor 'input' has a non-finite value ${v} at [${Math.floor(s / steps)}, ${s % steps}, ${i % D}]`,
          { field: 'input', value: v },
        );
      }
    }
  }

  /** @hidden Sizes the workspace for sequences of up to `T` steps. */
  ensure(T: number): void {
    const { hiddenSize: H, numLayers: L, numHeads: nh, dtype, inputSize: D } = this.config;
    if (T > this.peRows) this.fillPositional(T);
    if (T > this.scratchCap) {
      const cap = Math.max(T, Math.min(this.scratchCap * 2, 4096), 8);
      this.scratchCap = cap;
      this.probs = alloc(dtype, nh * cap * cap);
      this.rstd = new Float64Array(cap);
      this.alpha = new Float64Array(cap);
      this.dG = new Float64Array(cap * 4 * H);
      this.dH = new Float64Array(cap * H);
      this.dX = new Float64Array(cap * Math.max(H, D));
      this.dz = new Float64Array(cap * H);
      this.dqkv = new Float64Array(cap * 3 * H);
      this.dO = new Float64Array(cap * H);
      this.dRow = new Float64Array(cap);
      this.dGT = new Float64Array(cap * 4 * H);
      this.actT = new Float64Array(cap * Math.max(H, D));
    }
    if (T <= this.cap) return;
    const drop = this.config.dropout > 0;
    let mk: (n: number) => FArray;
    let cap: number;
    if (this.arena !== null && this.cap === 0 && T <= arenaSteps(this.config.maxLength)) {
      // Once, at maxLength steps, inside the arena: the SIMD kernels run from now on.
      const arena = this.arena;
      mk = (n) => arena.alloc(n);
      cap = arenaSteps(this.config.maxLength);
      this.kern = new Kern(arena);
    } else {
      // Plain JavaScript buffers (float64 models, or sequences past the arena's maxLength).
      mk = (n) => alloc(dtype, n);
      cap = Math.max(T, Math.min(this.cap * 2, 4096), 8);
      this.kern = new Kern(null);
    }
    this.cap = cap;
    this.gates = [];
    this.cells = [];
    this.hs = [];
    this.tcs = [];
    this.masks = [];
    this.dropped = [];
    for (let l = 0; l < L; l++) {
      this.gates.push(mk(cap * 4 * H));
      this.cells.push(mk(cap * H));
      this.hs.push(mk(cap * H));
      this.tcs.push(mk(cap * H));
      this.masks.push(alloc(dtype, l > 0 && drop ? cap * H : 0));
      this.dropped.push(l > 0 && drop ? mk(cap * H) : alloc(dtype, 0));
    }
    this.z = mk(cap * H);
    this.qkv = mk(cap * 3 * H);
    this.attO = mk(cap * H);
    this.resid = mk(cap * H);
    this.xhat = alloc(dtype, cap * H);
    this.y = mk(cap * H);
    this.staging = mk(cap * D);
    this.attScores = mk(nh * cap);
    if (this.kern.arena !== null) {
      const E = Math.max(H, D);
      this.bG32 = mk(cap * 4 * H);
      this.bGT32 = mk(cap * 4 * H);
      this.bAT32 = mk(cap * E);
      this.bWT32 = mk(4 * H * E);
      this.bOut32 = mk(Math.max(4 * H * E, cap * E));
      this.bZero32 = mk(Math.max(4 * H, E));
      this.bDhN32 = mk(H);
    }
  }

  private fillPositional(T: number): void {
    const H = this.config.hiddenSize;
    const rows = Math.max(T, this.config.maxLength);
    const pe = alloc(
      this.config.dtype,
      this.config.positionalEncoding === 'sinusoidal' ? rows * H : 0,
    );
    if (this.config.positionalEncoding === 'sinusoidal') writeSinusoid(pe, 0, rows, H);
    this.pe = pe;
    this.peRows = rows;
  }

  /** @hidden The positional table (sinusoidal only; empty otherwise). */
  sinusoidTable(): FArray {
    return this.pe;
  }

  /** @hidden Sums b_ih + b_hh per layer; call before a batch of forward passes. */
  prepareBiases(): void {
    const p = this.params;
    for (let l = 0; l < this.layers.length; l++) {
      const lp = this.layers[l]!;
      const bs = this.biasSum[l]!;
      for (let j = 0; j < bs.length; j++) bs[j] = p[lp.bih + j]! + p[lp.bhh + j]!;
    }
  }

  /** @hidden Turns dropout on (training) or off for the following forward passes. */
  setTraining(on: boolean): void {
    this.dropoutActive = on && this.config.dropout > 0;
  }

  /**
   * @hidden One sequence through the whole model; leaves every activation in the workspace
   * and the head output in `outBuf`. With `lastOnly`, attention is computed for the last query
   * only (valid for last-step pooling, whose output depends on nothing else).
   */
  forwardSequence(
    x: FArray,
    xOff: number,
    T: number,
    lastOnly: boolean,
    stats?: ActivationStats,
  ): void {
    const { hiddenSize: H, numLayers: L, numHeads: nh, outputSize: O, pooling } = this.config;
    const p = this.params;
    const H4 = 4 * H;
    // ---- LSTM stack (PyTorch nn.LSTM equations) ----
    const kern = this.kern;
    let inp: FArray = x;
    let inOff = xOff;
    if (kern.arena !== null && !kern.arena.owns(x)) {
      // The SIMD kernels read from the arena: copy the sequence in.
      const D = this.config.inputSize;
      const st = this.staging;
      for (let k = 0; k < T * D; k++) st[k] = x[xOff + k]!;
      inp = st;
      inOff = 0;
    }
    for (let l = 0; l < L; l++) {
      const lp = this.layers[l]!;
      const G = this.gates[l]!;
      const C = this.cells[l]!;
      const Hs = this.hs[l]!;
      const TC = this.tcs[l]!;
      if (l > 0 && this.dropoutActive) {
        const M = this.masks[l]!;
        const Xd = this.dropped[l]!;
        const keep = 1 - this.config.dropout;
        const scale = 1 / keep;
        const rng = this.dropoutRng;
        for (let k = 0; k < T * H; k++) {
          const m = rng.float() < keep ? scale : 0;
          M[k] = m;
          Xd[k] = inp[k]! * m;
        }
        inp = Xd;
        inOff = 0;
      }
      // Input projection for all steps at once, both biases folded in.
      kern.lin(inp, inOff, lp.inDim, T, lp.inDim, p, lp.wih, H4, this.biasSum[l]!, 0, G, 0, H4);
      for (let t = 0; t < T; t++) {
        const g0 = t * H4;
        const h0 = t * H;
        // The four gate products fused into one (4H × H) matrix-vector product per step.
        if (t > 0) kern.lin(Hs, h0 - H, H, 1, H, p, lp.whh, H4, G, g0, G, g0, H4);
        kern.cell(G, g0, C, t > 0 ? h0 - H : -1, C, h0, TC, Hs, h0, H);
      }
      if (stats !== undefined) {
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
      inp = Hs;
      inOff = 0;
    }
    // ---- positional encoding ----
    const top = this.hs[L - 1]!;
    const z = this.z;
    if (this.config.positionalEncoding === 'sinusoidal') {
      const pe = this.pe;
      for (let k = 0; k < T * H; k++) z[k] = top[k]! + pe[k]!;
    } else if (this.config.positionalEncoding === 'learned') {
      const po = this.offPos;
      for (let k = 0; k < T * H; k++) z[k] = top[k]! + p[po + k]!;
    } else {
      for (let k = 0; k < T * H; k++) z[k] = top[k]!;
    }
    // ---- multi-head self-attention ----
    const qkv = this.qkv;
    const H3 = 3 * H;
    const q0 = lastOnly ? T - 1 : 0;
    // K and V for every step; Q for the queries we need.
    kern.lin(z, 0, H, T, H, p, this.offInW + H * H, 2 * H, p, this.offInB + H, qkv, H, H3);
    kern.lin(z, q0 * H, H, T - q0, H, p, this.offInW, H, p, this.offInB, qkv, q0 * H3, H3);
    const dh = H / nh;
    const scale = 1 / Math.sqrt(dh);
    const probs = this.probs;
    const attO = this.attO;
    const causal = this.config.causal;
    const win = this.config.attentionWindow;
    if (lastOnly) {
      // Inference with last-step pooling: only the last query matters.
      const i = T - 1;
      const lo = win === null ? 0 : Math.max(0, i - win + 1);
      kern.attend(
        qkv,
        i * H3,
        qkv,
        lo * H3 + H,
        H3,
        qkv,
        lo * H3 + 2 * H,
        H3,
        i - lo + 1,
        nh,
        dh,
        scale,
        this.attScores,
        attO,
        i * H,
      );
    } else {
      // Every query (training, or mean / attention pooling); the probabilities are kept in
      // `probs` ([head, query, key], zero where masked) for the backward pass.
      const sc = this.attScores;
      for (let i = 0; i < T; i++) {
        let lo = 0;
        let hi = causal ? i : T - 1;
        if (win !== null) {
          lo = Math.max(0, i - win + 1);
          if (!causal) hi = Math.min(T - 1, i + win - 1);
        }
        const n = hi - lo + 1;
        kern.attend(
          qkv,
          i * H3,
          qkv,
          lo * H3 + H,
          H3,
          qkv,
          lo * H3 + 2 * H,
          H3,
          n,
          nh,
          dh,
          scale,
          sc,
          attO,
          i * H,
        );
        for (let h = 0; h < nh; h++) {
          const pr = (h * T + i) * T;
          for (let j = 0; j < lo; j++) probs[pr + j] = 0;
          for (let j = 0; j < n; j++) probs[pr + lo + j] = sc[h * n + j]!;
          for (let j = hi + 1; j < T; j++) probs[pr + j] = 0;
        }
      }
    }
    // out projection into resid, then residual + layer norm.
    const resid = this.resid;
    kern.lin(attO, q0 * H, H, T - q0, H, p, this.offOutW, H, p, this.offOutB, resid, q0 * H, H);
    const xhat = this.xhat;
    const y = this.y;
    const rstd = this.rstd;
    const lnW = this.offLnW;
    const lnB = this.offLnB;
    for (let t = q0; t < T; t++) {
      const o = t * H;
      let mean = 0;
      for (let j = 0; j < H; j++) {
        const r = z[o + j]! + resid[o + j]!;
        resid[o + j] = r;
        mean += r;
      }
      mean /= H;
      let v = 0;
      for (let j = 0; j < H; j++) {
        const d = resid[o + j]! - mean;
        v += d * d;
      }
      const rs = 1 / Math.sqrt(v / H + 1e-5);
      rstd[t] = rs;
      for (let j = 0; j < H; j++) {
        const xh = (resid[o + j]! - mean) * rs;
        xhat[o + j] = xh;
        y[o + j] = xh * p[lnW + j]! + p[lnB + j]!;
      }
    }
    // ---- pooling ----
    const pooled = this.pooled;
    if (pooling === 'last') {
      const o = (T - 1) * H;
      for (let j = 0; j < H; j++) pooled[j] = y[o + j]!;
    } else if (pooling === 'mean') {
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += y[t * H + j]!;
        pooled[j] = s / T;
      }
    } else {
      const alpha = this.alpha;
      let mx = Number.NEGATIVE_INFINITY;
      for (let t = 0; t < T; t++) {
        let s = p[this.offPoolB]!;
        for (let j = 0; j < H; j++) s += p[this.offPoolW + j]! * y[t * H + j]!;
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
    // ---- head ----
    kern.lin(pooled, 0, H, 1, H, p, this.offHeadW, O, p, this.offHeadB, this.outBuf, 0, O);
  }

  /**
   * @hidden Backpropagates `dOut` (gradient of the loss w.r.t. the head output of the sequence
   * just run by {@link AttentionLstm.forwardSequence} with `lastOnly` false) and accumulates into
   * {@link AttentionLstm.grads}.
   */
  backwardSequence(x: FArray, xOff: number, T: number, dOut: Float64Array): void {
    const { hiddenSize: H, numLayers: L, numHeads: nh, outputSize: O, pooling } = this.config;
    const p = this.params;
    const g = this.grads;
    const H3 = 3 * H;
    const H4 = 4 * H;
    // ---- head ----
    const dp = this.dPooled;
    linearRowsBackward(
      this.pooled,
      0,
      H,
      1,
      H,
      p,
      this.offHeadW,
      O,
      dOut,
      0,
      O,
      g,
      this.offHeadW,
      g,
      this.offHeadB,
      dp,
      0,
      H,
      false,
    );
    // ---- pooling -> dy (stored in dH scratch) ----
    const y = this.y;
    const dy = this.dH;
    for (let k = 0; k < T * H; k++) dy[k] = 0;
    if (pooling === 'last') {
      for (let j = 0; j < H; j++) dy[(T - 1) * H + j] = dp[j]!;
    } else if (pooling === 'mean') {
      for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) dy[t * H + j] = dp[j]! / T;
    } else {
      const alpha = this.alpha;
      const dA = this.dRow;
      let dot = 0;
      for (let t = 0; t < T; t++) {
        let s = 0;
        for (let j = 0; j < H; j++) s += dp[j]! * y[t * H + j]!;
        dA[t] = s;
        dot += alpha[t]! * s;
      }
      const pw = this.offPoolW;
      for (let t = 0; t < T; t++) {
        const a = alpha[t]!;
        const ds = a * (dA[t]! - dot);
        g[this.offPoolB] = g[this.offPoolB]! + ds;
        for (let j = 0; j < H; j++) {
          g[pw + j] = g[pw + j]! + ds * y[t * H + j]!;
          dy[t * H + j] = a * dp[j]! + ds * p[pw + j]!;
        }
      }
    }
    // ---- layer norm -> dr (into dO scratch, named dr) ----
    const xhat = this.xhat;
    const dr = this.dO;
    const lnW = this.offLnW;
    const lnB = this.offLnB;
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
      const rs = this.rstd[t]!;
      for (let j = 0; j < H; j++) {
        const dxh = dy[o + j]! * p[lnW + j]!;
        dr[o + j] = rs * (dxh - m1 - xhat[o + j]! * m2);
      }
    }
    // ---- residual: dz = dr + (attention path) ----
    const dz = this.dz;
    for (let k = 0; k < T * H; k++) dz[k] = dr[k]!;
    // out projection: dAttO = dr · W_o  (into dX scratch)
    const dAttO = this.dX;
    this.projBackward(
      this.attO,
      0,
      H,
      T,
      H,
      this.offOutW,
      H,
      dr,
      0,
      H,
      this.offOutB,
      dAttO,
      0,
      H,
      false,
    );
    // ---- attention core ----
    const qkv = this.qkv;
    const dqkv = this.dqkv;
    for (let k = 0; k < T * H3; k++) dqkv[k] = 0;
    const probs = this.probs;
    const dA = this.dRow;
    const dh = H / nh;
    const scale = 1 / Math.sqrt(dh);
    for (let h = 0; h < nh; h++) {
      for (let i = 0; i < T; i++) {
        const pr = (h * T + i) * T;
        const oo = i * H + h * dh;
        let dot = 0;
        for (let j = 0; j < T; j++) {
          const a = probs[pr + j]!;
          if (a === 0) {
            dA[j] = 0;
            continue;
          }
          const vo = j * H3 + 2 * H + h * dh;
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
        for (let j = 0; j < T; j++) {
          const a = probs[pr + j]!;
          if (a === 0) continue;
          const ds = a * (dA[j]! - dot) * scale;
          const ko = j * H3 + H + h * dh;
          for (let d = 0; d < dh; d++) {
            dqkv[qo + d] = dqkv[qo + d]! + ds * qkv[ko + d]!;
            dqkv[ko + d] = dqkv[ko + d]! + ds * qkv[qo + d]!;
          }
        }
      }
    }
    // in projection: dz += dqkv · W_in
    this.projBackward(
      this.z,
      0,
      H,
      T,
      H,
      this.offInW,
      H3,
      dqkv,
      0,
      H3,
      this.offInB,
      dz,
      0,
      H,
      true,
    );
    if (this.config.positionalEncoding === 'learned') {
      const po = this.offPos;
      for (let k = 0; k < T * H; k++) g[po + k] = g[po + k]! + dz[k]!;
    }
    // ---- LSTM stack, top to bottom (BPTT) ----
    // Per step only the elementwise gate derivatives and dh_{t-1} = W_hhᵀ·dG_t; the weight and
    // bias gradients are products over all steps at the end (transposed copies keep every inner
    // loop contiguous).
    let dHs: Float64Array = dz; // gradient w.r.t. the current layer's outputs
    const dG = this.dG;
    const dGT = this.dGT;
    const aT = this.actT;
    const wT = this.wT;
    const kern = this.kern;
    const simd = kern.arena !== null && this.bG32.length > 0;
    const bG = this.bG32;
    const bGT = this.bGT32;
    const bAT = this.bAT32;
    const bWT = this.bWT32;
    const bOut = this.bOut32;
    const bZero = this.bZero32;
    const bDhN = this.bDhN32;
    for (let l = L - 1; l >= 0; l--) {
      const lp = this.layers[l]!;
      const G = this.gates[l]!;
      const C = this.cells[l]!;
      const Hs = this.hs[l]!;
      const TC = this.tcs[l]!;
      const dhN = this.dhNext;
      const dcN = this.dcNext;
      dhN.fill(0);
      dcN.fill(0);
      const wTl: FArray = simd ? bWT : wT;
      for (let r = 0; r < H4; r++) {
        for (let k = 0; k < H; k++) wTl[k * H4 + r] = p[lp.whh + r * H + k]!;
      }
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
        // dh_{t-1} = W_hhᵀ · dG_t
        if (t > 0) {
          if (simd) {
            for (let r = 0; r < H4; r++) bG[g0 + r] = dG[g0 + r]!;
            kern.lin(bG, g0, H4, 1, H4, bWT, 0, H, bZero, 0, bDhN, 0, H);
            for (let j = 0; j < H; j++) dhN[j] = bDhN[j]!;
          } else {
            linearRows(dG, g0, H4, 1, H4, wT, 0, H, null, 0, dhN, 0, H);
          }
        } else if (simd) {
          for (let r = 0; r < H4; r++) bG[r] = dG[r]!;
        }
      }
      // dGᵀ (4H × T); bias gradients are its row sums.
      for (let t = 0; t < T; t++) {
        for (let r = 0; r < H4; r++) dGT[r * T + t] = dG[t * H4 + r]!;
      }
      for (let r = 0; r < H4; r++) {
        let sum = 0;
        for (let t = 0; t < T; t++) sum += dGT[r * T + t]!;
        g[lp.bih + r] = g[lp.bih + r]! + sum;
        g[lp.bhh + r] = g[lp.bhh + r]! + sum;
      }
      // dW_hh += Σ_{t≥1} dG_t ⊗ h_{t-1}
      if (simd) {
        for (let k = 0; k < T * H4; k++) bGT[k] = dGT[k]!;
        if (T > 1) {
          const K = T - 1;
          for (let t = 0; t < K; t++) {
            for (let k = 0; k < H; k++) bAT[k * K + t] = Hs[t * H + k]!;
          }
          kern.lin(bGT, 1, T, H4, K, bAT, 0, H, bZero, 0, bOut, 0, H);
          for (let k = 0; k < H4 * H; k++) g[lp.whh + k] = g[lp.whh + k]! + bOut[k]!;
        }
      } else {
        for (let t = 0; t < T; t++) {
          for (let k = 0; k < H; k++) aT[k * T + t] = Hs[t * H + k]!;
        }
        if (T > 1) gemmAccNT(dGT, 1, T, H4, T - 1, aT, 0, T, H, g, lp.whh, H);
      }
      // dW_ih += Σ_t dG_t ⊗ x_t; dX = dG · W_ih
      let inp: FArray;
      let inOff: number;
      if (l === 0) {
        inp = x;
        inOff = xOff;
      } else if (this.dropoutActive) {
        inp = this.dropped[l]!;
        inOff = 0;
      } else {
        inp = this.hs[l - 1]!;
        inOff = 0;
      }
      const inDim = lp.inDim;
      const aTl: FArray = simd ? bAT : aT;
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < inDim; k++) aTl[k * T + t] = inp[inOff + t * inDim + k]!;
      }
      if (simd) {
        kern.lin(bGT, 0, T, H4, T, bAT, 0, inDim, bZero, 0, bOut, 0, inDim);
        for (let k = 0; k < H4 * inDim; k++) g[lp.wih + k] = g[lp.wih + k]! + bOut[k]!;
      } else {
        gemmAccNT(dGT, 0, T, H4, T, aT, 0, T, inDim, g, lp.wih, inDim);
      }
      if (l > 0) {
        for (let r = 0; r < H4; r++) {
          for (let k = 0; k < inDim; k++) wTl[k * H4 + r] = p[lp.wih + r * inDim + k]!;
        }
        const dX = this.dX;
        if (simd) {
          kern.lin(bG, 0, H4, T, H4, bWT, 0, inDim, bZero, 0, bOut, 0, inDim);
          for (let k = 0; k < T * inDim; k++) dX[k] = bOut[k]!;
        } else {
          linearRows(dG, 0, H4, T, H4, wT, 0, inDim, null, 0, dX, 0, inDim);
        }
        if (this.dropoutActive) {
          const M = this.masks[l]!;
          for (let k = 0; k < T * H; k++) dX[k] = dX[k]! * M[k]!;
        }
        // Move into dH scratch (dHs for the layer below); dH is free after LN backward.
        const next = this.dH;
        for (let k = 0; k < T * H; k++) next[k] = dX[k]!;
        dHs = next;
      }
    }
  }

  /**
   * Backward of one projection Y = X·Wᵀ + b inside the model (weights at `wOff`, bias at
   * `bOff` in the flat buffers): accumulates dW and db into the gradients and writes (or adds)
   * dX. Float32 models run the two products on the SIMD kernels through float32 mirrors.
   */
  private projBackward(
    x: FArray,
    xOff: number,
    xStride: number,
    rows: number,
    inDim: number,
    wOff: number,
    outDim: number,
    dy: Float64Array,
    dyOff: number,
    dyStride: number,
    bOff: number,
    dx: Float64Array,
    dxOff: number,
    dxStride: number,
    accumulateDx: boolean,
  ): void {
    const p = this.params;
    const g = this.grads;
    const kern = this.kern;
    if (kern.arena === null || this.bG32.length === 0) {
      linearRowsBackward(
        x,
        xOff,
        xStride,
        rows,
        inDim,
        p,
        wOff,
        outDim,
        dy,
        dyOff,
        dyStride,
        g,
        wOff,
        g,
        bOff,
        dx,
        dxOff,
        dxStride,
        accumulateDx,
      );
      return;
    }
    const dyT = this.bGT32;
    const dy32 = this.bG32;
    const xT = this.bAT32;
    const wT = this.bWT32;
    const out = this.bOut32;
    const zero = this.bZero32;
    for (let r = 0; r < rows; r++) {
      const dr = dyOff + r * dyStride;
      for (let o = 0; o < outDim; o++) {
        const v = dy[dr + o]!;
        g[bOff + o] = g[bOff + o]! + v;
        dyT[o * rows + r] = v;
        dy32[r * outDim + o] = v;
      }
      const xr = xOff + r * xStride;
      for (let k = 0; k < inDim; k++) xT[k * rows + r] = x[xr + k]!;
    }
    // dW (out × in) = dYᵀ·X
    kern.lin(dyT, 0, rows, outDim, rows, xT, 0, inDim, zero, 0, out, 0, inDim);
    for (let k = 0; k < outDim * inDim; k++) g[wOff + k] = g[wOff + k]! + out[k]!;
    // dX (rows × in) = dY·W
    for (let o = 0; o < outDim; o++) {
      for (let k = 0; k < inDim; k++) wT[k * outDim + o] = p[wOff + o * inDim + k]!;
    }
    kern.lin(dy32, 0, outDim, rows, outDim, wT, 0, inDim, zero, 0, out, 0, inDim);
    for (let r = 0; r < rows; r++) {
      const xo = dxOff + r * dxStride;
      if (accumulateDx)
        for (let k = 0; k < inDim; k++) dx[xo + k] = dx[xo + k]! + out[r * inDim + k]!;
      else for (let k = 0; k < inDim; k++) dx[xo + k] = out[r * inDim + k]!;
    }
  }

  /** @hidden Raises `activity[l·H + j]` to the largest |h| of unit j of layer l in the last sequence. */
  recordActivity(T: number, activity: Float64Array): void {
    const H = this.config.hiddenSize;
    for (let l = 0; l < this.layers.length; l++) {
      const hs = this.hs[l]!;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          const a = Math.abs(hs[t * H + j]!);
          if (a > activity[l * H + j]!) activity[l * H + j] = a;
        }
      }
    }
  }

  /** @hidden Resets the gradient accumulators to zero. */
  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** @hidden Throws unless the model can stream (causal, finite window, last-step pooling). */
  assertStreamable(): void {
    if (!this.config.causal || this.config.attentionWindow === null) {
      throw new InvalidStateError(
        'streaming needs causal attention with a finite attentionWindow (the last T steps)',
        { state: 'not-streamable' },
      );
    }
    if (this.config.pooling !== 'last') {
      throw new InvalidStateError(
        `streaming supports last-step pooling only (this model pools by '${this.config.pooling}')`,
        { state: 'not-streamable' },
      );
    }
  }

  private initialise(rng: Rng): void {
    const { hiddenSize: H, init } = this.config;
    const p = this.params;
    const uniform = (off: number, n: number, bound: number): void => {
      for (let i = 0; i < n; i++) p[off + i] = rng.uniform(-bound, bound);
    };
    const normal = (off: number, n: number, sd: number): void => {
      for (let i = 0; i < n; i++) p[off + i] = rng.normal(0, sd);
    };
    const xavier = (off: number, rows: number, cols: number): void => {
      if (init === 'xavier-normal') normal(off, rows * cols, Math.sqrt(2 / (rows + cols)));
      else uniform(off, rows * cols, Math.sqrt(6 / (rows + cols)));
    };
    p.fill(0);
    for (const lp of this.layers) {
      if (init === 'pytorch') {
        const k = 1 / Math.sqrt(H);
        uniform(lp.wih, 4 * H * lp.inDim, k);
        uniform(lp.whh, 4 * H * H, k);
        uniform(lp.bih, 4 * H, k);
        uniform(lp.bhh, 4 * H, k);
      } else {
        for (let gi = 0; gi < 4; gi++) {
          xavier(lp.wih + gi * H * lp.inDim, H, lp.inDim);
          orthogonal(p, lp.whh + gi * H * H, H, rng);
        }
        for (let j = 0; j < H; j++) p[lp.bih + H + j] = 1;
      }
    }
    if (this.offPos >= 0)
      normal(this.offPos, this.config.maxLength * H, init === 'pytorch' ? 1 : 0.02);
    // nn.MultiheadAttention._reset_parameters: xavier_uniform_ on the packed (3E, E) matrix.
    if (init === 'xavier-normal') normal(this.offInW, 3 * H * H, Math.sqrt(2 / (4 * H)));
    else uniform(this.offInW, 3 * H * H, Math.sqrt(6 / (4 * H)));
    if (init === 'pytorch') uniform(this.offOutW, H * H, 1 / Math.sqrt(H));
    else xavier(this.offOutW, H, H);
    for (let j = 0; j < H; j++) p[this.offLnW + j] = 1;
    if (this.offPoolW >= 0) {
      if (init === 'pytorch') {
        uniform(this.offPoolW, H, 1 / Math.sqrt(H));
        uniform(this.offPoolB, 1, 1 / Math.sqrt(H));
      } else xavier(this.offPoolW, 1, H);
    }
    const O = this.config.outputSize;
    if (init === 'pytorch') {
      uniform(this.offHeadW, O * H, 1 / Math.sqrt(H));
      uniform(this.offHeadB, O, 1 / Math.sqrt(H));
    } else xavier(this.offHeadW, O, H);
  }
}

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
 * Fills an n×n block at `off` with a random orthogonal matrix: QR (modified Gram-Schmidt) of a
 * Gaussian matrix with the signs of R's diagonal folded in, as `torch.nn.init.orthogonal_`
 * (Saxe et al. 2014).
 */
function orthogonal(p: FArray, off: number, n: number, rng: Rng): void {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  // Columns of a, orthonormalised in place (column j at stride n).
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += a[i * n + j]! * a[i * n + k]!;
      for (let i = 0; i < n; i++) a[i * n + j] = a[i * n + j]! - dot * a[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * n + j] = a[i * n + j]! / norm;
  }
  for (let i = 0; i < n * n; i++) p[off + i] = a[i]!;
}

/**
 * The importer for the core model registry contract.
 *
 * @example
 * ```ts
 * const copy = attentionLstmImporter.importModel(model.exportModel());
 * ```
 */
export const attentionLstmImporter: ModelImporter<AttentionLstm> = {
  kind: ATTENTION_LSTM_KIND,
  importModel: (exported) => AttentionLstm.importModel(exported),
};
