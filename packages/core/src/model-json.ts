/**
 * The one JSON form of an {@link ExportedModel}: config as JSON and each tensor's raw little-endian
 * bytes in base64, so a model survives `JSON.stringify`, a file, a message queue or a database
 * column bit for bit (NaN payloads and -0 included). The registry's binary form (safetensors) is
 * the other; both carry the same kind, format version, config and tensors.
 *
 * @module
 */
import ndarray from 'ndarray';
import { ValidationError } from './errors.js';
import type { ExportedModel, JsonObject } from './model.js';
import { allocFloat, type DType, dtypeOf, shapeSize, type Tensor, toContiguous } from './tensor.js';

/** A tensor in {@link ExportedModelJson}. */
export interface TensorJson {
  /** `'float32'` or `'float64'`. */
  readonly dtype: DType;
  /** The dimensions. */
  readonly shape: readonly number[];
  /** The elements in row-major order as little-endian bytes, base64 (RFC 4648, with padding). */
  readonly data: string;
}

/** The JSON form of an {@link ExportedModel}; plain data, safe for `JSON.stringify`. */
export interface ExportedModelJson {
  /** Always `'x-exported-model'`: what this object is. */
  readonly format: 'x-exported-model';
  /** The version of this JSON layout (1). */
  readonly version: 1;
  /** The model kind. */
  readonly kind: string;
  /** The kind's own export format version. */
  readonly formatVersion: number;
  /** The model's config. */
  readonly config: JsonObject;
  /** The tensors by name, in the model's order. */
  readonly tensors: Readonly<Record<string, TensorJson>>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copies `src` into `dst` reversing the byte order of each `width`-byte element. */
function swapBytes(src: Uint8Array, width: number, dst: Uint8Array): void {
  for (let i = 0; i < src.length; i += width) {
    for (let j = 0; j < width; j++) dst[i + j] = src[i + width - 1 - j]!;
  }
}

function bytesOf(t: Tensor): Uint8Array {
  const data = toContiguous(t).data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  swapBytes(bytes, data.BYTES_PER_ELEMENT, out);
  return out;
}

type BufferLike = {
  from(b: Uint8Array | string, enc?: string): Uint8Array & { toString(enc: string): string };
};
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fromBase64(text: string, field: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new ValidationError(`${field} is not padded base64`, { field });
  }
  if (NodeBuffer !== undefined) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The JSON form of an exported model.
 * @param model - what a model's `exportModel()` returned
 * @returns plain data; `JSON.stringify` it to store or send
 * @throws {@link ValidationError} when the config is not JSON (a non-finite number, a function,
 *   a cycle) or a tensor is not float32/float64
 *
 * @example
 * ```ts
 * const m: ExportedModel = { kind: 'demo:Linear', formatVersion: 1, config: { bias: true },
 *   tensors: { w: tensor('float64', [2], new Float64Array([0.5, -1])) } };
 * const back = exportedModelFromJson(JSON.parse(JSON.stringify(exportedModelToJson(m))));
 * tensorsBitEqual(back.tensors.w!, m.tensors.w!); // true
 * ```
 */
export function exportedModelToJson(model: ExportedModel): ExportedModelJson {
  checkJson(model.config, 'config');
  const tensors: Record<string, TensorJson> = {};
  for (const [name, t] of Object.entries(model.tensors)) {
    if (!(t.data instanceof Float32Array) && !(t.data instanceof Float64Array)) {
      throw new ValidationError(`tensor '${name}' must be float32 or float64`, { field: name });
    }
    tensors[name] = { dtype: dtypeOf(t), shape: [...t.shape], data: toBase64(bytesOf(t)) };
  }
  return {
    format: 'x-exported-model',
    version: 1,
    kind: model.kind,
    formatVersion: model.formatVersion,
    config: model.config,
    tensors,
  };
}

/**
 * An exported model from its JSON form (as parsed by `JSON.parse`), checked field by field. Pass
 * the result to the kind's importer.
 * @param json - the parsed JSON
 * @returns the exported model, with fresh contiguous tensors
 * @throws {@link ValidationError} naming the first field that is missing or malformed (a tensor
 *   whose bytes do not match its dtype and shape is named)
 */
export function exportedModelFromJson(json: unknown): ExportedModel {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ValidationError('an exported model must be a JSON object', { field: 'model' });
  }
  const j = json as Record<string, unknown>;
  if (j.format !== 'x-exported-model') {
    throw new ValidationError("format must be 'x-exported-model'", {
      field: 'format',
      value: j.format,
    });
  }
  if (j.version !== 1) {
    throw new ValidationError(`unknown exported-model JSON version ${String(j.version)}`, {
      field: 'version',
      value: j.version,
    });
  }
  if (typeof j.kind !== 'string' || j.kind.length === 0) {
    throw new ValidationError('kind must be a non-empty string', { field: 'kind', value: j.kind });
  }
  if (!Number.isSafeInteger(j.formatVersion) || (j.formatVersion as number) < 1) {
    throw new ValidationError('formatVersion must be a positive integer', {
      field: 'formatVersion',
      value: j.formatVersion,
    });
  }
  if (typeof j.config !== 'object' || j.config === null || Array.isArray(j.config)) {
    throw new ValidationError('config must be a JSON object', { field: 'config' });
  }
  checkJson(j.config, 'config');
  if (typeof j.tensors !== 'object' || j.tensors === null || Array.isArray(j.tensors)) {
    throw new ValidationError('tensors must be an object', { field: 'tensors' });
  }
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(j.tensors as Record<string, unknown>)) {
    tensors[name] = tensorFromJson(t, `tensors.${name}`);
  }
  return {
    kind: j.kind,
    formatVersion: j.formatVersion as number,
    config: j.config as JsonObject,
    tensors,
  };
}

