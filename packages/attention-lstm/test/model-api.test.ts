import { Rng, type Tensor, tensor, ValidationError } from '@x/core';
import { expectArraysClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import {
  AttentionLstm,
  type AttentionLstmConfig,
  AttentionLstmStream,
  lossAndGradients,
  useSimdKernels,
} from '../src/index.js';
import { netOf } from '../src/model.js';

function input(dtype: 'float32' | 'float64', shape: number[], seed: number): Tensor {
  const rng = Rng.fromSeed(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
  return tensor(dtype, shape, data as never) as Tensor;
}

function jsModel(cfg: AttentionLstmConfig): AttentionLstm {
  useSimdKernels(false);
  try {
    return AttentionLstm.create(cfg);
  } finally {
    useSimdKernels(true);
  }
}

describe('attention workspace proportional to T × window (issue 15.3)', () => {
  it('stores the probabilities of each query over its window only, and none for last-step inference', () => {
    const T = 600;
    const cfg = { inputSize: 2, hiddenSize: 8, numHeads: 2, attentionWindow: 8, maxLength: 1024 };
    const mean = AttentionLstm.create({ ...cfg, pooling: 'mean' });
    mean.forward(input('float32', [1, T, 2], 1));
    const ws = netOf(mean).workspace(T);
    expect(ws.band).toBe(15); // |i − j| < 8
    expect(ws.probs.length).toBe(2 * ws.cap * 15); // not 2 × cap × cap
    const causal = AttentionLstm.create({ ...cfg, causal: true, pooling: 'mean' });
    causal.forward(input('float32', [1, T, 2], 1));
    expect(netOf(causal).workspace(T).band).toBe(8);
    const last = AttentionLstm.create({ ...cfg, causal: true });
    last.forward(input('float32', [1, T, 2], 1));
    expect(netOf(last).workspace(T).probs.length).toBe(0);
  });

  it('windowed training and pooling still match the JavaScript kernels and the full-band result', () => {
    for (const causal of [false, true]) {
      const cfg = {
        inputSize: 2,
        hiddenSize: 8,
        numHeads: 2,
        attentionWindow: 3,
        causal,
        pooling: 'attention' as const,
        seed: 4,
      };
      const a = AttentionLstm.create(cfg);
      const b = jsModel(cfg);
      const x = input('float32', [2, 12, 2], 2);
      expectArraysClose(a.forward(x).data, b.forward(x).data, { atol: 2e-6 }, 'forward');
      const y = new Float64Array([0.3, -0.2]);
      lossAndGradients(a, x, y);
      lossAndGradients(b, x, y);
      expectArraysClose(a.grads, b.grads, { atol: 1e-5, rtol: 1e-3 }, 'grads');
    }
  });
});

describe('overflow on the way in is refused after the cast (issue 15.4)', () => {
  const cfg = { inputSize: 2, hiddenSize: 8, numHeads: 2 };
  for (const simd of [true, false]) {
    it(`float64 input beyond float32 range: a typed error naming the tensor (${simd ? 'SIMD' : 'JS'})`, () => {
      const m = simd ? AttentionLstm.create(cfg) : jsModel(cfg);
      expect(m.usesSimd).toBe(simd);
      const x = input('float64', [1, 3, 2], 1);
      x.set(0, 1, 1, 1e39);
      expect(() => m.forward(x)).toThrow(ValidationError);
      expect(() => m.forward(x)).toThrow(
        /tensor 'input' has value 1e\+39 at \[0, 1, 1\], beyond float32 range/,
      );
      expect(() => m.forwardInto(x.data, 1, 3, new Float32Array(1))).toThrow(/beyond float32/);
      // Just inside the range is fine and finite on both paths.
      x.set(0, 1, 1, 3e38);
      expect(Number.isFinite(m.forward(x).data[0]!)).toBe(true);
    });
  }

  it('a float64 state_dict value beyond float32 range is refused by name, the model unchanged', () => {
    const m = AttentionLstm.create(cfg);
    const before = Float32Array.from(m.params);
    const sd: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(m.parameters())) {
      sd[k] = tensor('float64', [...t.shape], Float64Array.from(t.data)) as Tensor;
    }
    sd['attn.out_proj.bias']!.data[3] = -1e39;
    expect(() => m.loadStateDict(sd)).toThrow(
      /tensor 'attn.out_proj.bias' has value -1e\+39 at \[3\], beyond float32 range/,
    );
    expect(Array.from(m.params)).toEqual(Array.from(before));
    // A float64 model takes the same value.
    const m64 = AttentionLstm.create({ ...cfg, dtype: 'float64' });
    expect(() => m64.loadStateDict(sd)).not.toThrow();
  });

  it('a stream step beyond float32 range is refused, the stream unchanged', () => {
    const m = AttentionLstm.create({ ...cfg, causal: true, attentionWindow: 4 });
    const s = new AttentionLstmStream(m);
    s.step([0.1, 0.2]);
    expect(() => s.step([1e39, 0])).toThrow(/beyond float32/);
    expect(s.steps).toBe(1);
  });
});

describe('PyTorch users (issue 15.7)', () => {
  const cfg = {
    inputSize: 3,
    hiddenSize: 8,
    numHeads: 2,
    positionalEncoding: 'none' as const,
    seed: 5,
  };
  const m = AttentionLstm.create(cfg);
  const x = input('float32', [2, 6, 3], 3);

  it('loads a state_dict with other module names through a prefix map', () => {
    const sd: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(m.parameters())) {
      sd[k.replace(/^attn\./, 'mha.').replace(/^norm\./, 'ln.')] = t;
    }
    expect(() => AttentionLstm.fromStateDict(cfg, sd)).toThrow(/unexpected tensor 'mha\./);
    const back = AttentionLstm.fromStateDict(cfg, sd, {
      rename: { 'mha.': 'attn.', 'ln.': 'norm.' },
    });
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(m.forward(x).data));
    expect(() =>
      AttentionLstm.fromStateDict(
        cfg,
        { ...sd, 'attn.in_proj_bias': sd['mha.in_proj_bias']! },
        { rename: { 'mha.': 'attn.' } },
      ),
    ).toThrow(/both map to 'attn.in_proj_bias'/);
  });

  it('needs the positional encoding spelled out unless the weights show it', () => {
    const { positionalEncoding: _pe, ...implicit } = cfg;
    expect(() => AttentionLstm.fromStateDict(implicit, m.parameters())).toThrow(
      /positionalEncoding/,
    );
    const learned = AttentionLstm.create({
      ...implicit,
      positionalEncoding: 'learned',
      maxLength: 8,
    });
    const back = AttentionLstm.fromStateDict({ ...implicit, maxLength: 8 }, learned.parameters());
    expect(back.config.positionalEncoding).toBe('learned');
  });

  it('backward from an arbitrary upstream gradient equals the built-in loss gradient', () => {
    const m64 = AttentionLstm.create({ ...cfg, dtype: 'float64', outputSize: 2, pooling: 'mean' });
    const x64 = input('float64', [2, 6, 3], 4);
    const y = new Float64Array([0.5, -0.1, 0.2, 0.3]);
    lossAndGradients(m64, x64, y);
    const want = Float64Array.from(m64.grads);
    const out = m64.forward(x64).data;
    // d/dout of mean((out − y)²) over 4 values
    const dOut = Float64Array.from(out, (v, i) => (2 * (v - y[i]!)) / 4);
    m64.zeroGrad();
    m64.backward(x64, dOut);
    expectArraysClose(m64.grads, want, { atol: 1e-14, rtol: 1e-12 }, 'grads');
    expect(() => m64.backward(x64, new Float64Array(3))).toThrow(/dOutput/);
  });

  it('per-step outputs of the final layer, and backward from a per-step gradient (finite differences)', () => {
    const m64 = AttentionLstm.create({ ...cfg, dtype: 'float64', pooling: 'mean', causal: true });
    const x64 = input('float64', [1, 5, 3], 6);
    const steps = m64.forwardSteps(x64);
    expect(steps.shape).toEqual([1, 5, 8]);
    // Mean pooling + head over the per-step outputs is the model's output.
    const p = m64.parameters();
    let o = p['head.bias']!.data[0]!;
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let t = 0; t < 5; t++) s += steps.get(0, t, j);
      o += (p['head.weight']!.data[j]! * s) / 5;
    }
    expect(m64.forward(x64).data[0]).toBeCloseTo(o, 12);
    // A custom per-step loss L = Σ w ⊙ steps.
    const w = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const L = (): number => {
      const s = m64.forwardSteps(x64).data;
      let v = 0;
      for (let i = 0; i < 40; i++) v += w[i]! * s[i]!;
      return v;
    };
    m64.zeroGrad();
    m64.backward(x64, w, { steps: true });
    const params = m64.params;
    for (const i of [0, 7, 100, params.length - 12, params.length - 3]) {
      const keep = params[i]!;
      params[i] = keep + 1e-6;
      const up = L();
      params[i] = keep - 1e-6;
      const down = L();
      params[i] = keep;
      expect(Math.abs(m64.grads[i]! - (up - down) / 2e-6)).toBeLessThan(1e-6);
    }
  });
});
