/**
 * The worker-thread side of `WorkerPool`: rebuilds the member from its spec, runs the job through
 * the same `fitFold` as the calling thread, and replies with predictions, the fitted model's
 * export (for full refits), or the error as data. `process.exit` is replaced, so a member cannot
 * end the worker under the pool.
 *
 * @module
 */
import { type ExportableModel, exportedModelToJson, InvalidStateError, tensor } from '@x/core';
import { fitFold } from '../executor.js';
import type { SampleArray } from '../oof.js';
import { builtinOf } from './builtins.js';
import {
  errorToWire,
  type SharedSamples,
  type SharedTargets,
  type WorkerMessage,
  type WorkerReply,
} from './wire.js';

/** A view of shared samples as a tensor (no copy). */
function samplesFromShared(s: SharedSamples): SampleArray {
  const data = s.dtype === 'float32' ? new Float32Array(s.buffer) : new Float64Array(s.buffer);
  return tensor(s.dtype, s.shape.slice(), data as never) as SampleArray;
}

/** A view of shared targets. */
function targetsFromShared(s: SharedTargets): Float64Array | Int32Array {
  return s.dtype === 'int32' ? new Int32Array(s.buffer) : new Float64Array(s.buffer);
}

process.exit = ((code?: number) => {
  throw new InvalidStateError(
    `a member called process.exit(${code ?? ''}) on a worker thread; the call was refused`,
    { state: 'worker' },
  );
}) as typeof process.exit;

/** Runs one job. Never throws: errors come back as data. */
export default async function runJob(msg: WorkerMessage): Promise<WorkerReply> {
  try {
    const b = builtinOf(msg.spec.kind);
    if (b === undefined)
      throw new InvalidStateError(`the worker knows no member kind '${msg.spec.kind}'`);
    const model = b.create(msg.spec.options) as Parameters<typeof fitFold>[0];
    const out = await fitFold(
      model,
      {
        mode: msg.mode,
        x: samplesFromShared(msg.x),
        y: targetsFromShared(msg.y),
        classes: msg.classes,
      },
      msg.job,
    );
    if (!msg.job.keepModel) return { ok: true, predictions: out.predictions };
    const exported = exportedModelToJson((model as unknown as ExportableModel).exportModel());
    return { ok: true, predictions: out.predictions, exported };
  } catch (e) {
    return { ok: false, error: errorToWire(e) };
  }
}
