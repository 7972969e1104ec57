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
  type FloatArray,
  type ModelImporter,
  type NamedTensors,
  type Tensor,
  tensor,
  ValidationError,
  validateExportedModel,
} from '@x/core';
import {
  type AttentionLstmConfig,
  configToJson,
  type ResolvedAttentionLstmConfig,
  resolveConfig,
} from './config.js';
import { checkInput, prepareInput } from './internal/input.js';
import { Net } from './internal/net.js';
import { loadTensors, renameTensors } from './internal/state-dict.js';
import type { ParameterInfo, StateDictOptions } from './types.js';

/** The `kind` of an exported attention-LSTM. */
export const ATTENTION_LSTM_KIND = '@x/attention-lstm:AttentionLstm';
/** The export format version this package writes and reads. */
export const ATTENTION_LSTM_FORMAT_VERSION = 1;

let reach: (m: AttentionLstm) => Net;

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
  readonly #net: Net;

  static {
    reach = (m) => m.#net;
  }

  private constructor(config: ResolvedAttentionLstmConfig) {
    this.config = config;
    this.#net = new Net(config);
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
   * A `state_dict` cannot tell a model with sinusoidal positions from one without positions, so
   * `config.positionalEncoding` must be given unless the tensors hold `pos.weight` (then it is
   * `'learned'`).
   *
   * @param config - the hyper-parameters
   * @param tensors - every parameter by name
   * @param options - `rename`: a prefix map for modules named differently, such as
   * `{ 'mha.': 'attn.', 'ln.': 'norm.' }`
   * @returns the model
   * @throws `ValidationError` (from `@x/core`) naming a missing, unexpected or wrongly shaped tensor, a
   * non-finite weight or one beyond float32 range, or a missing `positionalEncoding`
   *
   * @example
   * ```ts
   * // stand-in for a PyTorch state_dict whose modules are named `mha` and `ln`
   * const source = AttentionLstm.create({ inputSize: 4, hiddenSize: 16, positionalEncoding: 'none' });
   * const torchName = (k: string) => k.replace(/^attn\./, 'mha.').replace(/^norm\./, 'ln.');
   * const tensors = Object.fromEntries(
   *   Object.entries(source.exportModel().tensors).map(([k, t]) => [torchName(k), t]),
   * );
   * const model = AttentionLstm.fromStateDict(
   *   { inputSize: 4, hiddenSize: 16, positionalEncoding: 'none' },
   *   tensors,
   *   { rename: { 'mha.': 'attn.', 'ln.': 'norm.' } },
   * );
   * ```
   */
  static fromStateDict(
    config: AttentionLstmConfig,
    tensors: NamedTensors,
    options: StateDictOptions = {},
  ): AttentionLstm {
    const named = renameTensors(tensors, options.rename);
    let cfg = config;
    if (config.positionalEncoding === undefined) {
      if (named['pos.weight'] === undefined) {
        throw new ValidationError(
          "fromStateDict needs config.positionalEncoding ('sinusoidal', 'learned' or 'none'): a state_dict without pos.weight cannot tell sinusoidal positions from none",
          { field: 'positionalEncoding' },
        );
      }
      cfg = { ...config, positionalEncoding: 'learned' };
    }
    const m = new AttentionLstm(resolveConfig(cfg));
    m.loadStateDict(named);
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
    const m = new AttentionLstm(resolveConfig(exported.config as unknown as AttentionLstmConfig));
    m.loadStateDict(exported.tensors);
    return m;
  }

  /** All parameters, flat, in {@link AttentionLstm.parameterInfo} order. */
  get params(): Float32Array | Float64Array {
    return this.#net.params;
  }

  /** Gradient accumulators, flat and parallel to {@link AttentionLstm.params}, always float64. */
  get grads(): Float64Array {
    return this.#net.grads;
  }

  /** Where each named parameter lives in {@link AttentionLstm.params}. */
  get parameterInfo(): readonly ParameterInfo[] {
    return this.#net.layout.info;
  }

  /** The element type of the model. */
  get dtype(): DType {
    return this.config.dtype;
  }

  /**
   * True when this model runs on the WebAssembly SIMD kernels (float32, hidden size a multiple
   * of 4, SIMD available). A call on a sequence longer than `min(maxLength, 1024)` steps runs in
   * JavaScript buffers; later calls are back on the SIMD kernels.
   */
  get usesSimd(): boolean {
    return this.#net.usesSimd;
  }

  /** Total number of scalar parameters. */
  get parameterCount(): number {
    return this.#net.params.length;
  }

  /**
   * Replaces every parameter from named tensors (PyTorch `state_dict` names).
   * @param tensors - every parameter by name
   * @param options - `rename`: a prefix map for modules named differently
   * @throws `ValidationError` (from `@x/core`) naming a missing, unexpected or wrongly shaped tensor, or a
   * non-finite weight (or one beyond float32 range in a float32 model); the model is unchanged
   * when it throws
   */
  loadStateDict(tensors: NamedTensors, options: StateDictOptions = {}): void {
    loadTensors(this.#net, renameTensors(tensors, options.rename));
  }

  /**
   * The parameters as named tensors (views over the live buffer: writing them changes the model).
   * @returns tensors by PyTorch `state_dict` name, in `state_dict` order
   */
  parameters(): NamedTensors {
    return this.#named(this.#net.params, this.config.dtype, false);
  }

  /** Each parameter's slice of `buffer` as a named tensor: a view, or a copy with `copy`. */
  #named(buffer: FloatArray, dtype: DType, copy: boolean): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const p of this.parameterInfo) {
      const end = p.offset + p.size;
      const data = copy ? buffer.slice(p.offset, end) : buffer.subarray(p.offset, end);
      out[p.name] = tensor(dtype, p.shape, data as never) as Tensor;
    }
    return out;
  }

  /**
   * The gradients as named float64 tensors (views over {@link AttentionLstm.grads}).
   * @returns tensors by parameter name
   */
  gradients(): NamedTensors {
    return this.#named(this.#net.grads, 'float64', false);
  }

  /** Resets the gradient accumulators ({@link AttentionLstm.grads}) to zero. */
  zeroGrad(): void {
    this.#net.grads.fill(0);
  }

  /**
   * The model as config plus copies of its tensors; {@link AttentionLstm.importModel} restores
   * it bit for bit. The config is the resolved configuration (every default written out, the
   * positional encoding included) and holds only JSON values; the tensors are plain named
   * tensors, so any `ExportedModel` serialiser can store it.
   * @returns the exported model
   */
  exportModel(): ExportedModel {
    const tensors = this.#named(this.#net.params, this.config.dtype, true);
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
   * @throws `ValidationError` (from `@x/core`) on a wrong shape or a non-finite input (or one
   * beyond float32 range for a float32 model)
   */
  forward(x: Tensor): Tensor {
    assertShape(x, [null, null, this.config.inputSize], 'input');
    const { xs, B, T } = prepareInput(this.config, x);
    const out = tensor(this.config.dtype, [B, this.config.outputSize]) as Tensor;
    this.forwardInto(xs, B, T, out.data);
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
  forwardInto<A extends Float32Array | Float64Array>(
    x: Float32Array | Float64Array,
    batch: number,
    steps: number,
    out: A,
  ): A {
    const { inputSize: D, outputSize: O } = this.config;
    checkInput(this.config, x, batch, steps);
    if (out.length < batch * O) {
      throw new ValidationError(`out has ${out.length} elements, needs ${batch * O}`, {
        field: 'out',
        value: out.length,
      });
    }
    const net = this.#net;
    net.prepareBiases();
    const lastOnly = this.config.pooling === 'last';
    for (let b = 0; b < batch; b++) {
      net.forward(x, b * steps * D, steps, lastOnly);
      for (let o = 0; o < O; o++) out[b * O + o] = net.outBuf[o]!;
    }
    return out;
  }

  /**
   * The per-step outputs of the final layer (the attention block after residual and layer norm,
   * what the pooling step reads), for heads of your own.
   * @param x - input of shape `[batch, steps, inputSize]`
   * @returns a float64 tensor of shape `[batch, steps, hiddenSize]`
   * @throws `ValidationError` (from `@x/core`) on a wrong shape or a non-finite input
   *
   * @example
   * ```ts
   * const model = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 1 });
   * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
   * const steps = model.forwardSteps(x); // [batch, steps, hiddenSize]: shape [8, 5, 8]
   * ```
   */
  forwardSteps(x: Tensor): Tensor {
    const { xs, B, T } = prepareInput(this.config, x);
    const H = this.config.hiddenSize;
    const out = tensor('float64', [B, T, H]);
    const net = this.#net;
    net.prepareBiases();
    for (let b = 0; b < B; b++) {
      const ws = net.forward(xs, b * T * this.config.inputSize, T, false);
      for (let k = 0; k < T * H; k++) out.data[b * T * H + k] = ws.y[k]!;
    }
    return out as Tensor;
  }

  /**
   * Backpropagates an arbitrary upstream gradient (a custom loss) through the model in inference
   * mode and adds the parameter gradients to {@link AttentionLstm.grads} (call
   * {@link AttentionLstm.zeroGrad} first for a fresh gradient). `dOutput` is the gradient of your
   * loss with respect to {@link AttentionLstm.forward}'s output, `[batch, outputSize]`; or, with
   * `{ steps: true }`, with respect to {@link AttentionLstm.forwardSteps}' output,
   * `[batch, steps, hiddenSize]`. Each sequence's forward pass is recomputed.
   *
   * @param x - input of shape `[batch, steps, inputSize]`
   * @param dOutput - the upstream gradient, flat and batch-first
   * @param options - `steps: true` when `dOutput` is per step
   * @throws `ValidationError` (from `@x/core`) on wrong sizes or non-finite values
   *
   * @example
   * ```ts
   * const model = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 1 });
   * const x = tensor('float32', [8, 5, 2], Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)));
   * const y = model.forward(x);
   * const dy = Float64Array.from(y.data, (v) => 2 * (v - 1)); // d/dy of Σ (y − 1)²
   * model.zeroGrad();
   * model.backward(x, dy);
   * ```
   */
  backward(
    x: Tensor,
    dOutput: ArrayLike<number>,
    options: { readonly steps?: boolean } = {},
  ): void {
    const { xs, B, T } = prepareInput(this.config, x);
    const { inputSize: D, outputSize: O, hiddenSize: H } = this.config;
    const per = options.steps === true ? T * H : O;
    if (dOutput.length !== B * per) {
      throw new ValidationError(
        `tensor 'dOutput' has ${dOutput.length} elements, expected ${B * per}`,
        { field: 'dOutput', value: dOutput.length },
      );
    }
    for (let i = 0; i < dOutput.length; i++) {
      if (!Number.isFinite(dOutput[i]!)) {
        throw new ValidationError(`tensor 'dOutput' has a non-finite value at [${i}]`, {
          field: 'dOutput',
          value: dOutput[i],
        });
      }
    }
    const net = this.#net;
    net.setTraining(false);
    net.prepareBiases();
    const dOut = new Float64Array(O);
    for (let b = 0; b < B; b++) {
      net.forward(xs, b * T * D, T, false);
      if (options.steps === true) {
        net.backwardSteps(xs, b * T * D, T, dOutput, b * per);
      } else {
        for (let o = 0; o < O; o++) dOut[o] = dOutput[b * O + o]!;
        net.backward(xs, b * T * D, T, dOut);
      }
    }
  }
}

/**
 * The model's machinery, for the trainer and the stream of this package.
 * @internal
 */
export function netOf(m: AttentionLstm): Net {
  return reach(m);
}

/**
 * The importer for the core model registry contract.
 *
 * @example
 * ```ts
 * const model = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 1 });
 * const copy = attentionLstmImporter.importModel(model.exportModel()); // same weights, same outputs
 * ```
 */
export const attentionLstmImporter: ModelImporter<AttentionLstm> = {
  kind: ATTENTION_LSTM_KIND,
  importModel: (exported) => AttentionLstm.importModel(exported),
};
