/**
 * Hyper-parameters of an {@link AttentionLstm} and their validation.
 *
 * @module
 */
import { checkedInteger, type DType, type JsonObject, ValidationError } from '@x/core';
import { knownKeys, oneOf } from './internal/check.js';

const CONFIG_KEYS = [
  'inputSize',
  'hiddenSize',
  'numLayers',
  'numHeads',
  'outputSize',
  'dropout',
  'causal',
  'attentionWindow',
  'positionalEncoding',
  'maxLength',
  'pooling',
  'dtype',
  'init',
  'seed',
];

/** How the per-step outputs of the attention block become one vector for the head. */
export type Pooling = 'last' | 'mean' | 'attention';

/** Positional information added to the LSTM outputs before attention. */
export type PositionalEncoding = 'sinusoidal' | 'learned' | 'none';

/**
 * Weight initialisation scheme.
 * - `'pytorch'`: PyTorch's defaults (LSTM and Linear U(±1/√fan_in), MultiheadAttention
 *   in_proj Xavier-uniform with zero biases, LayerNorm 1/0, learned positions N(0, 1)).
 * - `'xavier-uniform'` / `'xavier-normal'`: Glorot & Bengio (2010) eq. 16 for every input
 *   matrix, orthogonal recurrent weights per gate block (Saxe et al. 2014), zero biases
 *   except the LSTM forget-gate input bias at 1 (Jozefowicz et al. 2015).
 */
export type InitScheme = 'pytorch' | 'xavier-uniform' | 'xavier-normal';

/** User-facing configuration of an {@link AttentionLstm}; omitted fields take the defaults shown. */
export interface AttentionLstmConfig {
  /** Features per time step. */
  readonly inputSize: number;
  /** LSTM hidden size, also the attention embedding size (divisible by `numHeads`). */
  readonly hiddenSize: number;
  /** Stacked LSTM layers. Default 1. */
  readonly numLayers?: number;
  /** Attention heads. Default 1. */
  readonly numHeads?: number;
  /** Outputs of the head (1 for scalar regression, the class count for classification). Default 1. */
  readonly outputSize?: number;
  /**
   * Dropout probability between LSTM layers, in training only. Default 0. As in PyTorch's
   * `nn.LSTM`, there is none after the last layer, so a non-zero dropout with `numLayers: 1`
   * would do nothing: it is refused.
   */
  readonly dropout?: number;
  /** Causal attention: step t attends to steps ≤ t only. Default false. */
  readonly causal?: boolean;
  /**
   * Attention limited to the last `attentionWindow` steps (|i − j| < window; with `causal`,
   * 0 ≤ i − j < window). `null` (default) attends over the whole sequence. The streaming mode
   * needs it.
   */
  readonly attentionWindow?: number | null;
  /** Positional encoding. Default `'sinusoidal'` (Vaswani et al. 2017, §3.5). */
  readonly positionalEncoding?: PositionalEncoding;
  /** Longest sequence for learned positions (and the precomputed sinusoid table). Default 512. */
  readonly maxLength?: number;
  /** Pooling into the head. Default `'last'`. */
  readonly pooling?: Pooling;
  /** Element type of weights and activations. Default `'float32'`. */
  readonly dtype?: DType;
  /** Initialisation scheme. Default `'pytorch'`. */
  readonly init?: InitScheme;
  /** Seed of the core PRNG for initialisation and dropout. Default 0. */
  readonly seed?: number;
}

