/**
 * Permutation feature importance (Breiman 2001; Fisher, Rudin and Dominici 2019) on held-out
 * data, with scikit-learn 1.2's exact permutations, and its aggregation over ensemble members.
 *
 * @module
 */
import { type Matrix, ValidationError } from '@x/core';
import { LegacyMt19937 } from './internal/mt19937.js';
import { asMatrix, checkTargets, dense } from './internal/rows.js';

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Permutations per feature (default 5, as scikit-learn). */
  readonly nRepeats?: number;
  /** Seed of numpy's legacy `RandomState`, as scikit-learn's `random_state` (default 0). */
  readonly randomState?: number;
  /** Score to maximise, `(y, ŷ) => number` (default R², a regressor's `score` in scikit-learn). */
  readonly score?: (y: Float64Array, yhat: Float64Array) => number;
}

/** Importances per feature. */
export interface PermutationImportance {
  /** Score on the unpermuted data. */
  readonly baseline: number;
  /** Mean drop in score per feature. */
  readonly mean: Float64Array;
  /** Standard deviation (population, as numpy's default) of the drop per feature. */
  readonly std: Float64Array;
  /** All drops, row-major [features, repeats]. */
  readonly importances: Float64Array;
}

/** The coefficient of determination R² = 1 - SSE / SST. */
export function r2Score(y: Float64Array, yhat: Float64Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i]!;
  m /= y.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i]! - yhat[i]!) ** 2;
    sst += (y[i]! - m) ** 2;
  }
  return sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
}

/**
 * Permutation importance of each feature for a fitted model, as
 * `sklearn.inspection.permutation_importance` 1.2: one seed is drawn from `RandomState(randomState)`,
 * and for each feature a fresh `RandomState(seed)` shuffles a row index `nRepeats` times, each
 * time re-permuting that feature's (already permuted) column; the importance is the baseline
 * score minus the permuted score. With the same model predictions the drops equal
 * scikit-learn's. Use held-out rows: on training rows importance rewards overfitting.
 *
 * @param predict - the fitted model's batch prediction
 * @param x - held-out inputs [samples, features]
 * @param y - held-out targets
 * @param options - repeats, seed and score
 * @returns baseline, per-feature mean and std drop, and every drop
 * @throws ValidationError on bad data or options
 *
 * @example
 * ```ts
 * import { tensor } from '@x/core';
 * import { LinearRegression, permutationImportance } from '@x/ensemble';
 * const n = 50;
 * const x = tensor('float64', [n, 2], Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k * 0.7)));
 * const y = Float64Array.from({ length: n }, (_, i) => 3 * x.get(i, 0));
 * const m = new LinearRegression();
 * m.fit(x, y);
 * const imp = permutationImportance((v) => m.predict(v), x, y);
 * console.log(imp.mean[0]! > 1, Math.abs(imp.mean[1]!) < 1e-9); // true true
 * ```
 */
export function permutationImportance(
  predict: (x: Matrix) => Float64Array,
  x: Matrix,
  y: Float64Array,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const { data, n, d } = dense(x);
  checkTargets(y, n);
  const repeats = options.nRepeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new ValidationError('nRepeats must be a positive integer', { field: 'nRepeats' });
  const score = options.score ?? r2Score;
  const baseline = score(y, predict(asMatrix(data.slice(), n, d)));
  const seed = new LegacyMt19937(options.randomState ?? 0).interval(0x7fffffff);
  const importances = new Float64Array(d * repeats);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  const idx = new Int32Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    const rng = new LegacyMt19937(seed);
    const xp = data.slice();
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let r = 0; r < repeats; r++) {
      rng.shuffle(idx);
      for (let i = 0; i < n; i++) col[i] = xp[idx[i]! * d + j]!;
      for (let i = 0; i < n; i++) xp[i * d + j] = col[i]!;
      const drop = baseline - score(y, predict(asMatrix(xp, n, d)));
      importances[j * repeats + r] = drop;
      mean[j]! += drop / repeats;
    }
    for (let r = 0; r < repeats; r++)
      std[j]! += (importances[j * repeats + r]! - mean[j]!) ** 2 / repeats;
    std[j] = Math.sqrt(std[j]!);
  }
  return { baseline, mean, std, importances };
}

/**
 * An ensemble's permutation importance: each member's importances (from
 * {@link permutationImportance}) weighted by the ensemble's member weights, `Σ_k w_k imp_k / Σ_k w_k`.
 *
 * @param perMember - one importance result per member
 * @param weights - one non-negative weight per member (stacking: the meta-learner's coefficients' magnitudes; blending: its weights)
 * @returns the weighted mean importance per feature
 * @throws ValidationError on mismatched sizes or weights summing to zero
 */
export function aggregateImportance(
  perMember: readonly PermutationImportance[],
  weights: ArrayLike<number>,
): Float64Array {
  if (perMember.length === 0 || perMember.length !== weights.length) {
    throw new ValidationError('one weight per member is needed', { field: 'weights' });
  }
  const d = perMember[0]!.mean.length;
  const out = new Float64Array(d);
  let s = 0;
  perMember.forEach((p, k) => {
    const w = weights[k]!;
    if (!(w >= 0) || p.mean.length !== d)
      throw new ValidationError('weights must be >= 0 and members must share features', {
        field: 'weights',
      });
    s += w;
    for (let j = 0; j < d; j++) out[j]! += w * p.mean[j]!;
  });
  if (s === 0) throw new ValidationError('weights must not all be zero', { field: 'weights' });
  for (let j = 0; j < d; j++) out[j]! /= s;
  return out;
}