function tensorFromJson(t: unknown, field: string): Tensor {
  if (typeof t !== 'object' || t === null) {
    throw new ValidationError(`${field} must be an object`, { field });
  }
  const { dtype, shape, data } = t as Record<string, unknown>;
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValidationError(`${field}.dtype must be 'float32' or 'float64'`, {
      field: `${field}.dtype`,
      value: dtype,
    });
  }
  if (!Array.isArray(shape)) {
    throw new ValidationError(`${field}.shape must be an array`, { field: `${field}.shape` });
  }
  const size = shapeSize(shape as number[]);
  const bytes = fromBase64(data as string, `${field}.data`);
  const out = allocFloat(dtype, size);
  if (bytes.length !== out.byteLength) {
    throw new ValidationError(
      `${field} has ${bytes.length} bytes, ${dtype} × [${shape.join(', ')}] needs ${out.byteLength}`,
      { field, details: { bytes: bytes.length, expected: out.byteLength } },
    );
  }
  const view = new Uint8Array(out.buffer);
  if (LITTLE_ENDIAN) view.set(bytes);
  else swapBytes(bytes, out.BYTES_PER_ELEMENT, view);
  return ndarray(out, [...(shape as number[])]) as Tensor;
}

/** Throws unless `value` is JSON that survives a stringify/parse round trip unchanged. */
function checkJson(value: unknown, field: string, seen = new Set<object>()): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValidationError(`${field} must be a finite number to survive JSON`, {
        field,
        value,
      });
    }
    return;
  }
  if (typeof value !== 'object') {
    throw new ValidationError(`${field} is a ${typeof value}, which JSON cannot hold`, { field });
  }
  if (seen.has(value)) throw new ValidationError(`${field} is a cycle`, { field });
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJson(value[i], `${field}[${i}]`, seen);
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError(`${field} must be a plain object`, { field });
    }
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) {
        throw new ValidationError(`${field}.${k} is undefined, which JSON drops`, {
          field: `${field}.${k}`,
        });
      }
      checkJson(v, `${field}.${k}`, seen);
    }
  }
  seen.delete(value);
}