/** A configuration with every default filled in. */
export interface ResolvedAttentionLstmConfig {
  /** See {@link AttentionLstmConfig.inputSize}. */
  readonly inputSize: number;
  /** See {@link AttentionLstmConfig.hiddenSize}. */
  readonly hiddenSize: number;
  /** See {@link AttentionLstmConfig.numLayers}. */
  readonly numLayers: number;
  /** See {@link AttentionLstmConfig.numHeads}. */
  readonly numHeads: number;
  /** See {@link AttentionLstmConfig.outputSize}. */
  readonly outputSize: number;
  /** See {@link AttentionLstmConfig.dropout}. */
  readonly dropout: number;
  /** See {@link AttentionLstmConfig.causal}. */
  readonly causal: boolean;
  /** See {@link AttentionLstmConfig.attentionWindow}. */
  readonly attentionWindow: number | null;
  /** See {@link AttentionLstmConfig.positionalEncoding}. */
  readonly positionalEncoding: PositionalEncoding;
  /** See {@link AttentionLstmConfig.maxLength}. */
  readonly maxLength: number;
  /** See {@link AttentionLstmConfig.pooling}. */
  readonly pooling: Pooling;
  /** See {@link AttentionLstmConfig.dtype}. */
  readonly dtype: DType;
  /** See {@link AttentionLstmConfig.init}. */
  readonly init: InitScheme;
  /** See {@link AttentionLstmConfig.seed}. */
  readonly seed: number;
}

/**
 * Fills defaults and validates a configuration.
 * @param c - the user's configuration
 * @returns the resolved configuration
 * @throws `ValidationError` (from `@x/core`) naming the first invalid field
 */
export function resolveConfig(c: AttentionLstmConfig): ResolvedAttentionLstmConfig {
  if (typeof c !== 'object' || c === null) {
    throw new ValidationError('config must be an object', { field: 'config' });
  }
  knownKeys(c, 'config', CONFIG_KEYS);
  const hiddenSize = checkedInteger(c.hiddenSize, 'hiddenSize');
  const numHeads = checkedInteger(c.numHeads ?? 1, 'numHeads');
  if (hiddenSize % numHeads !== 0) {
    throw new ValidationError(
      `hiddenSize ${hiddenSize} must be divisible by numHeads ${numHeads}`,
      {
        field: 'numHeads',
        value: numHeads,
      },
    );
  }
  const dropout = c.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ValidationError('dropout must be in [0, 1)', { field: 'dropout', value: dropout });
  }
  const numLayers = checkedInteger(c.numLayers ?? 1, 'numLayers');
  if (dropout > 0 && numLayers === 1) {
    throw new ValidationError(
      'dropout applies between LSTM layers (none after the last, as torch.nn.LSTM), so with numLayers 1 it would do nothing: use numLayers > 1 or dropout 0',
      { field: 'dropout', value: dropout },
    );
  }
  const positionalEncoding = oneOf(c.positionalEncoding ?? 'sinusoidal', 'positionalEncoding', [
    'sinusoidal',
    'learned',
    'none',
  ] as const);
  if (positionalEncoding === 'sinusoidal' && hiddenSize % 2 !== 0) {
    throw new ValidationError('sinusoidal positional encoding needs an even hiddenSize', {
      field: 'hiddenSize',
      value: hiddenSize,
    });
  }
  const w = c.attentionWindow ?? null;
  const seed = c.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new ValidationError('seed must be an integer', { field: 'seed', value: seed });
  }
  return {
    inputSize: checkedInteger(c.inputSize, 'inputSize'),
    hiddenSize,
    numLayers,
    numHeads,
    outputSize: checkedInteger(c.outputSize ?? 1, 'outputSize'),
    dropout,
    causal:
      typeof c.causal === 'boolean'
        ? c.causal
        : c.causal === undefined
          ? false
          : bad('causal', c.causal),
    attentionWindow: w === null ? null : checkedInteger(w, 'attentionWindow'),
    positionalEncoding,
    maxLength: checkedInteger(c.maxLength ?? 512, 'maxLength'),
    pooling: oneOf(c.pooling ?? 'last', 'pooling', ['last', 'mean', 'attention'] as const),
    dtype: oneOf(c.dtype ?? 'float32', 'dtype', ['float32', 'float64'] as const),
    init: oneOf(c.init ?? 'pytorch', 'init', [
      'pytorch',
      'xavier-uniform',
      'xavier-normal',
    ] as const),
    seed,
  };
}

function bad(field: string, value: unknown): never {
  throw new ValidationError(`${field} must be a boolean`, { field, value });
}

/**
 * A configuration as JSON, for `ExportedModel.config`.
 * @param c - a resolved configuration
 * @returns the same fields as a JSON object
 */
export function configToJson(c: ResolvedAttentionLstmConfig): JsonObject {
  return { ...c };
}
