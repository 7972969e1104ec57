import {
  type NamedTensors,
  Rng,
  type Tensor,
  tensor,
  tensorsBitEqual,
  ValidationError,
} from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTENTION_LSTM_KIND,
  AttentionLstm,
  type AttentionLstmConfig,
  attentionLstmImporter,
  lossAndGradients,
  simdKernelsAvailable,
  useSimdKernels,
} from '../src/index.js';
import { netOf } from '../src/model.js';
import { decode, decodeAll, loadCases } from './fixtures.js';

function fromCase(c: ReturnType<typeof loadCases>[number]): AttentionLstm {
  return AttentionLstm.fromStateDict(
    { ...(c.config as unknown as AttentionLstmConfig), dtype: c.dtype },
    decodeAll(c.stateDict, c.dtype),
  );
}

function targetsOf(c: ReturnType<typeof loadCases>[number]): Float64Array | Int32Array {
  const t = decode(c.target, c.dtype).data;
  return c.loss === 'cross-entropy' ? Int32Array.from(t) : Float64Array.from(t);
}

function randomInput(dtype: 'float32' | 'float64', shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return tensor(dtype, shape, data as never) as Tensor;
}

describe('forward pass vs PyTorch 1.13 (nn.LSTM + nn.MultiheadAttention + nn.LayerNorm)', () => {
  for (const c of loadCases()) {
    it(`${c.name} (${c.dtype}, batch ${c.batch}, ${c.steps} steps)`, () => {
      const m = fromCase(c);
      const out = m.forward(decode(c.input, c.dtype));
      expect(out.shape).toEqual([c.batch, c.config.outputSize]);
      const atol = c.dtype === 'float64' ? 1e-10 : 1e-5;
      expectArraysClose(out.data, decode(c.output, c.dtype).data, { atol }, `${c.name} output`);
    });
  }

  it('float32 runs the same on the WebAssembly SIMD kernels and in plain JavaScript', () => {
    expect(simdKernelsAvailable()).toBe(true);
    for (const c of loadCases().filter((k) => k.dtype === 'float32')) {
      const simd = fromCase(c);
      useSimdKernels(false);
      let js: AttentionLstm;
      try {
        js = fromCase(c);
      } finally {
        useSimdKernels(true);
      }
      const x = decode(c.input, c.dtype);
      expect(js.usesSimd).toBe(false);
      expect(simd.usesSimd).toBe((c.config.hiddenSize as number) % 4 === 0);
      const want = decode(c.output, c.dtype).data;
      expectArraysClose(js.forward(x).data, want, { atol: 1e-5 }, `${c.name} js`);
      expectArraysClose(simd.forward(x).data, want, { atol: 1e-5 }, `${c.name} simd`);
      expectArraysClose(
        simd.forward(x).data,
        js.forward(x).data,
        { atol: 2e-6 },
        `${c.name} simd vs js`,
      );
    }
  });

  it('SIMD and JavaScript agree on every pooling, with and without windows and causal masks', () => {
    for (const pooling of ['last', 'mean', 'attention'] as const) {
      for (const [causal, attentionWindow] of [
        [false, null],
        [true, null],
        [false, 3],
        [true, 4],
      ] as const) {
        const cfg: AttentionLstmConfig = {
          inputSize: 3,
          hiddenSize: 8,
          numHeads: 2,
          numLayers: 2,
          pooling,
          causal,
          attentionWindow,
          outputSize: 2,
          seed: 12,
        };
        const simd = AttentionLstm.create(cfg);
        useSimdKernels(false);
        let js: AttentionLstm;
        try {
          js = AttentionLstm.create(cfg);
        } finally {
          useSimdKernels(true);
        }
        expect(simd.usesSimd && !js.usesSimd).toBe(true);
        const x = randomInput('float32', [3, 9, 3], 5);
        const label = `${pooling} causal=${causal} window=${attentionWindow}`;
        expectArraysClose(simd.forward(x).data, js.forward(x).data, { atol: 2e-6 }, label);
        const y = Float64Array.from({ length: 6 }, (_, i) => Math.cos(i));
        const la = lossAndGradients(simd, x, y);
        const lb = lossAndGradients(js, x, y);
        expectArraysClose([la], [lb], { atol: 1e-6 }, `${label} loss`);
        expectArraysClose(simd.grads, js.grads, { atol: 1e-5, rtol: 1e-3 }, `${label} grads`);
      }
    }
  });

  it('one sequence longer than the arena runs in JavaScript for that call only (issue 15.2)', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, maxLength: 6, seed: 3 });
    const x = randomInput('float32', [1, 6, 2], 1);
    const params = m.params;
    const before = Array.from(m.forward(x).data);
    expect(m.usesSimd).toBe(true);
    const long = randomInput('float32', [1, 9, 2], 2);
    const longOut = Array.from(m.forward(long).data);
    useSimdKernels(false);
    let js: AttentionLstm;
    try {
      js = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, maxLength: 6, seed: 3 });
    } finally {
      useSimdKernels(true);
    }
    // The long call ran on the JavaScript kernels (bit-identical to a JavaScript model) ...
    expect(longOut).toEqual(Array.from(js.forward(long).data));
    // ... and the model is back on the SIMD kernels afterwards: bit-identical to before.
    expect(m.usesSimd).toBe(true);
    expect(m.params).toBe(params);
    expect(Array.from(m.forward(x).data)).toEqual(before);
  });

  it('forwardInto writes the same values as forward and reuses its buffers', () => {
    const c = loadCases().find((k) => k.dtype === 'float32' && k.batch === 16)!;
    const m = fromCase(c);
    const x = decode(c.input, c.dtype);
    const ref = m.forward(x).data;
    const out = new Float32Array(ref.length);
    m.forwardInto(x.data, c.batch, c.steps, out);
    m.forwardInto(x.data, c.batch, c.steps, out);
    expect(Array.from(out)).toEqual(Array.from(ref));
  });
});

