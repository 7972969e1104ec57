/**
 * The benchmarks' data set: 100,000 x 32 standard normal features, a sparse linear truth and
 * noise of sd 2, from a fixed seed (the same rows for every benchmark and for scikit-learn).
 */
import { type Matrix, Rng, tensor } from '@x/core';

export const N = 100_000;
export const D = 32;

export function data(): { x: Matrix; y: Float64Array } {
  const rng = Rng.fromSeed(7);
  const x = new Float64Array(N * D);
  rng.fillNormal(x);
  const w = Float64Array.from({ length: D }, (_, j) => (j % 3 === 0 ? 0 : rng.normal()));
  const y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0.5;
    for (let j = 0; j < D; j++) s += x[i * D + j]! * w[j]!;
    y[i] = s + rng.normal(0, 2);
  }
  return { x: tensor('float64', [N, D], x) as Matrix, y };
}
