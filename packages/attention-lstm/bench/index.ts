/**
 * Benchmark of @x/attention-lstm against the runtimes people use, on the reference
 * config (input 32, hidden 64, 2 LSTM layers, 8 heads, 100 steps, batch 1), same weights and
 * input for every engine, all single-threaded:
 *
 * - this package: full-sequence inference (float32, preallocated buffers) and streaming step;
 * - onnxruntime-node on the model exported from PyTorch (bench/reference/model.onnx) and
 *   TensorFlow.js, cpu and wasm backends, with the model written in tfjs ops (both from the
 *   private workspace package tools/bench-peers);
 * - PyTorch eager (Debian's /usr/bin/python3), when the machine has it.
 *
 * Every engine's output is checked against PyTorch's before timing. Run:
 * `pnpm bench` in the package (or under `flock /tmp/x-bench.lock`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOnnxRuntime, benchTfjs, type PeerSpec } from '@x/bench-peers';
import { type NamedTensors, type Tensor, tensor } from '@x/core';
import { machineInfo, sink, sinkTotal, table, timeCalls } from '@x/test-utils/bench';
import {
  AttentionLstm,
  type AttentionLstmConfig,
  AttentionLstmStream,
  trainAttentionLstm,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const refDir = join(here, 'reference');
const QUICK = process.env.X_BENCH_QUICK === '1';
const SAMPLES = QUICK ? 200 : 2000;

interface Meta {
  config: AttentionLstmConfig;
  steps: number;
  tensors: { name: string; shape: number[]; offset: number }[];
}

function f32(file: string): Float32Array {
  const b = readFileSync(join(refDir, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const meta = JSON.parse(readFileSync(join(refDir, 'weights.json'), 'utf8')) as Meta;
const flat = f32('weights.bin');
const weights: Record<string, Tensor> = {};
for (const t of meta.tensors) {
  const n = t.shape.reduce((a, b) => a * b, 1);
  weights[t.name] = tensor('float32', t.shape, flat.slice(t.offset, t.offset + n)) as Tensor;
}
const T = meta.steps;
const D = meta.config.inputSize;
const H = meta.config.hiddenSize;
const NH = meta.config.numHeads ?? 1;
const input = f32('input.bin');
const torchOut = f32('output.bin')[0]!;

interface Row {
  engine: string;
  p50Us: number;
  p99Us: number;
  note: string;
}
const rows: Row[] = [];
const fmt = (ns: number) => ns / 1000;

function check(engine: string, value: number): void {
  if (!Number.isFinite(value) || Math.abs(value - torchOut) > 1e-4) {
    throw new Error(`${engine} output ${value} differs from PyTorch's ${torchOut}`);
  }
  sink(value);
}

// ---------------------------------------------------------------- this package
const model = AttentionLstm.fromStateDict(
  { ...meta.config, dtype: 'float32' },
  weights as NamedTensors,
);
const out = new Float32Array(1);
model.forwardInto(input, 1, T, out);
check('@x/attention-lstm', out[0]!);
const ours = timeCalls(() => {
  model.forwardInto(input, 1, T, out);
  sink(out[0]!);
}, SAMPLES);
rows.push({
  engine: '@x/attention-lstm full sequence',
  p50Us: fmt(ours.p50Ns),
  p99Us: fmt(ours.p99Ns),
  note: `float32, ${model.usesSimd ? 'WebAssembly SIMD' : 'plain JS (no WASM SIMD here)'}`,
});

const model64 = AttentionLstm.fromStateDict(
  { ...meta.config, dtype: 'float64' },
  weights as NamedTensors,
);
const input64 = Float64Array.from(input);
const out64 = new Float64Array(1);
model64.forwardInto(input64, 1, T, out64);
check('@x/attention-lstm float64', out64[0]!);
const ours64 = timeCalls(() => {
  model64.forwardInto(input64, 1, T, out64);
  sink(out64[0]!);
}, SAMPLES);
rows.push({
  engine: '@x/attention-lstm full sequence f64',
  p50Us: fmt(ours64.p50Ns),
  p99Us: fmt(ours64.p99Ns),
  note: 'float64, plain JS',
});

// Streaming: warm the stream over the reference input, then time one new tick at a time.
const stream = new AttentionLstmStream(model);
for (let t = 0; t < T; t++) stream.step(input.subarray(t * D, t * D + D));
let tick = 0;
const streamStats = timeCalls(() => {
  const o = tick % T;
  tick++;
  sink(stream.step(input.subarray(o * D, o * D + D))[0]!);
}, SAMPLES * 10);
rows.push({
  engine: '@x/attention-lstm streaming step',
  p50Us: fmt(streamStats.p50Ns),
  p99Us: fmt(streamStats.p99Ns),
  note: `float32, window ${meta.config.attentionWindow}, cached K/V`,
});

// ---------------------------------------------------------------- onnxruntime-node, TensorFlow.js
// The peer runtimes live in the private workspace package tools/bench-peers, so this package
// carries none of their native dependencies.
const peerSpec: PeerSpec = {
  refDir,
  input,
  T,
  D,
  H,
  heads: NH,
  layers: meta.config.numLayers ?? 1,
  weights,
  samples: SAMPLES,
  check,
};
let ortP50: number | undefined;
const peers = [
  await benchOnnxRuntime(peerSpec),
  await benchTfjs(peerSpec, 'cpu'),
  await benchTfjs(peerSpec, 'wasm'),
];
for (const r of peers) {
  if (r === undefined) continue;
  if (r.engine === 'onnxruntime-node') ortP50 = r.p50Ns;
  rows.push({ engine: r.engine, p50Us: fmt(r.p50Ns), p99Us: fmt(r.p99Ns), note: r.note });
}

// ---------------------------------------------------------------- PyTorch eager
const python = '/usr/bin/python3';
let torchTrain: number | undefined;
if (existsSync(python)) {
  const r = spawnSync(python, [join(here, 'torch_timing.py'), String(Math.max(100, SAMPLES / 4))], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const line = r.stdout?.trim().split('\n').at(-1);
  if (r.status === 0 && line !== undefined) {
    const res = JSON.parse(line) as {
      torch: string;
      p50Us: number;
      p99Us: number;
      output: number[];
      trainSeqPerS: number;
    };
    torchTrain = res.trainSeqPerS;
    check('PyTorch eager', res.output[0]!);
    rows.push({
      engine: 'PyTorch eager',
      p50Us: res.p50Us,
      p99Us: res.p99Us,
      note: `torch ${res.torch}, 1 thread, no_grad`,
    });
  } else {
    console.log(
      `PyTorch eager skipped: ${r.stderr?.split('\n').slice(-3).join(' ') ?? 'no output'}`,
    );
  }
} else {
  console.log('PyTorch eager skipped: /usr/bin/python3 not found');
}

// ---------------------------------------------------------------- training throughput
const trainN = QUICK ? 16 : 64;
const xs = new Float32Array(trainN * T * D);
for (let i = 0; i < xs.length; i++) xs[i] = input[i % input.length]! * (1 + (i % 7) * 0.01);
const ys = new Float64Array(trainN).map((_, i) => Math.sin(i));
const trainee = AttentionLstm.fromStateDict(
  { ...meta.config, dtype: 'float32' },
  weights as NamedTensors,
);
const report = trainAttentionLstm(
  trainee,
  { x: tensor('float32', [trainN, T, D], xs) as Tensor, y: ys },
  { epochs: 2, batchSize: 16, optimizer: { type: 'adam', lr: 1e-3 }, clipNorm: 1 },
);
const seqPerSec = report.epochs.at(-1)!.sequencesPerSecond;
sink(report.epochs.at(-1)!.trainLoss);

// ---------------------------------------------------------------- report
console.log(`# @x/attention-lstm benchmark\n${machineInfo()}`);
console.log(
  `reference config: input ${D}, hidden ${H}, ${meta.config.numLayers} LSTM layers, ${NH} heads, ${T} steps, batch 1, causal, last-step pooling; every output checked against PyTorch (${torchOut.toFixed(6)}) within 1e-4\n`,
);
const oursP50 = ours.p50Ns / 1000;
console.log(
  table(
    ['engine', 'p50 µs', 'p99 µs', 'peer p50 / ours p50', 'notes'],
    rows.map((r) => [
      r.engine,
      r.p50Us.toFixed(1),
      r.p99Us.toFixed(1),
      r.engine.startsWith('@x/') ? '-' : `${(r.p50Us / oursP50).toFixed(2)}x`,
      r.note,
    ]),
  ),
);
console.log(
  `\ngoals: full sequence p50 < 1000 µs: ${oursP50.toFixed(0)} µs (${oursP50 < 1000 ? 'met' : 'NOT met'})` +
    (ortP50 === undefined
      ? ''
      : `; within 3x of onnxruntime-node: ${(oursP50 / (ortP50 / 1000)).toFixed(2)}x (${oursP50 <= 3 * (ortP50 / 1000) ? 'met' : 'NOT met'})`),
);
const stepUs = streamStats.p50Ns / 1000;
console.log(
  `streaming step p50 < 30 µs: ${stepUs.toFixed(1)} µs (${stepUs < 30 ? 'met' : 'NOT met'})` +
    (ortP50 === undefined
      ? ''
      : `; per new tick vs onnxruntime-node recomputing the ${T}-step window: ${(ortP50 / 1000 / stepUs).toFixed(1)}x faster (goal 10x: ${ortP50 / 1000 / stepUs >= 10 ? 'met' : 'NOT met'})`),
);
console.log(
  `training throughput (reference config, batch 16, Adam, clip 1, float32): ${seqPerSec.toFixed(1)} sequences/s` +
    (torchTrain === undefined
      ? ''
      : `; PyTorch eager (1 thread, same setup): ${torchTrain.toFixed(1)} sequences/s (ours / PyTorch: ${(seqPerSec / torchTrain).toFixed(2)}x)`),
);
console.log(`(sink ${sinkTotal().toFixed(3)})`);
