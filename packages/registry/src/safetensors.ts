/**
 * The safetensors format, read and written here: an 8-byte little-endian header length `N`, `N`
 * bytes of JSON header (`{name: {dtype, shape, data_offsets}}` plus an optional `__metadata__` of
 * string values, padded with trailing spaces), then the data buffer.
 *
 * The reader enforces every rule of the reference implementation (huggingface/safetensors,
 * `safetensors/src/tensor.rs`, `Metadata::validate`): header at most 100 MB and inside the
 * buffer, UTF-8 JSON starting with `{`, known dtypes, offsets contiguous from 0 with no gap or
 * overlap, each size equal to dtype × shape, the buffer fully indexed; it also rejects duplicate
 * keys, which `JSON.parse` would silently collapse. Every violation is an `IntegrityError` whose
 * `details.rule` names the rule.
 *
 * The writer lays tensors out as the reference does (descending dtype rank, then name) and pads
 * the header with spaces to a multiple of 8 bytes, so every tensor starts aligned to its element
 * size and the reader can return typed-array views over the file's buffer without copying.
 *
 * @module
 */
import { IntegrityError, ValidationError } from '@x/core';
import { firstDuplicateKey } from './internal/json-keys.js';

/** The largest header the reader accepts (the reference's `MAX_HEADER_SIZE`). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/**
 * Element types of the safetensors format with a whole number of bytes per element, in the
 * reference's `Dtype` order (the writer's layout order is the reverse of this rank).
 */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

/** A safetensors element type. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BYTES: Record<SafetensorsDtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};
const RANK = new Map<string, number>(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

/**
 * Bytes per element of a dtype.
 * @param dtype - the element type
 * @returns 1, 2, 4 or 8
 */
export function dtypeBytes(dtype: SafetensorsDtype): number {
  return BYTES[dtype];
}

/** One tensor of a parsed file: its dtype, shape and raw little-endian bytes (a view, never a copy). */
export interface SafetensorsEntry {
  /** The element type. */
  readonly dtype: SafetensorsDtype;
  /** The dimensions. */
  readonly shape: readonly number[];
  /** The tensor's bytes: a view over the parsed buffer. */
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The `__metadata__` strings (empty when the file has none). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The tensors by name, in data-offset order. */
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  /** Bytes of the header, including the 8-byte length and the padding. */
  readonly headerBytes: number;
}

/** A tensor to write: its dtype, shape and data (any typed array or byte view holding it). */
export interface SafetensorsInput {
  /** The element type. */
  readonly dtype: SafetensorsDtype;
  /** The dimensions. */
  readonly shape: readonly number[];
  /** Exactly `product(shape) × dtypeBytes(dtype)` bytes, little-endian. */
  readonly data: ArrayBufferView;
}

function corrupt(rule: string, message: string, details: Record<string, unknown> = {}): never {
  throw new IntegrityError(`safetensors: ${message}`, { details: { rule, ...details } });
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeHeader(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.byteLength < 8)
    corrupt('header-too-small', 'file shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    corrupt('header-too-large', `header of ${n64} bytes exceeds ${SAFETENSORS_MAX_HEADER_BYTES}`);
  }
  const n = Number(n64);
  if (8 + n > bytes.byteLength) {
    corrupt('invalid-header-length', `header of ${n} bytes runs past the end of the file`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(8, 8 + n));
  } catch (cause) {
    throw new IntegrityError('safetensors: header is not valid UTF-8', {
      cause,
      details: { rule: 'invalid-header' },
    });
  }
  if (!text.startsWith('{')) corrupt('invalid-header-start', 'header must start with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new IntegrityError('safetensors: header is not valid JSON', {
      cause,
      details: { rule: 'invalid-header-deserialization' },
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    corrupt('invalid-header-deserialization', 'header is not a JSON object');
  }
  const dup = firstDuplicateKey(text);
  if (dup !== undefined) corrupt('duplicate-key', `key '${dup}' appears twice`, { key: dup });
  return parsed as Record<string, unknown>;
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    corrupt('invalid-metadata', '__metadata__ must be an object of strings');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') corrupt('invalid-metadata', `__metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

interface RawInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  start: number;
  end: number;
}

