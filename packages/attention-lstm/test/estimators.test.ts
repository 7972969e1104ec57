import { InvalidStateError, Rng, type Tensor, tensor } from '@x/core';
import { describe, expect, it } from 'vitest';
import { AttentionLstm, AttentionLstmClassifier, AttentionLstmRegressor } from '../src/index.js';

function data(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const T = 6;
  const x = new Float32Array(n * T * 2);
  const y = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      const v = rng.uniform(-1, 1);
      x[(i * T + t) * 2] = v;
      x[(i * T + t) * 2 + 1] = rng.normal(0, 0.1);
      s += v;
    }
    y[i] = s / T;
    labels[i] = s > 0 ? 7 : -3;
  }
  return { x: tensor('float32', [n, T, 2], x) as Tensor, y, labels };
}

describe('core Regressor / Classifier contracts', () => {
  it('the regressor fits and predicts one value per sample, and exports its model', () => {
    const { x, y } = data(128, 1);
    const reg = new AttentionLstmRegressor(
      { hiddenSize: 8, numHeads: 2, seed: 1 },
      { epochs: 25, batchSize: 16, optimizer: { type: 'adam', lr: 1e-2 } },
    );
    expect(() => reg.predict(x)).toThrow(InvalidStateError);
    reg.fit(x, y);
    const p = reg.predict(x);
    expect(p).toHaveLength(128);
    let mse = 0;
    let v = 0;
    for (let i = 0; i < y.length; i++) {
      mse += (p[i]! - y[i]!) ** 2;
      v += y[i]! ** 2;
    }
    expect(mse / v).toBeLessThan(0.1);
    const back = AttentionLstm.importModel(reg.exportModel());
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(p, (q) => Math.fround(q)));
  });

  it('the classifier maps arbitrary labels, predicts probabilities that sum to 1 and learns the sign', () => {
    const { x, labels } = data(128, 2);
    const clf = new AttentionLstmClassifier(
      { hiddenSize: 8, seed: 2 },
      { epochs: 20, batchSize: 16, optimizer: { type: 'adam', lr: 1e-2 } },
    );
    clf.fit(x, labels);
    expect(Array.from(clf.classes)).toEqual([-3, 7]);
    const proba = clf.predictProba(x);
    expect(proba.shape).toEqual([128, 2]);
    for (let i = 0; i < 128; i++) expect(proba.get(i, 0) + proba.get(i, 1)).toBeCloseTo(1, 12);
    const pred = clf.predict(x);
    let hits = 0;
    for (let i = 0; i < 128; i++) if (pred[i] === labels[i]) hits++;
    expect(hits / 128).toBeGreaterThan(0.9);
    expect(() => clf.fit(x, new Int32Array(128).fill(1))).toThrow(/two classes/);
  });
});