describe('gradients', () => {
  for (const c of loadCases()) {
    it(`match PyTorch autograd: ${c.name} (${c.dtype}, ${c.loss})`, () => {
      const m = fromCase(c);
      const loss = lossAndGradients(m, decode(c.input, c.dtype), targetsOf(c), c.loss);
      const tol = c.dtype === 'float64' ? 1e-10 : 1e-5;
      expectArraysClose([loss], [c.lossValue], { atol: tol }, 'loss');
      const g = m.gradients();
      const ref = decodeAll(c.grads, c.dtype);
      expect(Object.keys(g).sort()).toEqual(Object.keys(ref).sort());
      for (const [name, want] of Object.entries(ref)) {
        // 1e-4 relative, with an absolute floor for elements that are ~0 in both.
        expectArraysClose(
          g[name]!.data,
          want.data,
          { rtol: 1e-4, atol: c.dtype === 'float64' ? 1e-12 : 1e-6 },
          name,
        );
      }
    });
  }

  const fdConfigs: [string, AttentionLstmConfig, 'mse' | 'huber' | 'cross-entropy'][] = [
    [
      '2 layers, 2 heads, causal, mean pooling, learned positions, huber',
      {
        inputSize: 3,
        hiddenSize: 6,
        numLayers: 2,
        numHeads: 2,
        outputSize: 2,
        causal: true,
        pooling: 'mean',
        positionalEncoding: 'learned',
        maxLength: 8,
        dtype: 'float64',
        seed: 3,
      },
      'huber',
    ],
    [
      '1 layer, 3 heads, window 3, attention pooling, cross-entropy, xavier init',
      {
        inputSize: 2,
        hiddenSize: 6,
        numHeads: 3,
        outputSize: 3,
        attentionWindow: 3,
        pooling: 'attention',
        init: 'xavier-normal',
        dtype: 'float64',
        seed: 5,
      },
      'cross-entropy',
    ],
  ];
  for (const [label, config, loss] of fdConfigs) {
    it(`pass a central finite-difference check in float64 for every parameter: ${label}`, () => {
      const m = AttentionLstm.create(config);
      const B = 3;
      const T = 6;
      const x = randomInput('float64', [B, T, config.inputSize], 11);
      const O = config.outputSize ?? 1;
      const y =
        loss === 'cross-entropy'
          ? Int32Array.from({ length: B }, (_, i) => i % O)
          : Float64Array.from({ length: B * O }, (_, i) => Math.sin(i) * 2);
      lossAndGradients(m, x, y, loss);
      const analytic = Float64Array.from(m.grads);
      const p = m.params;
      const h = 1e-6;
      let checked = 0;
      for (let i = 0; i < p.length; i++) {
        const keep = p[i]!;
        p[i] = keep + h;
        const up = lossAndGradients(m, x, y, loss);
        p[i] = keep - h;
        const down = lossAndGradients(m, x, y, loss);
        p[i] = keep;
        const fd = (up - down) / (2 * h);
        const a = analytic[i]!;
        // Huber's kink is not differentiable; the fixed data keeps residuals away from |d| = 1.
        if (Math.abs(a - fd) > 1e-6 + 1e-5 * Math.abs(fd)) {
          const info = m.parameterInfo.find((q) => i >= q.offset && i < q.offset + q.size)!;
          throw new Error(
            `${info.name}[${i - info.offset}]: analytic ${a}, finite difference ${fd}`,
          );
        }
        checked++;
      }
      expect(checked).toBe(m.parameterCount);
    });
  }
});