function readInfo(name: string, raw: unknown): RawInfo {
  const bad = (what: string): never =>
    corrupt('invalid-tensor-info', `tensor '${name}': ${what}`, { tensor: name });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.dtype !== 'string' || !RANK.has(o.dtype)) bad(`unknown dtype ${String(o.dtype)}`);
  if (!Array.isArray(o.shape) || !o.shape.every(isIndex))
    bad('shape must be non-negative integers');
  const off = o.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !isIndex(off[0]) || !isIndex(off[1])) {
    bad('data_offsets must be two non-negative integers');
  }
  const offsets = off as number[];
  return {
    name,
    dtype: o.dtype as SafetensorsDtype,
    shape: [...(o.shape as number[])],
    start: offsets[0]!,
    end: offsets[1]!,
  };
}

/**
 * Parses a safetensors file held in memory. Tensors are views over `bytes`; nothing is copied.
 *
 * @param bytes - the whole file
 * @returns the metadata and the tensors by name
 * @throws `IntegrityError` (with `details.rule`) on any violation of the format
 *
 * @example
 * ```ts
 * import { parseSafetensors, serializeSafetensors } from '@x/registry';
 *
 * const file = serializeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
 * const parsed = parseSafetensors(file);
 * parsed.tensors.get('w')?.shape; // [2]
 * ```
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const header = decodeHeader(bytes);
  const headerLength = Number(
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
  );
  const metadata = readMetadata(header.__metadata__);
  const infos: RawInfo[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name !== '__metadata__') infos.push(readInfo(name, raw));
  }
  infos.sort((a, b) => a.start - b.start || a.end - b.end);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let cursor = 0;
  for (const t of infos) {
    if (t.start !== cursor || t.end < t.start) {
      corrupt('invalid-offset', `tensor '${t.name}' does not start where the previous one ends`, {
        tensor: t.name,
      });
    }
    let elements = 1;
    for (const d of t.shape) {
      elements *= d;
      if (!Number.isSafeInteger(elements)) {
        corrupt('validation-overflow', `tensor '${t.name}' shape overflows`, { tensor: t.name });
      }
    }
    const size = elements * BYTES[t.dtype];
    if (!Number.isSafeInteger(size) || t.end - t.start !== size) {
      corrupt('tensor-invalid-info', `tensor '${t.name}' size does not match dtype and shape`, {
        tensor: t.name,
      });
    }
    if (t.end > dataLength) {
      corrupt('metadata-incomplete-buffer', `tensor '${t.name}' runs past the end of the file`, {
        tensor: t.name,
      });
    }
    cursor = t.end;
    tensors.set(t.name, {
      dtype: t.dtype,
      shape: t.shape,
      bytes: bytes.subarray(dataStart + t.start, dataStart + t.end),
    });
  }
  if (cursor !== dataLength) {
    corrupt('metadata-incomplete-buffer', 'the data buffer is not fully indexed by the header', {
      indexed: cursor,
      buffer: dataLength,
    });
  }
  return { metadata, tensors, headerBytes: dataStart };
}

function checkInput(name: string, t: SafetensorsInput): void {
  if (name === '__metadata__') {
    throw new ValidationError("'__metadata__' is reserved and cannot name a tensor", {
      field: name,
    });
  }
  if (!RANK.has(t.dtype)) {
    throw new ValidationError(`tensor '${name}': unknown dtype`, { field: name, value: t.dtype });
  }
  let elements = 1;
  for (const d of t.shape) {
    if (!isIndex(d)) {
      throw new ValidationError(`tensor '${name}': shape must be non-negative integers`, {
        field: name,
      });
    }
    elements *= d;
  }
  if (t.data.byteLength !== elements * BYTES[t.dtype]) {
    throw new ValidationError(
      `tensor '${name}': ${t.data.byteLength} bytes, dtype and shape need ${elements * BYTES[t.dtype]}`,
      { field: name },
    );
  }
}

/**
 * Serialises tensors (and optional string metadata) as a safetensors file, byte for byte as the
 * reference writer lays it out: tensors by descending dtype rank then name, compact JSON with
 * `__metadata__` first (keys sorted), the header padded with spaces to a multiple of 8.
 *
 * @param tensors - the tensors by name; data is little-endian (the platform order on every
 *   platform Node supports in practice)
 * @param metadata - optional `__metadata__` strings
 * @returns the file's bytes
 * @throws `ValidationError` when a name is reserved or a tensor's data does not match its shape
 *
 * @example
 * ```ts
 * import { serializeSafetensors } from '@x/registry';
 *
 * const bytes = serializeSafetensors(
 *   { bias: { dtype: 'F64', shape: [3], data: new Float64Array([0.5, -1, 2]) } },
 *   { note: 'hello' },
 * );
 * bytes.byteLength % 8; // 0: the header is padded so the data is aligned
 * ```
 */
