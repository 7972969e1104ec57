/**
 * Reading design matrices: validated row-major views over a core `Matrix` (an ndarray), and row
 * subsets for cross-validation.
 *
 * @module
 */
import { type Matrix, tensor, ValidationError } from '@x/core';
import type { NdArray } from 'ndarray';

/** A dense row-major matrix: element (i, j) is `data[i * d + j]`. */
export interface Dense {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

/**
 * The matrix as row-major storage (the input's own storage when it is already contiguous),
 * checked to be 2-D with finite entries.
 */
export function dense(x: Matrix, field = 'x'): Dense {
  if (x.shape.length !== 2) {
    throw new ValidationError(`${field} must be a 2-D matrix, got ${x.shape.length} dimensions`, {
      field,
    });
  }
  const n = x.shape[0]!;
  const d = x.shape[1]!;
  let data: Float64Array;
  if (x.offset === 0 && x.stride[1] === 1 && x.stride[0] === d && x.data.length === n * d)
    data = x.data;
  else {
    data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = x.get(i, j);
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) {
      throw new ValidationError(
        `${field} has a non-finite value at row ${Math.floor(k / d)}, column ${k % d}`,
        {
          field,
        },
      );
    }
  }
  return { data, n, d };
}

/** Wraps row-major storage as a core `Matrix`. */
export function asMatrix(data: Float64Array, n: number, d: number): Matrix {
  return tensor('float64', [n, d], data) as Matrix;
}

/**
 * The given rows of any ndarray whose first axis is samples (a matrix, or a [samples, steps,
 * features] tensor), copied into fresh contiguous storage of the same element type.
 */
export function takeRows<X extends NdArray<Float64Array> | NdArray<Float32Array>>(
  x: X,
  rows: Int32Array,
): X {
  const shape = x.shape;
  let inner = 1;
  for (let k = 1; k < shape.length; k++) inner *= shape[k]!;
  const src = x.data;
  const out =
    src instanceof Float32Array
      ? new Float32Array(rows.length * inner)
      : new Float64Array(rows.length * inner);
  const contiguous = isRowContiguous(x, inner);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (contiguous) {
      const from = x.offset + i * x.stride[0]!;
      out.set(src.subarray(from, from + inner), r * inner);
    } else {
      const row = x.pick(i);
      copyStrided(row as NdArray<Float64Array>, out, r * inner);
    }
  }
  return tensor(
    src instanceof Float32Array ? 'float32' : 'float64',
    [rows.length, ...shape.slice(1)],
    out as never,
  ) as X;
}

function isRowContiguous(x: NdArray<Float64Array> | NdArray<Float32Array>, inner: number): boolean {
  let s = 1;
  for (let k = x.shape.length - 1; k >= 1; k--) {
    if (x.shape[k]! > 1 && x.stride[k] !== s) return false;
    s *= x.shape[k]!;
  }
  return s === inner;
}

function copyStrided(
  row: NdArray<Float64Array>,
  out: Float64Array | Float32Array,
  at: number,
): void {
  const shape = row.shape;
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < row.size; k++) {
    out[at + k] = row.get(...idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Number of samples (first axis) of an ndarray. */
export function sampleCount(x: { readonly shape: readonly number[] }): number {
  return x.shape[0] ?? 0;
}

/** Checks a target vector's length and finiteness. */
export function checkTargets(y: ArrayLike<number>, n: number, field = 'y'): void {
  if (y.length !== n) {
    throw new ValidationError(`${field} has ${y.length} values for ${n} samples`, { field });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i]!))
      throw new ValidationError(`${field}[${i}] is not finite`, { field, value: y[i] });
  }
}
