/**
 * A model artifact: an `ExportedModel` from `@x/core` as one safetensors file. Tensors keep their
 * dtype (`float32` → `F32`, `float64` → `F64`) and bits; the kind, format version, config (JSON)
 * and the tensors' insertion order go in `__metadata__` as strings, so a round trip gives back
 * the same model bit for bit, in the same order.
 *
 * @module
 */
import {
  type ExportedModel,
  IntegrityError,
  isContiguous,
  type JsonObject,
  type NamedTensors,
  type Tensor,
  tensor,
  toContiguous,
  UnsupportedError,
  ValidationError,
} from '@x/core';
import {
  parseSafetensors,
  type SafetensorsInput,
  serializeSafetensors,
  tensorView,
} from './safetensors.js';

/** `__metadata__` keys of a model artifact. */
export const ARTIFACT_METADATA_KEYS = {
  /** The model kind, verbatim. */
  kind: 'kind',
  /** The export format version, as a decimal string. */
  formatVersion: 'formatVersion',
  /** The config, as JSON. */
  config: 'config',
  /** The tensor names in insertion order, as a JSON array. */
  tensorOrder: 'tensorOrder',
} as const;

/**
 * Encodes an exported model as a safetensors file.
 *
 * @param model - the model as exported by its package
 * @returns the artifact's bytes
 * @throws `ValidationError` when the kind is empty, the format version is not a positive integer
 *   or a tensor's storage does not match its shape
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { decodeArtifact, encodeArtifact } from '@x/registry';
 *
 * const model = {
 *   kind: 'demo:Linear',
 *   formatVersion: 1,
 *   config: { inputs: 2 },
 *   tensors: { w: tensor('float64', [2], new Float64Array([0.25, -4])) },
 * };
 * const back = decodeArtifact(encodeArtifact(model));
 * back.tensors.w?.get(1); // -4
 * ```
 */
export function encodeArtifact(model: ExportedModel): Uint8Array {
  if (typeof model.kind !== 'string' || model.kind.length === 0) {
    throw new ValidationError('model kind must be a non-empty string', { field: 'kind' });
  }
  if (!Number.isSafeInteger(model.formatVersion) || model.formatVersion < 1) {
    throw new ValidationError('formatVersion must be a positive integer', {
      field: 'formatVersion',
      value: model.formatVersion,
    });
  }
  const inputs: Record<string, SafetensorsInput> = {};
  const order = Object.keys(model.tensors);
  for (const name of order) {
    const t = model.tensors[name]!;
    if (t.size !== t.shape.reduce((a, b) => a * b, 1)) {
      throw new ValidationError(`tensor '${name}' size does not match its shape`, { field: name });
    }
    const c = isContiguous(t) ? t : toContiguous(t);
    inputs[name] = {
      dtype: c.data instanceof Float32Array ? 'F32' : 'F64',
      shape: [...c.shape],
      data: c.data,
    };
  }
  return serializeSafetensors(inputs, {
    [ARTIFACT_METADATA_KEYS.kind]: model.kind,
    [ARTIFACT_METADATA_KEYS.formatVersion]: String(model.formatVersion),
    [ARTIFACT_METADATA_KEYS.config]: JSON.stringify(model.config),
    [ARTIFACT_METADATA_KEYS.tensorOrder]: JSON.stringify(order),
  });
}

function field(metadata: Readonly<Record<string, string>>, key: string): string {
  const v = metadata[key];
  if (v === undefined) {
    throw new IntegrityError(`artifact metadata lacks '${key}'`, {
      details: { rule: 'artifact-metadata', key },
    });
  }
  return v;
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new IntegrityError(`artifact metadata '${key}' is not valid JSON`, {
      cause,
      details: { rule: 'artifact-metadata', key },
    });
  }
}

/**
 * Decodes a model artifact. Tensors are zero-copy views over `bytes` when aligned (copies
 * otherwise), so keep `bytes` unmodified while the model is in use.
 *
 * @param bytes - a file from {@link encodeArtifact}
 * @returns the exported model
 * @throws `IntegrityError` when the file is not a valid safetensors file or its metadata is
 *   incomplete; `UnsupportedError` for tensors of a dtype other than F32/F64
 */
export function decodeArtifact(bytes: Uint8Array): ExportedModel {
  const file = parseSafetensors(bytes);
  const md = file.metadata;
  const kind = field(md, ARTIFACT_METADATA_KEYS.kind);
  const fv = Number(field(md, ARTIFACT_METADATA_KEYS.formatVersion));
  if (!Number.isSafeInteger(fv) || fv < 1) {
    throw new IntegrityError('artifact formatVersion is not a positive integer', {
      details: { rule: 'artifact-metadata', key: ARTIFACT_METADATA_KEYS.formatVersion },
    });
  }
  const config = parseJson(field(md, ARTIFACT_METADATA_KEYS.config), 'config');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new IntegrityError('artifact config is not a JSON object', {
      details: { rule: 'artifact-metadata', key: 'config' },
    });
  }
  const order = parseJson(field(md, ARTIFACT_METADATA_KEYS.tensorOrder), 'tensorOrder');
  if (
    !Array.isArray(order) ||
    order.length !== file.tensors.size ||
    !order.every((n) => typeof n === 'string' && file.tensors.has(n))
  ) {
    throw new IntegrityError('artifact tensorOrder does not list the file’s tensors', {
      details: { rule: 'artifact-metadata', key: 'tensorOrder' },
    });
  }
  const tensors: Record<string, Tensor> = {};
  for (const name of order as string[]) {
    const entry = file.tensors.get(name)!;
    if (entry.dtype === 'F32') {
      tensors[name] = tensor('float32', entry.shape, tensorView(entry) as Float32Array);
    } else if (entry.dtype === 'F64') {
      tensors[name] = tensor('float64', entry.shape, tensorView(entry) as Float64Array);
    } else {
      throw new UnsupportedError(`tensor '${name}' has dtype ${entry.dtype}; models use F32/F64`, {
        details: { tensor: name, dtype: entry.dtype },
      });
    }
  }
  return {
    kind,
    formatVersion: fv,
    config: config as JsonObject,
    tensors: tensors as NamedTensors,
  };
}
