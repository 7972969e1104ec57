import { type ExportedModel, tensor } from '@x/core';

/** A small exported model whose weights depend on `seed`. */
export function tinyModel(seed: number, kind = 'test:Linear'): ExportedModel {
  const w = new Float32Array(6).map((_, i) => Math.sin(seed * 13 + i));
  const b = new Float64Array([seed, -0, Number.MIN_VALUE, seed / 3]);
  return {
    kind,
    formatVersion: 1,
    config: { seed, layers: [2, 3], name: `m${seed}` },
    tensors: { w: tensor('float32', [2, 3], w), b: tensor('float64', [4], b) },
  };
}
