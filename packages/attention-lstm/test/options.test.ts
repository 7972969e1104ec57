import { Worker } from 'node:worker_threads';
import { Rng, type Tensor, tensor, ValidationError } from '@x/core';
import { expectClose, fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttentionLstm,
  Optimizer,
  type TrainOptions,
  trainAttentionLstm,
  trainAttentionLstmAsync,
} from '../src/index.js';

function data(n: number, T: number, seed: number): { x: Tensor; y: Float64Array } {
  const rng = Rng.fromSeed(seed);
  const x = new Float32Array(n * T * 2);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  const y = Float64Array.from({ length: n }, (_, i) => x[i * T * 2]! * 0.5);
  return { x: tensor('float32', [n, T, 2], x) as Tensor, y };
}

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (ValidationError.isInstance(e)) return e.field;
    throw e;
  }
  return undefined;
}

describe('every training option is validated at run time (issue 15.1)', () => {
  const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
  const d = data(8, 3, 1);
  // Options as they arrive from JSON: no type checking at compile time.
  const bad: [unknown, string][] = [
    [{ loss: 'hubr' }, 'loss'],
    [{ optimizer: { type: 'rmsprop' } }, 'optimizer.type'],
    [{ lrSchedule: { type: 'step', stepSize: 0, gamma: 0.5 } }, 'lrSchedule.stepSize'],
    [{ lrSchedule: { type: 'step', stepSize: 2, gamma: -1 } }, 'lrSchedule.gamma'],
    [{ lrSchedule: { type: 'cosine', epochs: 0 } }, 'lrSchedule.epochs'],
    [{ lrSchedule: { type: 'exponential' } }, 'lrSchedule.type'],
    [{ optimizer: { type: 'adam', eps: -1e-8 } }, 'eps'],
    [{ optimizer: { type: 'adam', lr: Number.NaN } }, 'lr'],
    [{ optimizer: { type: 'sgd', nesterov: true } }, 'nesterov'],
    [{ optimizer: { type: 'sgd', momentum: 0.9, nesterov: 'yes' } }, 'nesterov'],
    [{ batchSize: 1.5 }, 'batchSize'],
    [{ clipNorm: Number.NaN }, 'clipNorm'],
    [{ shuffle: 'no' }, 'shuffle'],
    [{ seed: 0.5 }, 'seed'],
    [{ onNonFinite: 'ignore' }, 'onNonFinite'],
    [{ explodingFactor: 0 }, 'explodingFactor'],
    [{ saturationThreshold: 2 }, 'saturationThreshold'],
    [{ plateauPatience: 0 }, 'plateauPatience'],
    [{ maxSkippedFraction: -0.1 }, 'maxSkippedFraction'],
    [{ validation: { x: d.x, y: d.y }, earlyStopping: { patience: 0 } }, 'earlyStopping.patience'],
    [{ onEpoch: 'log' }, 'onEpoch'],
    [{ learningRate: 0.1 }, 'options.learningRate'],
    [{ optimizer: { type: 'adam', betas: [0.9, 0.99] } }, 'optimizer.betas'],
    [{ lrSchedule: { type: 'cosine', epochs: 5, eta_min: 0 } }, 'lrSchedule.eta_min'],
  ];
  for (const [options, field] of bad) {
    it(`${JSON.stringify(options).slice(0, 80)} → ValidationError on ${field}`, () => {
      const before = Float32Array.from(m.params);
      expect(fieldOf(() => trainAttentionLstm(m, d, options as TrainOptions))).toBe(field);
      expect(Array.from(m.params)).toEqual(Array.from(before));
    });
  }

  it('a JSON-loaded config is checked like a typed literal', () => {
    const json = JSON.parse('{"epochs": 2, "optimizer": {"type": "adam", "eps": -1}}');
    expect(fieldOf(() => trainAttentionLstm(m, d, json))).toBe('eps');
    const ok = JSON.parse(
      '{"epochs": 2, "batchSize": 4, "optimizer": {"type": "sgd", "lr": 0.01}}',
    );
    expect(trainAttentionLstm(m, d, ok).stopReason).toBe('completed');
  });

  it('the optimiser refuses what PyTorch refuses', () => {
    expect(() => new Optimizer(1, { type: 'adam', eps: -1 })).toThrow(/eps/);
    expect(() => new Optimizer(1, { type: 'sgd', nesterov: true })).toThrow(/Nesterov/);
    expect(() => new Optimizer(1, { type: 'sgd', momentum: 0.9, nesterov: true })).not.toThrow();
  });

  it('a misspelt model option is refused like an excess property of a typed literal', () => {
    const cfg = JSON.parse('{"inputSize": 2, "hiddenSize": 4, "num_heads": 2}');
    expect(fieldOf(() => AttentionLstm.create(cfg))).toBe('config.num_heads');
  });

  it('dropout with one LSTM layer is refused (it would do nothing)', () => {
    expect(fieldOf(() => AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dropout: 0.2 }))).toBe(
      'dropout',
    );
    expect(() =>
      AttentionLstm.create({ inputSize: 2, hiddenSize: 4, numLayers: 2, dropout: 0.2 }),
    ).not.toThrow();
  });
});

