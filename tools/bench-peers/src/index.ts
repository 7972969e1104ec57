/**
 * Peer runtimes for the @x/attention-lstm benchmark: onnxruntime-node on the model exported from
 * PyTorch, and the same model written in TensorFlow.js ops (cpu and wasm backends), all single
 * threaded. A private workspace package, so the published package carries none of these
 * (native, install-script) dependencies. Each runner checks the engine's output through the
 * caller's `check` before timing it, and returns undefined (with a message) when the engine
 * cannot run here.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { percentile, sink, timeCalls } from '@x/test-utils/bench';

const require = createRequire(import.meta.url);

/** What every peer needs: the reference model and input, and the output check. */
export interface PeerSpec {
  /** Folder holding `model.onnx`. */
  readonly refDir: string;
  /** The reference input, `[1, T, D]`. */
  readonly input: Float32Array;
  readonly T: number;
  readonly D: number;
  readonly H: number;
  readonly heads: number;
  readonly layers: number;
  /** The weights by PyTorch `state_dict` name. */
  readonly weights: Readonly<
    Record<string, { readonly data: ArrayLike<number>; readonly shape: readonly number[] }>
  >;
  /** Timed calls. */
  readonly samples: number;
  /** Throws when an engine's first output differs from the reference. */
  readonly check: (engine: string, value: number) => void;
}

/** One peer's timing. */
export interface PeerResult {
  readonly engine: string;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly note: string;
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

/** onnxruntime-node, one thread, on `refDir/model.onnx`. */
export async function benchOnnxRuntime(spec: PeerSpec): Promise<PeerResult | undefined> {
  const { T, D, input } = spec;
  try {
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(join(spec.refDir, 'model.onnx'), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const feeds = { x: new ort.Tensor('float32', input, [1, T, D]) };
    const first = await session.run(feeds);
    spec.check('onnxruntime-node', (first.y!.data as Float32Array)[0]!);
    const s = await timeAsync(
      async () => {
        const r = await session.run(feeds);
        sink((r.y!.data as Float32Array)[0]!);
      },
      spec.samples,
      200,
    );
    return { engine: 'onnxruntime-node', ...s, note: `v${ort.env.versions.node ?? '?'} 1 thread` };
  } catch (e) {
    console.log(`onnxruntime-node skipped: ${(e as Error).message}`);
    return undefined;
  }
}

type Tf = typeof import('@tensorflow/tfjs');
type T2 = import('@tensorflow/tfjs').Tensor2D;
type T3 = import('@tensorflow/tfjs').Tensor3D;

function tfjsModel(tf: Tf, spec: PeerSpec) {
  const { T, H, heads: NH } = spec;
  const w = (name: string) => spec.weights[name]!;
  const t2 = (name: string) =>
    tf.tensor(Float32Array.from(w(name).data), w(name).shape as [number, number]);
  const t1 = (name: string) => tf.tensor1d(Float32Array.from(w(name).data));
  const layers = Array.from({ length: spec.layers }, (_, l) => ({
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
  return (x: T2) =>
    tf.tidy(() => {
      let inp: T2 = x;
      for (const lw of layers) {
        const G = inp.matMul(lw.wih).add(lw.b) as T2;
        let h = tf.zeros([1, H]) as T2;
        let c = tf.zeros([1, H]) as T2;
        const outs: T2[] = [];
        for (let t = 0; t < T; t++) {
          const g = G.slice([t, 0], [1, 4 * H]).add(h.matMul(lw.whh));
          const [i, f, gg, o] = tf.split(g, 4, 1) as T2[];
          c = tf
            .sigmoid(f!)
            .mul(c)
            .add(tf.sigmoid(i!).mul(tf.tanh(gg!)));
          h = tf.sigmoid(o!).mul(tf.tanh(c));
          outs.push(h);
        }
        inp = tf.concat(outs, 0);
      }
      const z = inp.add(peT) as T2;
      const qkv = z.matMul(win).add(bin);
      const [q, k, v] = tf.split(qkv, 3, 1).map((a) => a.reshape([T, NH, dh]).transpose([1, 0, 2]));
      const scores = tf
        .matMul(q as T3, k as T3, false, true)
        .mul(1 / Math.sqrt(dh))
        .add(mask);
      const att = tf.matMul(tf.softmax(scores), v as T3);
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

/** The model in TensorFlow.js ops on the cpu or wasm backend (single-threaded). */
export async function benchTfjs(
  spec: PeerSpec,
  backend: 'cpu' | 'wasm',
): Promise<PeerResult | undefined> {
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
    const predict = tfjsModel(tf, spec);
    const x = tf.tensor2d(spec.input, [spec.T, spec.D]);
    const y0 = predict(x);
    spec.check(`tfjs-${backend}`, y0.dataSync()[0]!);
    y0.dispose();
    const n = Math.max(20, Math.floor(spec.samples / 20));
    const s = timeCalls(
      () => {
        const y = predict(x);
        sink(y.dataSync()[0]!);
        y.dispose();
      },
      n,
      10,
    );
    return { engine: `tfjs ${backend}`, ...s, note: `tfjs ${tf.version.tfjs}, ops model` };
  } catch (e) {
    console.log(`tfjs ${backend} skipped: ${(e as Error).message}`);
    return undefined;
  }
}