describe('dropout between LSTM layers', () => {
  it('backpropagates through the same inverted-dropout mask as the forward pass (finite differences)', () => {
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 4,
      numLayers: 3,
      numHeads: 2,
      dropout: 0.4,
      dtype: 'float64',
      seed: 1,
    });
    const net = netOf(m);
    const T = 5;
    const x = randomInput('float64', [1, T, 2], 4).data as Float64Array;
    const seed = Rng.fromSeed(77);
    const run = (): number => {
      net.dropoutRng = seed.clone(); // the same mask every evaluation
      net.setTraining(true);
      net.prepareBiases();
      net.forward(x, 0, T, false);
      return net.outBuf[0]!;
    };
    const y0 = run();
    m.zeroGrad();
    net.backward(x, 0, T, new Float64Array([1]));
    const analytic = Float64Array.from(m.grads);
    // The mask really drops units: the training output differs from inference.
    net.setTraining(false);
    expect(
      Math.abs(m.forward(tensor('float64', [1, T, 2], x) as Tensor).data[0]! - y0),
    ).toBeGreaterThan(1e-6);
    const p = m.params;
    const h = 1e-6;
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      p[i] = keep + h;
      const up = run();
      p[i] = keep - h;
      const down = run();
      p[i] = keep;
      const fd = (up - down) / (2 * h);
      if (Math.abs(analytic[i]! - fd) > 1e-7 + 1e-5 * Math.abs(fd)) {
        throw new Error(`param ${i}: analytic ${analytic[i]}, finite difference ${fd}`);
      }
    }
    net.setTraining(false);
  });
});

