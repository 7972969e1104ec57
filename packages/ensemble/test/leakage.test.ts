import { type Matrix, type Regressor, Rng, tensor } from '@x/core';
import { describe, expect, it } from 'vitest';
import { KFold } from '../src/cv/kfold.js';
import { PurgedKFold } from '../src/cv/purged.js';
import type { Splitter } from '../src/cv/split.js';
import { r2Score } from '../src/importance.js';
import { crossValPredict } from '../src/oof.js';

/** k-nearest-neighbour regressor on one feature: flexible enough to exploit leakage. */
class Knn implements Regressor {
  private xs = new Float64Array(0);
  private ys: Float64Array = new Float64Array(0);
  fit(x: Matrix, y: Float64Array): void {
    this.xs = Float64Array.from({ length: x.shape[0]! }, (_, i) => x.get(i, 0));
    this.ys = y;
  }
  predict(x: Matrix): Float64Array {
    const k = 5;
    return Float64Array.from({ length: x.shape[0]! }, (_, i) => {
      const v = x.get(i, 0);
      const order = Array.from(this.xs.keys()).sort(
        (a, b) => Math.abs(this.xs[a]! - v) - Math.abs(this.xs[b]! - v),
      );
      let s = 0;
      for (let j = 0; j < k; j++) s += this.ys[order[j]!]!;
      return s / k;
    });
  }
}

describe('purged CV removes the leakage of overlapping labels (AFML ch. 7)', () => {
  it('plain KFold scores a useless feature well; purged K-fold with embargo does not', async () => {
    // returns are iid noise; the label is the sum of the next h returns (labels overlap by h-1);
    // the feature is a cumulative volume (increasing with time, independent of the returns), so
    // its nearest neighbours are neighbours in time whose overlapping labels leak into a test
    // row's forecast
    const n = 1200;
    const h = 20;
    const rng = Rng.fromSeed(2026);
    const r = Float64Array.from({ length: n + h }, () => rng.normal());
    const x = new Float64Array(n);
    for (let t = 1; t < n; t++) x[t] = x[t - 1]! + Math.abs(rng.normal());
    const y = Float64Array.from({ length: n }, (_, t) => {
      let s = 0;
      for (let k = 1; k <= h; k++) s += r[t + k]!;
      return s;
    });
    const X = tensor('float64', [n, 1], x) as Matrix;
    const t1 = Array.from({ length: n }, (_, t) => t + h);
    const score = async (cv: Splitter) =>
      r2Score(y, (await crossValPredict(() => new Knn(), X, y, cv)).predictions);
    const shuffled = await score(new KFold({ nSplits: 5, shuffle: true, randomState: 0 }));
    const plain = await score(new KFold({ nSplits: 5 }));
    const purged = await score(new PurgedKFold({ nSplits: 5, t1, pctEmbargo: 0.01 }));
    console.log(
      `OOF R² of a useless feature: shuffled KFold ${shuffled.toFixed(3)}, KFold ${plain.toFixed(3)}, purged ${purged.toFixed(3)}`,
    );
    // the measured gap: shuffled KFold finds "skill" that cannot exist out of sample
    expect(shuffled).toBeGreaterThan(0.5);
    expect(purged).toBeLessThan(0.05);
    expect(shuffled - purged).toBeGreaterThan(0.5);
    // unshuffled KFold leaks only at block edges; with a feature that trends in time its test
    // blocks also fall outside the training range, so its score mixes leakage and extrapolation
    expect(Number.isFinite(plain)).toBe(true);
  });
});
