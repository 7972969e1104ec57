import { InvalidStateError, type Tensor, tensor, ValidationError } from '@x/core';
import { expectArraysClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttentionLstm, type AttentionLstmConfig, AttentionLstmStream } from '../src/index.js';

function series(n: number, D: number, seed: number, dtype: 'float32' | 'float64'): Float64Array {
  const out = new Float64Array(n * D);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return dtype === 'float32' ? Float64Array.from(Float32Array.from(out)) : out;
}

/** Full-model output on the first n steps of the stream. */
function fullOnPrefix(m: AttentionLstm, xs: Float64Array, n: number): number[] {
  const D = m.config.inputSize;
  const data =
    m.dtype === 'float32' ? Float32Array.from(xs.subarray(0, n * D)) : xs.slice(0, n * D);
  return Array.from(m.forward(tensor(m.dtype, [1, n, D], data as never) as Tensor).data);
}

function checkEquivalence(cfg: AttentionLstmConfig, steps: number, seed: number): void {
  const m = AttentionLstm.create(cfg);
  const s = new AttentionLstmStream(m);
  const D = cfg.inputSize;
  const xs = series(steps, D, seed, m.dtype);
  const atol = m.dtype === 'float64' ? 1e-10 : 1e-5;
  for (let t = 0; t < steps; t++) {
    const y = Array.from(s.step(xs.subarray(t * D, t * D + D)));
    expectArraysClose(y, fullOnPrefix(m, xs, t + 1), { atol }, `step ${t}`);
  }
  expect(s.steps).toBe(steps);
}

describe('AttentionLstmStream', () => {
  it('matches the full model over the whole stream with attention over the last W steps (float64)', () => {
    checkEquivalence(
      {
        inputSize: 3,
        hiddenSize: 8,
        numLayers: 2,
        numHeads: 4,
        outputSize: 2,
        causal: true,
        attentionWindow: 5,
        dtype: 'float64',
        seed: 1,
      },
      24,
      7,
    );
  });

  it('matches in float32 within 1e-5, past the window and with learned positions', () => {
    checkEquivalence(
      {
        inputSize: 4,
        hiddenSize: 16,
        numLayers: 1,
        numHeads: 8,
        causal: true,
        attentionWindow: 6,
        positionalEncoding: 'learned',
        maxLength: 32,
        dtype: 'float32',
        seed: 2,
      },
      20,
      3,
    );
  });

  it('matches on the SIMD kernels (float32, head size 8)', () => {
    const cfg: AttentionLstmConfig = {
      inputSize: 3,
      hiddenSize: 16,
      numLayers: 2,
      numHeads: 2,
      causal: true,
      attentionWindow: 7,
      dtype: 'float32',
      seed: 6,
    };
    expect(AttentionLstm.create(cfg).usesSimd).toBe(true);
    checkEquivalence(cfg, 25, 8);
  });

  it('snapshots the weights; syncWeights picks up later training', () => {
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 8,
      numHeads: 2,
      causal: true,
      attentionWindow: 4,
      seed: 3,
    });
    const s = new AttentionLstmStream(m);
    const before = s.step([0.5, -0.5])[0]!;
    m.params[m.params.length - 1] = m.params[m.params.length - 1]! + 1; // head bias += 1
    s.reset();
    expect(s.step([0.5, -0.5])[0]).toBe(before);
    s.syncWeights();
    s.reset();
    expect(s.step([0.5, -0.5])[0]).toBeCloseTo(before + 1, 5);
  });

  it('matches for random configurations (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          layers: fc.integer({ min: 1, max: 3 }),
          heads: fc.constantFrom(1, 2, 4),
          window: fc.integer({ min: 1, max: 8 }),
          pe: fc.constantFrom('sinusoidal' as const, 'learned' as const, 'none' as const),
          steps: fc.integer({ min: 1, max: 14 }),
          seed: fc.integer({ min: 0, max: 10_000 }),
        }),
        (r) => {
          checkEquivalence(
            {
              inputSize: 2,
              hiddenSize: 4,
              numLayers: r.layers,
              numHeads: r.heads,
              causal: true,
              attentionWindow: r.window,
              positionalEncoding: r.pe,
              maxLength: 16,
              dtype: 'float64',
              seed: r.seed,
            },
            r.steps,
            r.seed + 1,
          );
        },
      ),
      fcParams({ numRuns: 30 }),
    );
  });

  it('sinusoidal positions continue past the precomputed table', () => {
    checkEquivalence(
      {
        inputSize: 1,
        hiddenSize: 4,
        causal: true,
        attentionWindow: 3,
        maxLength: 4,
        dtype: 'float64',
        seed: 4,
      },
      9,
      5,
    );
  });

  it('reset replays the stream identically', () => {
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 8,
      numHeads: 2,
      causal: true,
      attentionWindow: 4,
      seed: 3,
    });
    const s = new AttentionLstmStream(m);
    const xs = series(10, 2, 9, 'float32');
    const first: number[] = [];
    for (let t = 0; t < 10; t++) first.push(s.step(xs.subarray(2 * t, 2 * t + 2))[0]!);
    s.reset();
    expect(s.steps).toBe(0);
    for (let t = 0; t < 10; t++) expect(s.step(xs.subarray(2 * t, 2 * t + 2))[0]).toBe(first[t]);
  });

  it('refuses models that cannot stream', () => {
    expect(
      () => new AttentionLstmStream(AttentionLstm.create({ inputSize: 1, hiddenSize: 4 })),
    ).toThrow(InvalidStateError);
    expect(
      () =>
        new AttentionLstmStream(
          AttentionLstm.create({ inputSize: 1, hiddenSize: 4, causal: true }),
        ),
    ).toThrow(/attentionWindow/);
    expect(
      () =>
        new AttentionLstmStream(
          AttentionLstm.create({
            inputSize: 1,
            hiddenSize: 4,
            causal: true,
            attentionWindow: 2,
            pooling: 'mean',
          }),
        ),
    ).toThrow(/last-step pooling/);
  });

  it('bad steps get a typed error and leave the state unchanged', () => {
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 4,
      causal: true,
      attentionWindow: 3,
      dtype: 'float64',
    });
    const a = new AttentionLstmStream(m);
    const b = new AttentionLstmStream(m);
    a.step([0.1, 0.2]);
    b.step([0.1, 0.2]);
    expect(() => a.step([0.1])).toThrow(ValidationError);
    expect(() => a.step([0.1])).toThrow(/expected \[2\]/);
    expect(() => a.step([Number.NaN, 0])).toThrow(/non-finite/);
    expect(a.steps).toBe(1);
    expect(a.step([0.3, 0.4])[0]).toBe(b.step([0.3, 0.4])[0]);
  });

  it('learned positions stop at maxLength with an InvalidStateError', () => {
    const m = AttentionLstm.create({
      inputSize: 1,
      hiddenSize: 4,
      causal: true,
      attentionWindow: 2,
      positionalEncoding: 'learned',
      maxLength: 3,
    });
    const s = new AttentionLstmStream(m);
    for (let i = 0; i < 3; i++) s.step([i]);
    expect(() => s.step([3])).toThrow(InvalidStateError);
  });
});
