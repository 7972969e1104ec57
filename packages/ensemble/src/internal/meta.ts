/**
 * Building meta-feature matrices for stacking: member outputs first, then (with passthrough)
 * the raw features, restricted to the rows the out-of-fold stage covered.
 *
 * @module
 */
import { type Matrix, ValidationError } from '@x/core';
import { asMatrix, dense } from './rows.js';

/**
 * The meta matrix [rows, cols + d]: `cols` member columns from `block` (row-major [n, cols]),
 * then the raw features of `x` when `passthrough`, for the given rows (all when undefined).
 */
export function metaMatrix(
  block: Float64Array,
  cols: number,
  x: unknown,
  passthrough: boolean,
  rows: Int32Array | undefined,
  n: number,
): Matrix {
  const raw = passthrough ? passthroughFeatures(x) : undefined;
  const d = raw?.d ?? 0;
  const m = rows?.length ?? n;
  const w = cols + d;
  const out = new Float64Array(m * w);
  for (let r = 0; r < m; r++) {
    const i = rows === undefined ? r : rows[r]!;
    for (let c = 0; c < cols; c++) out[r * w + c] = block[i * cols + c]!;
    if (raw !== undefined) for (let j = 0; j < d; j++) out[r * w + cols + j] = raw.data[i * d + j]!;
  }
  return asMatrix(out, m, w);
}

/** The raw features for passthrough: the input must be a 2-D float64 matrix. */
function passthroughFeatures(x: unknown): { data: Float64Array; d: number } {
  const t = x as Matrix;
  if (t?.shape?.length !== 2 || !(t.data instanceof Float64Array)) {
    throw new ValidationError('passthrough needs 2-D float64 matrix inputs', {
      field: 'passthrough',
    });
  }
  const { data, d } = dense(t);
  return { data, d };
}
