import { readFileSync } from 'node:fs';
import { Rng, type Tensor, tensor, ValidationError } from '@x/core';
import { expectArraysClose, expectClose } from '@x/test-utils';
import { describe, expect, it } from 'vitest';
import {
  AttentionLstm,
  clipGradNorm,
  evaluateLoss,
  type HealthEvent,
  lossAndGradients,
  Optimizer,
  type OptimizerOptions,
  trainAttentionLstm,
} from '../src/index.js';

interface OptimFixture {
  p0: number[];
  grads: number[][];
  steps: { type: string; options: Record<string, unknown>; final: number[] }[];
  clip: { maxNorm: number; total: number; clipped: number[] }[];
}
const optim = (
  JSON.parse(readFileSync(new URL('./fixtures/pytorch.json', import.meta.url), 'utf8')) as {
    optim: OptimFixture;
  }
).optim;

function toOptions(t: string, o: Record<string, unknown>): OptimizerOptions {
  const betas = o.betas as number[] | undefined;
  if (t === 'sgd') {
    return {
      type: 'sgd',
      lr: o.lr as number,
      momentum: (o.momentum as number) ?? 0,
      nesterov: (o.nesterov as boolean) ?? false,
      weightDecay: (o.weight_decay as number) ?? 0,
    };
  }
  return {
    type: 'adam',
    lr: o.lr as number,
    beta1: betas?.[0] ?? 0.9,
    beta2: betas?.[1] ?? 0.999,
    eps: (o.eps as number) ?? 1e-8,
    // torch.optim.AdamW defaults weight_decay to 1e-2.
    weightDecay: (o.weight_decay as number) ?? (t === 'adamw' ? 1e-2 : 0),
    decoupled: t === 'adamw',
  };
}

describe('optimisers and clipping vs torch.optim / clip_grad_norm_', () => {
  for (const s of optim.steps) {
    it(`${s.type} ${JSON.stringify(s.options)} after 3 steps`, () => {
      const p = Float64Array.from(optim.p0);
      const opt = new Optimizer(p.length, toOptions(s.type, s.options));
      for (const g of optim.grads) opt.step(p, Float64Array.from(g));
      expectArraysClose(p, s.final, { atol: 1e-14, rtol: 1e-12 }, s.type);
    });
  }
  for (const c of optim.clip) {
    it(`clip_grad_norm_ to ${c.maxNorm}`, () => {
      const g = Float64Array.from(optim.grads[0]!);
      expectClose(clipGradNorm(g, c.maxNorm), c.total, { rtol: 1e-14 });
      expectArraysClose(g, c.clipped, { atol: 1e-15, rtol: 1e-13 }, 'clipped');
    });
  }
  it('rejects invalid settings', () => {
    expect(() => new Optimizer(1, { type: 'adam', lr: 0 })).toThrow(ValidationError);
    expect(() => new Optimizer(1, { type: 'sgd', momentum: -1 })).toThrow(/momentum/);
    expect(() => clipGradNorm(new Float64Array(1), 0)).toThrow(/maxNorm/);
  });
});

/** Recall task: each step carries [value, marker]; the target is the value at the marked step. */
function recallData(n: number, T: number, seed: number): { x: Tensor; y: Float64Array } {
  const rng = Rng.fromSeed(seed);
  const x = new Float32Array(n * T * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mark = rng.int(0, T - 2);
    for (let t = 0; t < T; t++) {
      const v = rng.uniform(-1, 1);
      x[(i * T + t) * 2] = v;
      x[(i * T + t) * 2 + 1] = t === mark ? 1 : 0;
      if (t === mark) y[i] = v;
    }
  }
  return { x: tensor('float32', [n, T, 2], x) as Tensor, y };
}

