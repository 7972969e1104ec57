/**
 * What crosses the thread boundary between a `WorkerPool` and its workers: the data set in
 * SharedArrayBuffers (shared, not copied, per job), one job per message, and replies whose
 * typed errors are rebuilt as the same `@x/core` class with the same fields.
 *
 * @module
 */
import { type ErrorCode, type ExportedModelJson, XError } from '@x/core';
import type { MemberSpec } from '../builtin.js';
import type { FoldJob } from '../executor.js';
import type { SampleArray } from '../oof.js';

/** Samples in shared memory: row-major, contiguous. */
export interface SharedSamples {
  readonly buffer: SharedArrayBuffer;
  readonly dtype: 'float64' | 'float32';
  readonly shape: readonly number[];
}

/** Targets or labels in shared memory. */
export interface SharedTargets {
  readonly buffer: SharedArrayBuffer;
  readonly dtype: 'float64' | 'int32';
}

/** One job as a worker receives it. */
export interface WorkerMessage {
  readonly mode: 'regression' | 'proba';
  readonly spec: MemberSpec;
  readonly x: SharedSamples;
  readonly y: SharedTargets;
  readonly classes: Int32Array;
  readonly job: FoldJob;
}

/** A typed error as plain data. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly field?: string;
  readonly value?: unknown;
  readonly state?: string;
  readonly entity?: string;
  readonly id?: string;
}

/** A worker's reply to one job. */
export type WorkerReply =
  | {
      readonly ok: true;
      readonly predictions: Float64Array;
      readonly exported?: ExportedModelJson;
    }
  | { readonly ok: false; readonly error: WireError };

/** Copies `x` into shared memory, row-major. */
export function shareSamples(x: SampleArray): SharedSamples {
  const f32 = x.data instanceof Float32Array;
  const size = x.shape.reduce((a, b) => a * b, 1);
  const buffer = new SharedArrayBuffer(size * (f32 ? 4 : 8));
  const out = f32 ? new Float32Array(buffer) : new Float64Array(buffer);
  const shape = x.shape.slice();
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const contiguous = x.shape.every((s, k) => s <= 1 || x.stride[k] === strides[k]);
  if (contiguous) out.set(x.data.subarray(x.offset, x.offset + size));
  else {
    const idx = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < size; k++) {
      out[k] = (x as { get(...i: number[]): number }).get(...idx);
      for (let d = shape.length - 1; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return { buffer, dtype: f32 ? 'float32' : 'float64', shape };
}

/** Copies targets into shared memory. */
export function shareTargets(y: Float64Array | Int32Array): SharedTargets {
  const i32 = y instanceof Int32Array;
  const buffer = new SharedArrayBuffer(y.length * (i32 ? 4 : 8));
  (i32 ? new Int32Array(buffer) : new Float64Array(buffer)).set(y);
  return { buffer, dtype: i32 ? 'int32' : 'float64' };
}

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/** Any thrown value as plain data, keeping an `XError`'s class, code, details and fields. */
export function errorToWire(e: unknown): WireError {
  if (XError.isInstance(e)) {
    const f = e as unknown as Record<string, unknown>;
    const details = cloneable(e.details) ? { ...e.details } : {};
    const out: Record<string, unknown> = {
      name: e.name,
      message: e.message,
      code: e.code,
      details,
    };
    for (const k of ['field', 'state', 'entity', 'id'] as const)
      if (typeof f[k] === 'string') out[k] = f[k];
    if ('value' in f && cloneable(f.value)) out.value = f.value;
    return out as unknown as WireError;
  }
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}
