/**
 * Where every parameter tensor lives in the flat parameter buffer (PyTorch `state_dict` names and
 * order), and how big the WebAssembly arena of a float32 model must be.
 * @internal
 */
import type { DType } from '@x/core';
import type { ResolvedAttentionLstmConfig } from '../config.js';
import type { ParameterInfo } from '../types.js';
import type { FArray } from './kernels.js';

/** Offsets of one LSTM layer's tensors in the flat buffers. */
interface LayerLayout {
  readonly inDim: number;
  readonly wih: number;
  readonly whh: number;
  readonly bih: number;
  readonly bhh: number;
}

/** Offsets of every tensor (-1 when the configuration has no such tensor). */
export interface Layout {
  readonly layers: readonly LayerLayout[];
  readonly pos: number;
  readonly inW: number;
  readonly inB: number;
  readonly outW: number;
  readonly outB: number;
  readonly lnW: number;
  readonly lnB: number;
  readonly poolW: number;
  readonly poolB: number;
  readonly headW: number;
  readonly headB: number;
  /** Every tensor in `state_dict` order. */
  readonly info: readonly ParameterInfo[];
  /** Total number of scalars. */
  readonly size: number;
}

/**
 * The parameter layout of a configuration.
 * @param config - the resolved configuration
 * @returns the offsets and the tensor list
 */
export function makeLayout(config: ResolvedAttentionLstmConfig): Layout {
  const { inputSize: D, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const info: ParameterInfo[] = [];
  let off = 0;
  const add = (name: string, shape: number[]): number => {
    const size = shape.reduce((a, b) => a * b, 1);
    info.push({ name, shape, offset: off, size });
    off += size;
    return off - size;
  };
  const layers: LayerLayout[] = [];
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
  const pos =
    config.positionalEncoding === 'learned' ? add('pos.weight', [config.maxLength, H]) : -1;
  const inW = add('attn.in_proj_weight', [3 * H, H]);
  const inB = add('attn.in_proj_bias', [3 * H]);
  const outW = add('attn.out_proj.weight', [H, H]);
  const outB = add('attn.out_proj.bias', [H]);
  const lnW = add('norm.weight', [H]);
  const lnB = add('norm.bias', [H]);
  const attnPool = config.pooling === 'attention';
  const poolW = attnPool ? add('pool.weight', [1, H]) : -1;
  const poolB = attnPool ? add('pool.bias', [1]) : -1;
  const headW = add('head.weight', [O, H]);
  const headB = add('head.bias', [O]);
  return {
    layers,
    pos,
    inW,
    inB,
    outW,
    outB,
    lnW,
    lnB,
    poolW,
    poolB,
    headW,
    headB,
    info,
    size: off,
  };
}

/** Steps the SIMD arena's workspace holds: maxLength, at most 1024 (longer calls use JS buffers). */
export function arenaSteps(maxLength: number): number {
  return Math.min(maxLength, 1024);
}

/** Keys one query attends to at most: the whole sequence, or the band the window allows. */
export function attentionBand(config: ResolvedAttentionLstmConfig, T: number): number {
  const w = config.attentionWindow;
  if (w === null) return T;
  return Math.min(T, config.causal ? w : 2 * w - 1);
}

/**
 * Float32 values (and allocation count) of a model's WebAssembly arena: the parameters, the
 * fixed per-model buffers, and the forward workspace plus the float32 mirrors of the backward
 * products for `arenaSteps(maxLength)` steps.
 */
export function arenaSize(
  config: ResolvedAttentionLstmConfig,
  params: number,
): { floats: number; buffers: number } {
  const { inputSize: D, hiddenSize: H, numLayers: L, outputSize: O, numHeads: nh } = config;
  const E = Math.max(H, D);
  const perStep = L * (9 * H) + 8 * H + D + nh + 8 * H + 2 * E;
  const fixed = params + L * 4 * H + H + O + 2 * 4 * H * E + 4 * H + E + H;
  return { floats: fixed + arenaSteps(config.maxLength) * perStep, buffers: 24 + 8 * L };
}

/** A zeroed float array of the dtype. */
export function allocFloat(dtype: DType, n: number): FArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}