describe('training', () => {
  it('learns a recall-the-marked-value task that needs attention to near-zero loss', () => {
    const T = 8;
    const train = recallData(384, T, 1);
    const test = recallData(128, T, 2);
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 16,
      numHeads: 2,
      seed: 3,
      init: 'xavier-uniform',
    });
    const baseline = evaluateLoss(m, test.x, test.y);
    const report = trainAttentionLstm(m, train, {
      epochs: 60,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 1e-2 },
      lrSchedule: { type: 'cosine', epochs: 60, minLr: 1e-4 },
      clipNorm: 1,
      seed: 4,
    });
    const final = evaluateLoss(m, test.x, test.y);
    // Target variance is 1/3; near zero means < 1% of it on unseen sequences.
    expect(baseline).toBeGreaterThan(0.2);
    expect(final).toBeLessThan(0.0033);
    expect(report.stopReason).toBe('completed');
    expect(report.epochs).toHaveLength(60);
    expect(report.epochs.at(-1)!.trainLoss).toBeLessThan(report.epochs[0]!.trainLoss / 50);
    expect(report.events.filter((e) => e.type === 'non-finite')).toHaveLength(0);
  });

  it('a training step applies exactly one optimiser update of the batch gradient', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dtype: 'float64', seed: 8 });
    const { x, y } = recallData(4, 5, 9);
    const x64 = tensor('float64', [4, 5, 2], Float64Array.from(x.data)) as Tensor;
    const before = Float64Array.from(m.params);
    lossAndGradients(m, x64, y);
    const expected = Float64Array.from(before);
    new Optimizer(expected.length, { type: 'sgd', lr: 0.1 }).step(
      expected,
      Float64Array.from(m.grads),
    );
    trainAttentionLstm(
      m,
      { x: x64, y },
      { epochs: 1, batchSize: 4, optimizer: { type: 'sgd', lr: 0.1 }, shuffle: false },
    );
    expectArraysClose(m.params, expected, { atol: 1e-15 }, 'params');
  });

  it('is reproducible from the seeds, dropout included', () => {
    const run = () => {
      const m = AttentionLstm.create({
        inputSize: 2,
        hiddenSize: 8,
        numLayers: 2,
        dropout: 0.3,
        seed: 5,
      });
      trainAttentionLstm(m, recallData(64, 6, 1), { epochs: 2, batchSize: 8, seed: 2 });
      return m.params;
    };
    const a = run();
    const b = run();
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // Inference has no dropout: forward is deterministic.
    const m = AttentionLstm.create({
      inputSize: 2,
      hiddenSize: 8,
      numLayers: 2,
      dropout: 0.5,
      seed: 5,
    });
    const { x } = recallData(3, 6, 1);
    expect(Array.from(m.forward(x).data)).toEqual(Array.from(m.forward(x).data));
  });

  it('reports progress, per-epoch summaries with throughput from the injected clock, and schedules', () => {
    let now = 0;
    const clock = { now: () => (now += 5) };
    const progress: number[] = [];
    const summaries: number[] = [];
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const report = trainAttentionLstm(m, recallData(40, 5, 3), {
      epochs: 4,
      batchSize: 16,
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
      lrSchedule: { type: 'step', stepSize: 2, gamma: 0.5 },
      clock,
      onProgress: (p) => progress.push(p.step),
      onEpoch: (s) => summaries.push(s.learningRate),
    });
    expect(progress).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(summaries).toEqual([0.1, 0.1, 0.05, 0.05]);
    const e = report.epochs[0]!;
    expect(e.sequencesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(e.sequencesPerSecond)).toBe(true);
    expect(Object.keys(e.groupGradNorms)).toEqual(['lstm.l0', 'attn', 'norm', 'head']);
    expect(e.groupWeightNorms['lstm.l0']).toBeGreaterThan(0);
    expect(e.meanGradNorm).toBeGreaterThan(0);
    expect(e.maxGradNorm).toBeGreaterThanOrEqual(e.meanGradNorm);
  });

  it('stops before corrupting the weights when the loss is not finite', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dtype: 'float64', seed: 1 });
    const head = m.parameters()['head.weight']!;
    for (let i = 0; i < head.size; i++) head.data[i] = 1e300;
    const before = Float64Array.from(m.params);
    const events: HealthEvent[] = [];
    const data = recallData(16, 4, 1);
    const report = trainAttentionLstm(
      m,
      { x: tensor('float64', [16, 4, 2], Float64Array.from(data.x.data)) as Tensor, y: data.y },
      { epochs: 3, onEvent: (e) => events.push(e) },
    );
    expect(report.stopReason).toBe('non-finite');
    expect(events[0]!.type).toBe('non-finite');
    expect(report.steps).toBe(0);
    expect(Buffer.from(m.params.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    const skip = trainAttentionLstm(
      m,
      { x: tensor('float64', [16, 4, 2], Float64Array.from(data.x.data)) as Tensor, y: data.y },
      { epochs: 2, batchSize: 8, onNonFinite: 'skip' },
    );
    // Every step skipped: a failure, not a completion (issue 15.5).
    expect(skip.stopReason).toBe('too-many-skipped');
    expect(skip.epochs[0]!.skippedSteps).toBe(2);
    expect(skip.steps).toBe(0);
    expect(skip.events.at(-1)!.type).toBe('too-many-skipped');
  });

  it('flags an exploding gradient at the batch that causes it', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const { x, y } = recallData(80, 4, 1);
    for (let i = 64; i < 72; i++) y[i] = 1e5;
    const report = trainAttentionLstm(
      m,
      { x, y },
      { epochs: 1, batchSize: 8, shuffle: false, clipNorm: 1 },
    );
    const ex = report.events.filter((e) => e.type === 'exploding-gradient');
    expect(ex.map((e) => e.step)).toEqual([8]);
  });

  it('flags dead units and saturated gates of a stuck LSTM, vanishing gradients, and a loss plateau', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const b = m.parameters()['lstm.bias_ih_l0']!;
    for (let j = 0; j < 16; j++) b.data[j] = j >= 12 ? -60 : j < 4 ? 60 : 0; // output gate shut, input open
    const report = trainAttentionLstm(m, recallData(32, 4, 1), {
      epochs: 4,
      batchSize: 32,
      optimizer: { type: 'sgd', lr: 1e-12 },
      plateauPatience: 2,
      saturationThreshold: 0.4,
    });
    const types = new Set(report.events.map((e) => e.type));
    expect(types).toContain('dead-units');
    expect(types).toContain('gate-saturation');
    expect(types).toContain('vanishing-gradient');
    expect(types).toContain('loss-plateau');
    expect(report.events.find((e) => e.type === 'vanishing-gradient')!.group).toBe('lstm.l0');
    expect(report.epochs[0]!.deadUnitFraction).toBe(1);
    expect(report.epochs[0]!.saturatedGateFraction).toBeGreaterThan(0.6);
  });

  it('stops early on a validation set and restores the best weights', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 2 });
    const train = recallData(64, 5, 1);
    // Validation targets unrelated to the inputs: fitting train makes validation worse.
    const val = recallData(32, 5, 2);
    const rng = Rng.fromSeed(3);
    for (let i = 0; i < val.y.length; i++) val.y[i] = rng.uniform(-1, 1);
    const report = trainAttentionLstm(m, train, {
      epochs: 40,
      batchSize: 8,
      optimizer: { type: 'adam', lr: 1e-2 },
      validation: val,
      earlyStopping: { patience: 3 },
    });
    expect(report.stopReason).toBe('early-stopping');
    expect(report.epochs.length).toBeLessThan(40);
    expect(report.epochs.length).toBe(report.bestEpoch + 4);
    const bestVal = Math.min(...report.epochs.map((e) => e.validationLoss!));
    expectClose(evaluateLoss(m, val.x, val.y), bestVal, { rtol: 1e-6 });
    expect(report.events.at(-1)!.type).toBe('early-stop');
  });

  it('rejects malformed targets and options with typed errors', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, outputSize: 3 });
    const { x } = recallData(4, 3, 1);
    expect(() => trainAttentionLstm(m, { x, y: new Float64Array(4) })).toThrow(/shape \[4, 3\]/);
    expect(() =>
      trainAttentionLstm(m, { x, y: new Int32Array([0, 1, 2, 3]) }, { loss: 'cross-entropy' }),
    ).toThrow(/outside \[0, 3\)/);
    expect(() => trainAttentionLstm(m, { x, y: new Float64Array(12) }, { epochs: 0 })).toThrow(
      /epochs/,
    );
    expect(() =>
      trainAttentionLstm(m, { x, y: new Float64Array(12) }, { earlyStopping: { patience: 1 } }),
    ).toThrow(/validation/);
    const y = new Float64Array(12);
    y[5] = Number.NaN;
    expect(() => trainAttentionLstm(m, { x, y })).toThrow(ValidationError);
  });
});