export function serializeSafetensors(
  tensors: Readonly<Record<string, SafetensorsInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) checkInput(name, tensors[name]!);
  names.sort((a, b) => {
    const r = RANK.get(tensors[b]!.dtype)! - RANK.get(tensors[a]!.dtype)!;
    return r !== 0 ? r : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(metadata).sort()) {
      const v = metadata[k];
      if (typeof v !== 'string') {
        throw new ValidationError(`metadata '${k}' must be a string`, { field: k });
      }
      sorted[k] = v;
    }
    header.__metadata__ = sorted;
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const end = offset + t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = json.byteLength + ((8 - (json.byteLength % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  let at = 8 + padded;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/** The typed array a dtype reads as (`Uint8Array` for 1-byte types, raw `Uint16Array` for F16/BF16). */
export type SafetensorsArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function construct(dtype: SafetensorsDtype, buf: ArrayBufferLike, off: number, n: number) {
  switch (dtype) {
    case 'I8':
      return new Int8Array(buf, off, n);
    case 'I16':
      return new Int16Array(buf, off, n);
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(buf, off, n);
    case 'I32':
      return new Int32Array(buf, off, n);
    case 'U32':
      return new Uint32Array(buf, off, n);
    case 'F32':
      return new Float32Array(buf, off, n);
    case 'F64':
      return new Float64Array(buf, off, n);
    case 'I64':
      return new BigInt64Array(buf, off, n);
    case 'U64':
      return new BigUint64Array(buf, off, n);
    case 'C64':
      return new Float32Array(buf, off, n * 2);
    default:
      return new Uint8Array(buf, off, n);
  }
}

/**
 * The entry's elements as a typed array: a zero-copy view over the file's buffer when its bytes
 * are aligned to the element size (always, for files from {@link serializeSafetensors} read into
 * an aligned buffer), otherwise an aligned copy. `C64` reads as interleaved `Float32Array` pairs.
 *
 * @param entry - a tensor from {@link parseSafetensors}
 * @returns the elements
 */
export function tensorView(entry: SafetensorsEntry): SafetensorsArray {
  const width = BYTES[entry.dtype];
  const elements = entry.bytes.byteLength / width;
  let src = entry.bytes;
  if (!LITTLE_ENDIAN && width > 1) {
    // swap into a fresh buffer: safetensors is little-endian
    const lane = entry.dtype === 'C64' ? 4 : width;
    const copy = new Uint8Array(src.byteLength);
    for (let i = 0; i < src.byteLength; i += lane) {
      for (let b = 0; b < lane; b++) copy[i + b] = src[i + lane - 1 - b]!;
    }
    src = copy;
  } else if (src.byteOffset % width !== 0) {
    src = src.slice();
  }
  return construct(entry.dtype, src.buffer, src.byteOffset, elements);
}
