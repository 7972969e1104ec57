/**
 * Tensors: `ndarray` views over `Float32Array` / `Float64Array` with shape checks, and named
 * tensor maps for model weights.
 *
 * @module
 */
import ndarray, { type NdArray } from 'ndarray';
import { ValidationError } from './errors.js';

/** Element type of a tensor. */
export type DType = 'float32' | 'float64';

/** The typed array behind a tensor of a given {@link DType}. */
export type TypedArrayFor<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

/** The storage of a float tensor or kernel buffer: a `Float32Array` or a `Float64Array`. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A zero-filled float array of a {@link DType}: the one place the dtype picks the array type.
 * @param dtype - `'float32'` or `'float64'`
 * @param length - the number of elements, a non-negative integer
 * @returns a `Float32Array` for `'float32'`, a `Float64Array` for `'float64'`
 * @throws {@link ValidationError} on an unknown dtype or a bad length
 *
 * @example
 * ```ts
 * allocFloat('float32', 4); // Float32Array [0, 0, 0, 0]
 * ```
 */
export function allocFloat<D extends DType>(dtype: D, length: number): TypedArrayFor<D> {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new ValidationError('length must be a non-negative integer', {
      field: 'length',
      value: length,
    });
  }
  if (dtype === 'float32') return new Float32Array(length) as TypedArrayFor<D>;
  if (dtype === 'float64') return new Float64Array(length) as TypedArrayFor<D>;
  throw new ValidationError(`dtype must be 'float32' or 'float64'`, {
    field: 'dtype',
    value: dtype,
  });
}

/**
 * A float array of a {@link DType} holding `values` (rounded to float32 for `'float32'`).
 * @param dtype - `'float32'` or `'float64'`
 * @param values - the values
 * @returns a new array of that dtype
 */
export function floatArrayFrom<D extends DType>(
  dtype: D,
  values: ArrayLike<number>,
): TypedArrayFor<D> {
  const out = allocFloat(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** A float tensor: an `ndarray` over a `Float32Array` or a `Float64Array`. */
export type Tensor = NdArray<Float32Array> | NdArray<Float64Array>;

/** A set of tensors by name, such as a model's weights (`'lstm.weight_ih_l0'`). Insertion order is kept. */
export type NamedTensors = Readonly<Record<string, Tensor>>;

/**
 * The number of elements of a shape.
 * @param shape - non-negative integer dimensions
 * @throws {@link ValidationError} when a dimension is not a non-negative integer
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) {
      throw new ValidationError(`shape[${i}] must be a non-negative integer`, {
        field: `shape[${i}]`,
        value: d,
      });
    }
    n *= d;
  }
  return n;
}

/**
 * The dtype of a tensor's storage.
 * @param t - the tensor
 */
export function dtypeOf(t: Tensor): DType {
  return t.data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * A row-major tensor of the given dtype and shape, over `data` when given (not copied) or zeros.
 *
 * @param dtype - `'float32'` or `'float64'`
 * @param shape - the dimensions
 * @param data - optional storage with exactly `shapeSize(shape)` elements
 * @returns the tensor
 * @throws {@link ValidationError} when the data length or type does not match
 *
 * @example
 * ```ts
 * const w = tensor('float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
 * w.get(1, 2); // 6
 * ```
 */
export function tensor<D extends DType>(
  dtype: D,
  shape: readonly number[],
  data?: TypedArrayFor<D>,
): NdArray<TypedArrayFor<D>> {
  const size = shapeSize(shape);
  let storage: TypedArrayFor<D>;
  if (data === undefined) {
    storage = allocFloat(dtype, size);
  } else {
    const ok = dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
    if (!ok)
      throw new ValidationError(
        `data must be a ${dtype === 'float32' ? 'Float32Array' : 'Float64Array'}`,
        { field: 'data' },
      );
    if (data.length !== size) {
      throw new ValidationError(
        `data has ${data.length} elements, shape [${shape.join(', ')}] needs ${size}`,
        {
          field: 'data',
          details: { length: data.length, shape: [...shape] },
        },
      );
    }
    storage = data;
  }
  return ndarray(storage, [...shape]);
}

/**
 * Checks a tensor's shape against an expectation; `null` in `expected` accepts any size there.
 *
 * @param t - the tensor
 * @param expected - the expected dimensions
 * @param name - the tensor's name, for the error
 * @throws {@link ValidationError} naming the tensor, its shape and the expected shape
 */
export function assertShape(t: Tensor, expected: readonly (number | null)[], name: string): void {
  const shape = t.shape;
  const ok =
    shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
  if (!ok) {
    const fmt = (s: readonly (number | null)[]) =>
      `[${s.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
    throw new ValidationError(
      `tensor '${name}' has shape ${fmt(shape)}, expected ${fmt(expected)}`,
      {
        field: name,
        details: { shape: [...shape], expected: [...expected] },
      },
    );
  }
}

/**
 * True when the tensor's elements are its whole storage in row-major order with offset 0.
 * @param t - the tensor
 */
export function isContiguous(t: Tensor): boolean {
  if (t.offset !== 0 || t.size !== t.data.length) return false;
  let stride = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i]! > 1 && t.stride[i] !== stride) return false;
    stride *= t.shape[i]!;
  }
  return true;
}

/**
 * The tensor's elements in row-major order, in fresh storage (a transposed or sliced view is
 * materialised).
 * @param t - the tensor
 * @returns a contiguous copy
 */
export function toContiguous<T extends Tensor>(t: T): T {
  const out = t.data instanceof Float32Array ? new Float32Array(t.size) : new Float64Array(t.size);
  const shape = t.shape;
  const dims = shape.length;
  const idx = new Array<number>(dims).fill(0);
  for (let k = 0; k < t.size; k++) {
    let off = t.offset;
    for (let d = 0; d < dims; d++) off += idx[d]! * t.stride[d]!;
    out[k] = t.data[off]!;
    for (let d = dims - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return ndarray(out, [...shape]) as T;
}

/**
 * True when two tensors have the same dtype, shape and bit-identical elements (NaN equal to NaN
 * with the same bits, +0 distinct from -0).
 * @param a - first tensor
 * @param b - second tensor
 */
export function tensorsBitEqual(a: Tensor, b: Tensor): boolean {
  if (dtypeOf(a) !== dtypeOf(b) || a.shape.length !== b.shape.length) return false;
  if (!a.shape.every((d, i) => d === b.shape[i])) return false;
  const ca = toContiguous(a).data;
  const cb = toContiguous(b).data;
  const ba = new Uint8Array(ca.buffer, ca.byteOffset, ca.byteLength);
  const bb = new Uint8Array(cb.buffer, cb.byteOffset, cb.byteLength);
  for (let i = 0; i < ba.length; i++) if (ba[i] !== bb[i]) return false;
  return true;
}
