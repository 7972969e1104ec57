/**
 * Benchmark of @x/attention-lstm against the runtimes people use, on the reference
 * config (input 32, hidden 64, 2 LSTM layers, 8 heads, 100 steps, batch 1), same weights and
 * input for every engine, all single-threaded:
 *
 * - this package: full-sequence inference (float32, preallocated buffers) and streaming step;
 * - onnxruntime-node on the model exported from PyTorch (bench/reference/model.onnx);
 * - TensorFlow.js, cpu and wasm backends, with the model written in tfjs ops;
 * - PyTorch eager (Debian's /usr/bin/python3), when the machine has it.
 *
 * Every engine's output is checked against PyTorch's before timing. Run:
 * `pnpm bench` in the package (or under `flock /tmp/x-bench.lock`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NamedTensors, type Tensor, tensor } from '@x/core';
import { machineInfo, percentile, sink, sinkTotal, table, timeCalls } from '@x/test-utils/bench';
import {
  AttentionLstm,
  type AttentionLstmConfig,
  AttentionLstmStream,
  trainAttentionLstm,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const refDir = join(here, 'reference');
const require = createRequire(import.meta.url);
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

async function timeAsync(fn: () => Promise<void>, samples: number, warmup: number) {
  for (let i = 0; i < warmup; i++) await fn();
  const t = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const s = process.hrtime.bigint();
    await fn();
    t[i] = Number(process.hrtime.bigint() - s);
  }
  t.sort();
  return { p50Ns: percentile(t, 50), p99Ns: percentile(t, 99) };
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

// ---------------------------------------------------------------- onnxruntime-node
let ortP50: number | undefined;
try {
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(refDir, 'model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { x: new ort.Tensor('float32', input, [1, T, D]) };
  const first = await session.run(feeds);
  check('onnxruntime-node', (first.y!.data as Float32Array)[0]!);
  const s = await timeAsync(
    async () => {
      const r = await session.run(feeds);
      sink((r.y!.data as Float32Array)[0]!);
    },
    SAMPLES,
    200,
  );
  ortP50 = s.p50Ns;
  rows.push({
    engine: 'onnxruntime-node',
    p50Us: fmt(s.p50Ns),
    p99Us: fmt(s.p99Ns),
    note: `v${ort.env.versions.node ?? '?'} 1 thread`,
  });
} catch (e) {
  console.log(`onnxruntime-node skipped: ${(e as Error).message}`);
}

// ---------------------------------------------------------------- TensorFlow.js
type Tf = typeof import('@tensorflow/tfjs');
function tfjsModel(tf: Tf) {
  const w = (name: string) => weights[name]!;
  const t2 = (name: string) =>
    tf.tensor(w(name).data as Float32Array, w(name).shape as [number, number]);
  const t1 = (name: string) => tf.tensor1d(w(name).data as Float32Array);
  const L = meta.config.numLayers ?? 1;
  const layers = Array.from({ length: L }, (_, l) => ({
    wih: t2(`lstm.weight_ih_l${l}`).transpose(),
    whh: t2(`lstm.weight_hh_l${l}`).transpose(),
    b: t1(`lstm.bias_ih_l${l}`).add(t1(`lstm.bias_hh_l${l}`)),
  }));
  const pe = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < H; i += 2) {
      const a = t * Math.exp(i * (-Math.log(10000) / H));
      pe[t * H + i] = Math.sin(a);
      pe[t * H + i + 1] = Math.cos(a);
    }
  }
  const peT = tf.tensor2d(pe, [T, H]);
  const maskData = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
  const mask = tf.tensor2d(maskData, [T, T]);
  const win = t2('attn.in_proj_weight').transpose();
  const bin = t1('attn.in_proj_bias');
  const wo = t2('attn.out_proj.weight').transpose();
  const bo = t1('attn.out_proj.bias');
  const gamma = t1('norm.weight');
  const beta = t1('norm.bias');
  const wh = t2('head.weight').transpose();
  const bh = t1('head.bias');
  const dh = H / NH;
  return (x: import('@tensorflow/tfjs').Tensor2D) =>
    tf.tidy(() => {
      let inp: import('@tensorflow/tfjs').Tensor2D = x;
      for (const lw of layers) {
        const G = inp.matMul(lw.wih).add(lw.b) as import('@tensorflow/tfjs').Tensor2D;
        let h = tf.zeros([1, H]) as import('@tensorflow/tfjs').Tensor2D;
        let c = tf.zeros([1, H]) as import('@tensorflow/tfjs').Tensor2D;
        const outs: import('@tensorflow/tfjs').Tensor2D[] = [];
        for (let t = 0; t < T; t++) {
          const g = G.slice([t, 0], [1, 4 * H]).add(h.matMul(lw.whh));
          const [i, f, gg, o] = tf.split(g, 4, 1) as import('@tensorflow/tfjs').Tensor2D[];
          c = tf
            .sigmoid(f!)
            .mul(c)
            .add(tf.sigmoid(i!).mul(tf.tanh(gg!)));
          h = tf.sigmoid(o!).mul(tf.tanh(c));
          outs.push(h);
        }
        inp = tf.concat(outs, 0);
      }
      const z = inp.add(peT) as import('@tensorflow/tfjs').Tensor2D;
      const qkv = z.matMul(win).add(bin);
      const [q, k, v] = tf.split(qkv, 3, 1).map((a) => a.reshape([T, NH, dh]).transpose([1, 0, 2]));
      const scores = tf
        .matMul(
          q as import('@tensorflow/tfjs').Tensor3D,
          k as import('@tensorflow/tfjs').Tensor3D,
          false,
          true,
        )
        .mul(1 / Math.sqrt(dh))
        .add(mask);
      const att = tf.matMul(tf.softmax(scores), v as import('@tensorflow/tfjs').Tensor3D);
      const o2 = att.transpose([1, 0, 2]).reshape([T, H]).matMul(wo).add(bo);
      const r = z.add(o2);
      const { mean, variance } = tf.moments(r, 1, true);
      const y = r.sub(mean).div(variance.add(1e-5).sqrt()).mul(gamma).add(beta);
      return y
        .slice([T - 1, 0], [1, H])
        .matMul(wh)
        .add(bh);
    });
}

async function benchTf(backend: 'cpu' | 'wasm'): Promise<void> {
  try {
    const tf = require('@tensorflow/tfjs') as Tf;
    if (backend === 'wasm') {
      const wasm =
        require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const dist = dirname(
        require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
      );
      wasm.setWasmPaths(`${dist}/`);
    }
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`backend ${backend} did not initialise`);
    await tf.ready();
    const predict = tfjsModel(tf);
    const x = tf.tensor2d(input, [T, D]);
    const y0 = predict(x);
    check(`tfjs-${backend}`, y0.dataSync()[0]!);
    y0.dispose();
    const n = Math.max(20, Math.floor(SAMPLES / 20));
    const s = timeCalls(
      () => {
        const y = predict(x);
        sink(y.dataSync()[0]!);
        y.dispose();
      },
      n,
      10,
    );
    rows.push({
      engine: `tfjs ${backend}`,
      p50Us: fmt(s.p50Ns),
      p99Us: fmt(s.p99Ns),
      note: `tfjs ${tf.version.tfjs}, ops model`,
    });
  } catch (e) {
    console.log(`tfjs ${backend} skipped: ${(e as Error).message}`);
  }
}
await benchTf('cpu');
await benchTf('wasm');

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
