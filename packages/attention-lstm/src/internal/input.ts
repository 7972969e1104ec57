/**
 * Validation of input sequences (shape, length, finiteness after the cast to the model's dtype)
 * shared by inference, training and streaming.
 * @internal
 */
import { type Tensor, toContiguous, ValidationError } from '@x/core';
import type { ResolvedAttentionLstmConfig } from '../config.js';
import type { FArray } from './kernels.js';

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throws unless v is finite in the model's dtype (for float32 models: within float32 range, so
 * the cast cannot overflow to ±Infinity).
 * @param where - the position, such as `[1, 2, 0]`
 */
export function checkFinite(v: number, float32: boolean, tensorName: string, where: string): void {
  if (v - v !== 0) {
    throw new ValidationError(`tensor '${tensorName}' has a non-finite value ${v} at ${where}`, {
      field: tensorName,
      value: v,
    });
  }
  if (float32 && (v > FLOAT32_MAX || v < -FLOAT32_MAX)) {
    throw new ValidationError(
      `tensor '${tensorName}' has value ${v} at ${where}, beyond float32 range (overflows to Infinity in this float32 model)`,
      { field: tensorName, value: v },
    );
  }
}

/** Validates an input buffer of `batch` sequences of `steps` rows (size and finiteness). */
export function checkInput(
  config: ResolvedAttentionLstmConfig,
  x: FArray,
  batch: number,
  steps: number,
): void {
  const D = config.inputSize;
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
  if (config.positionalEncoding === 'learned' && steps > config.maxLength) {
    throw new ValidationError(
      `sequence of ${steps} steps exceeds maxLength ${config.maxLength} of the learned positions`,
      { field: 'input', value: steps },
    );
  }
  const f32 = config.dtype === 'float32' && !(x instanceof Float32Array);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0 || (f32 && (v > FLOAT32_MAX || v < -FLOAT32_MAX))) {
      const s = Math.floor(i / D);
      checkFinite(v, f32, 'input', `[${Math.floor(s / steps)}, ${s % steps}, ${i % D}]`);
    }
  }
}

/**
 * A `[batch, steps, inputSize]` tensor as a contiguous buffer of the model's dtype, validated.
 * @throws `ValidationError` on a wrong shape, a non-finite value or one beyond float32 range
 */
export function prepareInput(
  config: ResolvedAttentionLstmConfig,
  x: Tensor,
): { xs: FArray; B: number; T: number } {
  if (x.shape.length !== 3 || x.shape[2] !== config.inputSize) {
    throw new ValidationError(
      `tensor 'input' has shape [${x.shape.join(', ')}], expected [*, *, ${config.inputSize}]`,
      {
        field: 'input',
        details: { shape: [...x.shape], expected: [null, null, config.inputSize] },
      },
    );
  }
  const [B, T] = x.shape as [number, number, number];
  const c = toContiguous(x).data;
  checkInput(config, c, B, T);
  let xs: FArray = c;
  if ((config.dtype === 'float32') !== c instanceof Float32Array) {
    xs = config.dtype === 'float32' ? Float32Array.from(c) : Float64Array.from(c);
  }
  return { xs, B, T };
}