describe('initialisation', () => {
  it('a seed reproduces a model exactly and another seed does not', () => {
    const cfg: AttentionLstmConfig = {
      inputSize: 4,
      hiddenSize: 8,
      numLayers: 2,
      numHeads: 2,
      seed: 42,
    };
    const a = AttentionLstm.create(cfg);
    const b = AttentionLstm.create(cfg);
    const c = AttentionLstm.create({ ...cfg, seed: 43 });
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(c.params.buffer))).toBe(false);
  });

  it('pytorch scheme: LSTM and head in U(±1/√H), in_proj within the Xavier bound, zero attention biases, LayerNorm 1/0', () => {
    const H = 16;
    const m = AttentionLstm.create({
      inputSize: 4,
      hiddenSize: H,
      numHeads: 4,
      dtype: 'float64',
      seed: 1,
    });
    const t = m.parameters();
    const within = (name: string, bound: number) => {
      const d = t[name]!.data;
      let mx = 0;
      for (const v of d) mx = Math.max(mx, Math.abs(v));
      expect(mx).toBeLessThanOrEqual(bound);
      expect(mx).toBeGreaterThan(bound * 0.5);
    };
    within('lstm.weight_ih_l0', 1 / Math.sqrt(H));
    within('lstm.weight_hh_l0', 1 / Math.sqrt(H));
    within('lstm.bias_hh_l0', 1 / Math.sqrt(H));
    within('attn.in_proj_weight', Math.sqrt(6 / (4 * H)));
    within('head.weight', 1 / Math.sqrt(H));
    expect(Array.from(t['attn.in_proj_bias']!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(t['attn.out_proj.bias']!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(t['norm.weight']!.data).every((v) => v === 1)).toBe(true);
    expect(Array.from(t['norm.bias']!.data).every((v) => v === 0)).toBe(true);
  });

  it('xavier schemes: orthogonal recurrent gate blocks, Glorot-scaled input weights, forget bias 1', () => {
    for (const init of ['xavier-uniform', 'xavier-normal'] as const) {
      const H = 8;
      const D = 5;
      const m = AttentionLstm.create({
        inputSize: D,
        hiddenSize: H,
        init,
        dtype: 'float64',
        seed: 9,
      });
      const t = m.parameters();
      const whh = t['lstm.weight_hh_l0']!.data;
      for (let g = 0; g < 4; g++) {
        for (let i = 0; i < H; i++) {
          for (let j = 0; j < H; j++) {
            let dot = 0;
            for (let k = 0; k < H; k++)
              dot += whh[g * H * H + k * H + i]! * whh[g * H * H + k * H + j]!;
            expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
      }
      const wih = t['lstm.weight_ih_l0']!.data;
      let ss = 0;
      for (const v of wih) ss += v * v;
      // Var = 2 / (fan_in + fan_out) for both Glorot variants.
      expect(ss / wih.length).toBeGreaterThan((2 / (H + D)) * 0.6);
      expect(ss / wih.length).toBeLessThan((2 / (H + D)) * 1.5);
      const bih = t['lstm.bias_ih_l0']!.data;
      expect(Array.from(bih.subarray(H, 2 * H)).every((v) => v === 1)).toBe(true);
      expect(Array.from(bih.subarray(0, H)).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('export / import', () => {
  it('round-trips bit-exactly through the core model contract (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          inputSize: fc.integer({ min: 1, max: 5 }),
          heads: fc.constantFrom(1, 2, 4),
          numLayers: fc.integer({ min: 1, max: 3 }),
          outputSize: fc.integer({ min: 1, max: 3 }),
          pooling: fc.constantFrom('last' as const, 'mean' as const, 'attention' as const),
          positionalEncoding: fc.constantFrom(
            'sinusoidal' as const,
            'learned' as const,
            'none' as const,
          ),
          causal: fc.boolean(),
          dtype: fc.constantFrom('float32' as const, 'float64' as const),
          init: fc.constantFrom(
            'pytorch' as const,
            'xavier-uniform' as const,
            'xavier-normal' as const,
          ),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (r) => {
          const m = AttentionLstm.create({
            inputSize: r.inputSize,
            hiddenSize: 4,
            numHeads: r.heads,
            numLayers: r.numLayers,
            outputSize: r.outputSize,
            pooling: r.pooling,
            positionalEncoding: r.positionalEncoding,
            maxLength: 8,
            causal: r.causal,
            dtype: r.dtype,
            init: r.init,
            seed: r.seed,
          });
          const exported = m.exportModel();
          expect(exported.kind).toBe(ATTENTION_LSTM_KIND);
          const json = JSON.parse(JSON.stringify(exported.config));
          const back = attentionLstmImporter.importModel({ ...exported, config: json });
          expect(back.config).toEqual(m.config);
          const a = m.parameters();
          const b = back.parameters();
          for (const k of Object.keys(a)) expect(tensorsBitEqual(a[k]!, b[k]!)).toBe(true);
          const x = randomInput(r.dtype, [2, 5, r.inputSize], r.seed);
          const ya = m.forward(x).data;
          const yb = back.forward(x).data;
          expect(Buffer.from(ya.buffer).equals(Buffer.from(yb.buffer))).toBe(true);
          // The export is a copy: changing the model afterwards does not change it.
          m.params[0] = m.params[0]! + 1;
          expect(
            tensorsBitEqual(exported.tensors['lstm.weight_ih_l0']!, b['lstm.weight_ih_l0']!),
          ).toBe(true);
        },
      ),
      fcParams({ numRuns: 40 }),
    );
  });

  it('rejects a wrong kind or an unknown format version', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4 });
    const e = m.exportModel();
    expect(() => AttentionLstm.importModel({ ...e, kind: 'other' })).toThrow(ValidationError);
    expect(() => AttentionLstm.importModel({ ...e, formatVersion: 2 })).toThrow(/formatVersion/);
  });
});

describe('typed errors on bad input', () => {
  const m = AttentionLstm.create({ inputSize: 3, hiddenSize: 4, numHeads: 2, dtype: 'float64' });

  it('wrong input width names the tensor and the expected shape', () => {
    const err = (() => {
      try {
        m.forward(tensor('float64', [1, 5, 4]) as Tensor);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ValidationError.isInstance(err)).toBe(true);
    expect((err as ValidationError).field).toBe('input');
    expect((err as Error).message).toMatch(
      /tensor 'input' has shape \[1, 5, 4\], expected \[\*, \*, 3\]/,
    );
    expect(() => m.forwardInto(new Float64Array(14), 1, 5, new Float64Array(1))).toThrow(
      /expected \[1, 5, 3\]/,
    );
  });

  it('NaN or Infinity in the input is rejected with its position', () => {
    const x = tensor('float64', [2, 4, 3]) as Tensor;
    x.set(1, 2, 0, Number.NaN);
    expect(() => m.forward(x)).toThrow(/non-finite value NaN at \[1, 2, 0\]/);
    x.set(1, 2, 0, Number.POSITIVE_INFINITY);
    expect(() => m.forward(x)).toThrow(ValidationError);
  });

  it('weights of the wrong shape on import name the tensor and the expected shape; the model is unchanged', () => {
    const good = m.exportModel();
    const before = Float64Array.from(m.params);
    const bad: NamedTensors = {
      ...good.tensors,
      'lstm.weight_hh_l0': tensor('float64', [16, 3]) as Tensor,
    };
    expect(() => m.loadStateDict(bad)).toThrow(
      /tensor 'lstm.weight_hh_l0' has shape \[16, 3\], expected \[16, 4\]/,
    );
    const missing: Record<string, Tensor> = { ...good.tensors };
    delete missing['head.bias'];
    expect(() => m.loadStateDict(missing)).toThrow(
      /missing tensor 'head.bias' \(expected shape \[1\]\)/,
    );
    expect(() =>
      m.loadStateDict({ ...good.tensors, extra: tensor('float64', [1]) as Tensor }),
    ).toThrow(/unexpected tensor 'extra'/);
    const nan = tensor('float64', [4]) as Tensor;
    nan.set(2, Number.NaN);
    expect(() => m.loadStateDict({ ...good.tensors, 'norm.bias': nan })).toThrow(
      /'norm.bias' has a non-finite/,
    );
    expect(Array.from(m.params)).toEqual(Array.from(before));
  });

  it('invalid configurations are rejected by field', () => {
    expect(() => AttentionLstm.create({ inputSize: 3, hiddenSize: 6, numHeads: 4 })).toThrow(
      /divisible/,
    );
    expect(() => AttentionLstm.create({ inputSize: 0, hiddenSize: 4 })).toThrow(/inputSize/);
    expect(() => AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dropout: 1 })).toThrow(
      /dropout/,
    );
    expect(() => AttentionLstm.create({ inputSize: 2, hiddenSize: 5 })).toThrow(/even hiddenSize/);
    expect(() =>
      AttentionLstm.create({ inputSize: 2, hiddenSize: 4, pooling: 'max' as never }),
    ).toThrow(/pooling/);
  });

  it('a sequence longer than the learned positions is rejected', () => {
    const l = AttentionLstm.create({
      inputSize: 1,
      hiddenSize: 4,
      positionalEncoding: 'learned',
      maxLength: 4,
    });
    expect(() => l.forward(tensor('float32', [1, 5, 1]) as Tensor)).toThrow(/maxLength 4/);
  });
});
