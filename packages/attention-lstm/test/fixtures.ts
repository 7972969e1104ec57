import { readFileSync } from 'node:fs';
import { type DType, type NamedTensors, type Tensor, tensor } from '@x/core';

export interface Encoded {
  readonly shape: number[];
  readonly b64: string;
}

export interface FixtureCase {
  readonly name: string;
  readonly dtype: DType;
  readonly config: Record<string, unknown>;
  readonly steps: number;
  readonly batch: number;
  readonly loss: 'mse' | 'huber' | 'cross-entropy';
  readonly stateDict: Record<string, Encoded>;
  readonly input: Encoded;
  readonly output: Encoded;
  readonly target: Encoded;
  readonly lossValue: number;
  readonly grads: Record<string, Encoded>;
}

export function decode(e: Encoded, dtype: DType): Tensor {
  const buf = Buffer.from(e.b64, 'base64');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = dtype === 'float32' ? new Float32Array(ab) : new Float64Array(ab);
  return tensor(dtype, e.shape, data as never) as Tensor;
}

export function decodeAll(m: Record<string, Encoded>, dtype: DType): NamedTensors {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(m)) out[k] = decode(v, dtype);
  return out;
}

let cached: FixtureCase[] | undefined;
export function loadCases(): FixtureCase[] {
  if (cached === undefined) {
    const raw = JSON.parse(
      readFileSync(new URL('./fixtures/pytorch.json', import.meta.url), 'utf8'),
    ) as { cases: FixtureCase[] };
    cached = raw.cases;
  }
  return cached;
}