describe('health reporting is exact (issue 15.5)', () => {
  it('group gradient norms are those of the last applied step when the last step was skipped', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dtype: 'float64', seed: 2 });
    const d = data(16, 3, 2);
    const x = tensor('float64', [16, 3, 2], Float64Array.from(d.x.data)) as Tensor;
    for (let i = 8; i < 16; i++) d.y[i] = 1e200; // the second batch's loss overflows
    const r = trainAttentionLstm(
      m,
      { x, y: d.y },
      { epochs: 1, batchSize: 8, shuffle: false, onNonFinite: 'skip' },
    );
    const e = r.epochs[0]!;
    expect(e.skippedSteps).toBe(1);
    expect(r.stopReason).toBe('completed');
    let sq = 0;
    for (const v of Object.values(e.groupGradNorms)) sq += v * v;
    // One applied step: its global norm is the mean norm, and the group norms are its parts.
    expectClose(Math.sqrt(sq), e.meanGradNorm, { rtol: 1e-12 });
  });

  it('flags an exploding gradient from the second step', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const d = data(24, 3, 3);
    for (let i = 8; i < 16; i++) d.y[i] = 1e5;
    const r = trainAttentionLstm(m, d, { epochs: 1, batchSize: 8, shuffle: false, clipNorm: 1 });
    expect(r.events.filter((e) => e.type === 'exploding-gradient').map((e) => e.step)).toEqual([1]);
  });

  it('a run that skips most of its steps fails instead of completing', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, dtype: 'float64', seed: 1 });
    const d = data(32, 3, 4);
    const x = tensor('float64', [32, 3, 2], Float64Array.from(d.x.data)) as Tensor;
    for (let i = 8; i < 32; i++) d.y[i] = 1e200; // 3 of 4 batches overflow
    const r = trainAttentionLstm(
      m,
      { x, y: d.y },
      { epochs: 5, batchSize: 8, shuffle: false, onNonFinite: 'skip' },
    );
    expect(r.stopReason).toBe('too-many-skipped');
    expect(r.epochs).toHaveLength(1);
    expect(r.events.at(-1)!.type).toBe('too-many-skipped');
    expect(r.events.at(-1)!.value).toBe(0.75);
  });

  it('warns when the final loss is far worse than predicting the target mean', () => {
    const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const d = data(32, 3, 5);
    for (let i = 0; i < d.y.length; i++) d.y[i] = d.y[i]! + 20; // mean far from the untrained output
    const stuck = trainAttentionLstm(m, d, {
      epochs: 2,
      batchSize: 16,
      optimizer: { type: 'sgd', lr: 1e-9 },
    });
    const warn = stuck.events.filter((e) => e.type === 'worse-than-baseline');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.value).toBeGreaterThan(100);
    const good = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const r = trainAttentionLstm(good, data(64, 3, 6), {
      epochs: 20,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 1e-2 },
    });
    expect(r.events.filter((e) => e.type === 'worse-than-baseline')).toHaveLength(0);
  });

  it('no report of a completed run holds NaN or Infinity, whatever the data and options (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom('adam' as const, 'sgd' as const),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        (n, T, batchSize, scale, type, lr, seed) => {
          const m = AttentionLstm.create({ inputSize: 2, hiddenSize: 4, seed });
          const d = data(n, T, seed);
          for (let i = 0; i < n; i++) d.y[i] = d.y[i]! * scale;
          const r = trainAttentionLstm(m, d, {
            epochs: 2,
            batchSize,
            optimizer: { type, lr },
            onNonFinite: 'skip',
          });
          if (r.stopReason === 'completed') {
            for (const e of r.epochs) {
              const nums = [
                e.trainLoss,
                e.meanGradNorm,
                e.maxGradNorm,
                e.learningRate,
                e.sequencesPerSecond,
              ];
              nums.push(...Object.values(e.groupGradNorms), ...Object.values(e.groupWeightNorms));
              for (const v of nums) expect(Number.isFinite(v)).toBe(true);
            }
          }
          for (const v of m.params) expect(Number.isFinite(v)).toBe(true);
        },
      ),
      fcParams({ numRuns: 30 }),
    );
  });
});

describe('asynchronous training (issue 9)', () => {
  it('yields between epochs and gives bit for bit the numbers of the synchronous run', async () => {
    const cfg = { inputSize: 2, hiddenSize: 8, numLayers: 2, dropout: 0.2, seed: 3 } as const;
    const d = data(40, 4, 7);
    const clock = () => {
      let t = 0;
      return { now: () => (t += 1) };
    };
    const opts = { epochs: 4, batchSize: 8, seed: 5, clipNorm: 1 } as const;
    const a = AttentionLstm.create(cfg);
    const ra = trainAttentionLstm(a, d, { ...opts, clock: clock() });
    const b = AttentionLstm.create(cfg);
    let epochsDone = 0;
    let firedAfter = -1;
    // A timer due before training starts runs between epochs, not after the whole run.
    setTimeout(() => {
      firedAfter = epochsDone;
    }, 0);
    const rb = await trainAttentionLstmAsync(b, d, {
      ...opts,
      clock: clock(),
      onEpoch: () => epochsDone++,
    });
    expect(firedAfter).toBe(1);
    expect(Buffer.from(b.params.buffer).equals(Buffer.from(a.params.buffer))).toBe(true);
    expect(rb).toEqual(ra);
    await expect(trainAttentionLstmAsync(b, d, { epochs: 0 })).rejects.toThrow(ValidationError);
  });

  it('runs inside a worker thread with the same numbers as on the main thread', async () => {
    const d = data(24, 4, 8);
    const main = AttentionLstm.create({ inputSize: 2, hiddenSize: 8, seed: 3 });
    const r = trainAttentionLstm(main, d, { epochs: 3, batchSize: 8, seed: 5 });
    const worker = new Worker(new URL('./fixtures/train-worker.mjs', import.meta.url), {
      execArgv: ['--conditions=@x/source'],
      workerData: { x: Float32Array.from(d.x.data), shape: [...d.x.shape], y: d.y },
    });
    const got = await new Promise<{ params: Float32Array; steps: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(got.steps).toBe(r.steps);
    expect(Array.from(got.params)).toEqual(Array.from(main.params));
  });
});
